"""Import a whisper.cpp ggml model file from anywhere on disk into the model store.

The file is checked first (magic, hyper-parameters and every tensor's bytes: validate_ggml_model), then
copied under a hidden temporary name, checked again and renamed into place, so the store never lists a
truncated or foreign file. Command line:
`metavis-transcribe models import-ggml FILE [--name NAME]`.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from metavis_gui.contract.atomic_write import fsync_directory
from metavis_gui.models.ct2_import import SIDECAR_SUFFIX as CT2_SIDECAR_SUFFIX
from metavis_gui.models.errors import ModelImportCancelled, ModelImportError
from metavis_gui.models.ggml_model_check import GgmlModelInfo, validate_ggml_model
from metavis_gui.models.model_store import WHISPER_MODEL_NAMES, ggml_model_path

_COPY_CHUNK_BYTES = 4 << 20
CancelCheck = Callable[[], bool]
# ggml's file type codes for quantized weights, named as whisper.cpp names its quantized downloads.
_QUANTIZED_SUFFIXES = {
    2: "q4_0",
    3: "q4_1",
    7: "q8_0",
    8: "q5_0",
    9: "q5_1",
    10: "q2_k",
    11: "q3_k",
    12: "q4_k",
    13: "q5_k",
    14: "q6_k",
}
_QUANTIZATION_VERSION_FACTOR = 1000
# Same shapes, so a file of either reads as large-v2.
_INTERCHANGEABLE = {"large-v2": {"large-v1", "large-v2"}}


def import_ggml_model(
    source: Path, models_dir: Path | None = None, name: str | None = None, cancelled: CancelCheck = lambda: False
) -> Path:
    """Copies `source` into the store as `ggml-<name>.bin`, replacing a model of that name; returns the new path.

    `cancelled` is asked between the checks and between chunks of the copy; when it says yes,
    `ModelImportCancelled` is raised and nothing is installed.
    """
    source = Path(source).expanduser()
    info = validate_ggml_model(source)
    _stop_if(cancelled, source)
    name = name or inferred_model_name(info)
    _check_name(source, name, info)
    destination = ggml_model_path(name, models_dir)
    if destination.exists() and destination.resolve() == source.resolve():
        return destination
    try:
        _copy_checked(source, destination, cancelled)
    except OSError as error:
        reason = "the disk is full" if error.errno == errno.ENOSPC else (error.strerror or str(error))
        raise ModelImportError(
            source, f"{source} could not be copied into {destination.parent}: {reason}. Nothing was installed."
        ) from error
    # A conversion record describes the file this one replaced.
    destination.with_name(destination.name + CT2_SIDECAR_SUFFIX).unlink(missing_ok=True)
    return destination


def _write_chunk(output: BinaryIO, chunk: bytes) -> None:
    output.write(chunk)


def _stop_if(cancelled: CancelCheck, source: Path) -> None:
    if cancelled():
        raise ModelImportCancelled(source, f"Import of {source} cancelled; nothing was installed.")


def _copy_checked(source: Path, destination: Path, cancelled: CancelCheck) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    # The dot and the suffix keep the unfinished copy out of the store's "ggml-*.bin" listing.
    descriptor, name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as output, source.open("rb") as handle:
            while chunk := handle.read(_COPY_CHUNK_BYTES):
                _stop_if(cancelled, source)
                _write_chunk(output, chunk)
            output.flush()
            os.fsync(output.fileno())
        # Checked again as copied: the copy is what whisper-cli will load.
        validate_ggml_model(temporary)
        _stop_if(cancelled, source)
        os.chmod(temporary, 0o644)
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(destination.parent)


def inferred_model_name(info: GgmlModelInfo) -> str:
    if info.model_name is None:
        raise ModelImportError(
            info.path,
            f"{info.path}: a valid whisper.cpp model, but its sizes match no published Whisper model; "
            "give it a name to import it (--name).",
        )
    quantization = _QUANTIZED_SUFFIXES.get(info.hparams.ftype % _QUANTIZATION_VERSION_FACTOR)
    return f"{info.model_name}-{quantization}" if quantization else info.model_name


def _check_name(source: Path, name: str, info: GgmlModelInfo) -> None:
    if not name or name.startswith(".") or any(character in name for character in '/\\:*?"<>|'):
        raise ModelImportError(source, f"'{name}' cannot be a model name: use letters, digits, '.', '-' or '_'.")
    actual = info.model_name
    if name in WHISPER_MODEL_NAMES and actual is not None and name not in _INTERCHANGEABLE.get(actual, {actual}):
        # The app picks DTW presets and language support from the name; a wrong one would mislead it.
        raise ModelImportError(
            source,
            f"{source} is a {actual} model; importing it as '{name}' would make the app treat it as {name}. "
            f"Use --name {actual}, or a name that is not a published model's (such as '{actual}-custom').",
        )
