"""Where each WhisperKit model is published, which files make one, and whether a downloaded folder is one.

WhisperKit (github.com/argmaxinc/WhisperKit) loads a model folder holding MelSpectrogram.mlmodelc,
AudioEncoder.mlmodelc and TextDecoder.mlmodelc (`WhisperKit.loadModels`, Sources/WhisperKit/Core/WhisperKit.swift),
each a compiled Core ML program: coremldata.bin, metadata.json, model.mil, analytics/coremldata.bin and
weights/weight.bin. The folders are `openai_whisper-<name>` of the Hugging Face repository
argmaxinc/whisperkit-coreml, with config.json and generation_config.json beside them; the names are those
WhisperKit itself offers (`ModelSupportConfig` in Sources/WhisperKit/Core/Models.swift).

WhisperKit looks for tokenizer.json in the model folder before it downloads one from openai/whisper-<name>
(`ModelUtilities.loadTokenizer`), so the tokenizer is fetched into the folder too: a run then needs no network.
No checksums are published where this project can read them, so a folder is checked by its structure.
"""

from __future__ import annotations

import json
from pathlib import Path

from metavis_gui.models.errors import WhisperKitModelInvalid
from metavis_gui.models.ggml_model_check import infer_whisper_model_name

MODELS_REPOSITORY = "argmaxinc/whisperkit-coreml"
FOLDER_PREFIX = "openai_whisper-"
PUBLISHED_NAMES = ("tiny", "tiny.en", "base", "base.en", "small", "small.en", "large-v2", "large-v3")
CORE_ML_MODELS = ("MelSpectrogram.mlmodelc", "AudioEncoder.mlmodelc", "TextDecoder.mlmodelc")
_COMPILED_MODEL_FILES = (
    "coremldata.bin",
    "metadata.json",
    "model.mil",
    "analytics/coremldata.bin",
    "weights/weight.bin",
)
FOLDER_FILES = ("config.json", "generation_config.json")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
_JSON_FILES = ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json")
_GIT_LFS_POINTER = b"version https://git-lfs"


def model_folder_files() -> tuple[str, ...]:
    """The files of a model folder, as paths inside it: the weights come last, so a broken mirror fails early."""
    compiled = [f"{model}/{file}" for file in _COMPILED_MODEL_FILES for model in CORE_ML_MODELS]
    weights = [path for path in compiled if path.endswith("/weight.bin")]
    return (*FOLDER_FILES, *TOKENIZER_FILES, *(path for path in compiled if path not in weights), *weights)


def remote_path(name: str, file: str) -> str:
    """Where a file of the model `name` is, below https://huggingface.co/ (or a mirror of it)."""
    if file in TOKENIZER_FILES:
        return f"openai/whisper-{name}/resolve/main/{file}"
    return f"{MODELS_REPOSITORY}/resolve/main/{FOLDER_PREFIX}{name}/{file}"


def validate_whisperkit_folder(folder: Path, expected_name: str | None = None) -> None:
    """A WhisperKitModelInvalid naming the file at fault, unless WhisperKit can load this folder.

    Each Core ML model's program must be a Core ML program and its weights real bytes (not an HTML error page
    or a Git LFS pointer); the JSON files must be JSON objects; config.json's shapes, when it gives them, must
    be those of `expected_name`.
    """
    for model in CORE_ML_MODELS:
        program = folder / model / "model.mil"
        if not _read(program, 64).lstrip().startswith(b"program("):
            raise WhisperKitModelInvalid(program, f"{program}: not a Core ML program (it must start with 'program(').")
        for name in ("coremldata.bin", "weights/weight.bin"):
            path = folder / model / name
            head = _read(path, len(_GIT_LFS_POINTER))
            if not head or head.startswith(_GIT_LFS_POINTER):
                raise WhisperKitModelInvalid(path, f"{path}: empty or a Git LFS pointer, not the model's bytes.")
    documents = {name: _json_object(folder / name) for name in _JSON_FILES}
    _check_shapes(folder / "config.json", documents["config.json"], expected_name)


def _read(path: Path, size: int) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as error:
        raise WhisperKitModelInvalid(path, f"{path}: missing or unreadable ({error.strerror or error}).") from None


def _json_object(path: Path) -> dict:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise WhisperKitModelInvalid(path, f"{path}: missing or unreadable ({error.strerror or error}).") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WhisperKitModelInvalid(path, f"{path}: not JSON ({error}).") from None
    if not isinstance(document, dict):
        raise WhisperKitModelInvalid(path, f"{path}: a JSON object was expected.")
    return document


def _check_shapes(path: Path, config: dict, expected_name: str | None) -> None:
    shape_keys = ("encoder_layers", "d_model", "vocab_size", "decoder_layers")
    shapes = [config.get(key) for key in shape_keys]
    if expected_name is None or not all(isinstance(value, int) for value in shapes):
        return
    found = infer_whisper_model_name(*shapes)  # type: ignore[arg-type]
    if found != expected_name:
        raise WhisperKitModelInvalid(
            path, f"{path}: the shapes are those of {found or 'no published Whisper model'}, not {expected_name}."
        )
