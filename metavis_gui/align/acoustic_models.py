"""Which acoustic model aligns which language: one typed table, and a folder per language for more later.

English uses the en-us model and CMU dictionary inside the pocketsphinx wheel. Another language gets a
model when a folder `<search folder>/<language code>/` holds a pocketsphinx acoustic model (a folder with
`mdef` in it) and one pronouncing dictionary (`*.dict`), found the way Whisper models are: the caller
passes the app's models folder. Only English can pronounce words its dictionary lacks (g2p-en).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

ALIGNER_NAME = "pocketsphinx"
_LANGUAGE_NAMES = {"english": "en", "german": "de", "french": "fr", "spanish": "es", "italian": "it"}
_LANGUAGE_LABELS = {
    "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
    "ru": "Russian", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "pl": "Polish", "tr": "Turkish",
}  # fmt: skip
_MODEL_DEFINITION_FILE = "mdef"
_REQUIRED_MODEL_FILES = (_MODEL_DEFINITION_FILE, "means", "variances", "transition_matrices", "noisedict")
_MIXTURE_WEIGHT_FILES = ("sendump", "mixture_weights")


class AcousticModel(BaseModel):
    """A pocketsphinx acoustic model and the pronouncing dictionary that goes with it."""

    model_config = ConfigDict(frozen=True)

    language: str  # ISO 639-1, e.g. "en"
    name: str  # e.g. "en-us"
    model_folder: Path  # what pocketsphinx calls -hmm
    dictionary_path: Path
    predicts_unknown_words: bool = False  # grapheme-to-phoneme for words the dictionary lacks
    dictionary_sorted: bool = False  # lines in order of word, then variant number: searched, not indexed


def language_code(language: str | None) -> str | None:
    """'en', 'EN', 'en-US', 'en_GB', 'english' -> 'en'; None or '' or 'auto' -> None."""
    if not language or language.strip().lower() in ("auto", "unknown"):
        return None
    text = language.strip().lower()
    text = _LANGUAGE_NAMES.get(text, text)
    return re.split(r"[-_]", text)[0] or None


def language_label(language: str | None) -> str:
    code = language_code(language)
    if code is None:
        return "an unknown language"
    if code == "en":
        return "English"
    return _LANGUAGE_LABELS.get(code, f"language '{code}'")


def acoustic_model_for(language: str | None, search_folders: Sequence[Path] = ()) -> AcousticModel | None:
    """The model that aligns `language`: a folder model first (it may replace a bundled one), else bundled."""
    code = language_code(language)
    if code is None:
        return None
    for folder in search_folders:
        found = _folder_model(Path(folder) / code, code)
        if found is not None:
            return found
    bundled = _BUNDLED_MODELS.get(code)
    return bundled() if bundled else None


def model_problem(model: AcousticModel) -> str | None:
    """What is wrong with a model's files, or None. pocketsphinx ends the whole process on a malformed
    model (its FATAL errors call exit), so a folder is checked before pocketsphinx reads it."""
    missing = [name for name in _REQUIRED_MODEL_FILES if not (model.model_folder / name).is_file()]
    if not any((model.model_folder / name).is_file() for name in _MIXTURE_WEIGHT_FILES):
        missing.append(" or ".join(_MIXTURE_WEIGHT_FILES))
    if missing:
        return f"the acoustic model {model.model_folder} lacks {', '.join(missing)}"
    with open(model.model_folder / _MODEL_DEFINITION_FILE, "rb") as definition:
        if definition.read(4) not in (b"BMDF", b"0.3\n", b"0.3\r"):
            return f"{model.model_folder / _MODEL_DEFINITION_FILE} is not a pocketsphinx model definition"
    if not model.dictionary_path.is_file():
        return f"the pronouncing dictionary {model.dictionary_path} is missing"
    return None


def pocketsphinx_installed() -> bool:
    return importlib.util.find_spec("pocketsphinx") is not None


def pocketsphinx_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pocketsphinx")
    except PackageNotFoundError:
        return "not installed"


def _bundled_english() -> AcousticModel | None:
    spec = importlib.util.find_spec("pocketsphinx")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations))) / "model" / "en-us"
    model = AcousticModel(
        language="en",
        name="en-us",
        model_folder=root / "en-us",
        dictionary_path=root / "cmudict-en-us.dict",
        predicts_unknown_words=True,
        dictionary_sorted=True,
    )
    return model if (model.model_folder / _MODEL_DEFINITION_FILE).is_file() else None


def _folder_model(folder: Path, code: str) -> AcousticModel | None:
    if not folder.is_dir():
        return None
    model_folders = sorted(path.parent for path in folder.glob(f"*/{_MODEL_DEFINITION_FILE}"))
    dictionaries = sorted(folder.glob("*.dict"))
    if not model_folders or not dictionaries:
        return None
    return AcousticModel(
        language=code,
        name=model_folders[0].name,
        model_folder=model_folders[0],
        dictionary_path=dictionaries[0],
        predicts_unknown_words=code == "en",
    )


_BUNDLED_MODELS = {"en": _bundled_english}
