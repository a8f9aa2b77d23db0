"""Where openai-whisper checkpoints live in the model store, and whether one is the published file: what the
engine table needs on every run, apart from the converter (numpy, PyTorch)."""

from __future__ import annotations

from pathlib import Path

from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.errors import ModelError
from metavis_gui.models.file_digest import file_sha256
from metavis_gui.models.model_catalog import engine_folder, find_entry

CHECKPOINT_SUFFIX = ".pt"
INSTALL_COMMAND = "metavis-transcribe models install-default-openai-whisper"


def openai_whisper_model_path(name: str, models_dir: Path | None = None) -> Path:
    """Where openai-whisper models live in the store: `<models_dir>/openai-whisper/<name>.pt`."""
    return engine_folder(EngineId.OPENAI_WHISPER, models_dir) / f"{name}{CHECKPOINT_SUFFIX}"


def is_official_checkpoint(path: Path, name: str) -> bool:
    """True when path is byte for byte the checkpoint openai-whisper publishes for name (its SHA-256)."""
    try:
        entry = find_entry(name, EngineId.OPENAI_WHISPER)
        size = path.stat().st_size
    except (ModelError, OSError):  # UnknownModel: a name the catalogue does not list
        return False
    if entry.checksum is None or (entry.size_bytes is not None and size != entry.size_bytes):
        return False
    return file_sha256(path) == entry.checksum
