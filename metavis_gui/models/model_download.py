"""Download a catalogued model into the store: resumable, verified before use, installed atomically.

Synchronous: the GUI runs it in a worker thread or child process. Bytes stream into `<file>.part` in
the store and a later call resumes it with an HTTP Range request (`resumable_fetch`); only a file whose
checksum (for Core ML zips: whose structure) is right gets its final name. A faster-whisper model is a
folder of files, and so is a WhisperKit model: `model_folder_download` fetches each the same way into
`<name>.part/`. After a failure:
- cancelled, connection lost or stalled: the `.part` is kept, to resume.
- disk full: the `.part` is kept too. Writes are unbuffered, so its length is exactly what the system
  accepted, a correct prefix of the file; the message gives its size and how to delete it.
- checksum mismatch or damaged archive or folder: the bad bytes are deleted.
Installed models are never touched by a failed download.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from metavis_gui.contract.atomic_write import fsync_directory
from metavis_gui.models.ct2_folder_download import validate_ct2_folder
from metavis_gui.models.ct2_import import SIDECAR_SUFFIX as CT2_SIDECAR_SUFFIX
from metavis_gui.models.download_defaults import DEFAULT_TIMEOUT_SECONDS
from metavis_gui.models.engine_ids import DEFAULT_ENGINE, EngineId, engine_identity
from metavis_gui.models.errors import ModelImportError, ModelNotInstalled
from metavis_gui.models.ggml_model_check import validate_ggml_model
from metavis_gui.models.model_catalog import (
    COREML_REQUIRED_FILES,
    PARTIAL_SUFFIX,
    CatalogEntry,
    ModelKind,
    downloaded_file_name,
    engine_folder,
    installed_file_name,
    installed_path,
    partial_path,
)
from metavis_gui.models.model_folder_download import FolderValidator, download_model_folder
from metavis_gui.models.resumable_fetch import (
    CancelCheck,
    ChecksumMismatch,
    DiskFull,
    DownloadCancelled,
    DownloadError,
    DownloadFailed,
    DownloadInterrupted,
    ModelNotAvailable,
    NetworkUnavailable,
    Progress,
    as_cancel_check,
    fetch_resumable,
    file_digest,
)
from metavis_gui.models.safe_unzip import safe_unzip
from metavis_gui.models.whisperkit_sources import validate_whisperkit_folder

# The errors are raised by the transfer, but callers know them as this module's.
__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "ChecksumMismatch",
    "DiskFull",
    "DownloadCancelled",
    "DownloadError",
    "DownloadFailed",
    "DownloadInterrupted",
    "ModelNotAvailable",
    "NetworkUnavailable",
    "delete_model",
    "download_model",
]


# The kinds that are folders of files, and what makes a complete folder of each a model.
_FOLDER_VALIDATORS: dict[ModelKind, FolderValidator] = {
    ModelKind.CT2_FOLDER: validate_ct2_folder,
    ModelKind.WHISPERKIT_FOLDER: validate_whisperkit_folder,
}


def download_model(
    entry: CatalogEntry,
    models_dir: Path | None = None,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> Path:
    """The installed path. `cancelled` is polled from a helper thread too: it must only read a flag.

    `progress(done, total)` gets bytes; total is 0 while unknown. `timeout` bounds connecting and each stall.
    """
    is_cancelled = as_cancel_check(cancelled)
    report = progress or (lambda done, total: None)
    destination, part, url = installed_path(entry, models_dir), partial_path(entry, models_dir), entry.url(base_url)
    try:
        part.parent.mkdir(parents=True, exist_ok=True)
        validate = _FOLDER_VALIDATORS.get(entry.kind)
        if validate is not None:
            return download_model_folder(
                entry, part, destination, validate=validate, base_url=base_url, is_cancelled=is_cancelled,
                report=report, timeout=timeout,
            )  # fmt: skip
        fetch_resumable(url, part, entry.size_bytes, is_cancelled, report, timeout)
        _verify(entry, part, url, is_cancelled)
        return _install(entry, part, destination, is_cancelled)
    except InterruptedError:
        raise DownloadCancelled(part, f"{entry.file_name}: download cancelled; {_kept(part)}") from None
    except OSError as error:
        if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            message = f"The disk holding {part.parent} is full: {destination.name} was not installed. Free some space"
            raise DiskFull(part, f"{message} and run the download again; {_kept(part)}") from error
        raise DownloadFailed(part, f"{part}: cannot be written ({error.strerror or error}).") from error


def _kept(part: Path) -> str:
    size = part.stat().st_size if part.is_file() else sum(p.stat().st_size for p in part.rglob("*") if p.is_file())
    if not size:
        return "nothing was kept."
    return f"the {size / 1e6:.1f} MB downloaded so far are kept in {part} to resume (delete it to free the space)."


def delete_model(name: str, models_dir: Path | None = None, *, engine: EngineId | str = DEFAULT_ENGINE) -> list[Path]:
    """Removes the model (file or folder), its Core ML encoder, its sidecar and any unfinished download.

    Returns what it removed.
    """
    if not name or name.startswith(".") or any(character in name for character in '/\\:*?"<>|'):
        raise ModelNotInstalled(Path(name), f"'{name}' is not a model name.", name=name)
    identity = engine_identity(engine)
    folder, kinds = engine_folder(identity.engine_id, models_dir), identity.model_kinds
    candidates = [folder / installed_file_name(kind, name) for kind in kinds]
    candidates += [folder / (downloaded_file_name(kind, name) + PARTIAL_SUFFIX) for kind in kinds]
    if ModelKind.GGML in kinds:  # a ggml file converted from a CTranslate2 folder keeps its provenance beside it
        candidates.append(folder / (installed_file_name(ModelKind.GGML, name) + CT2_SIDECAR_SUFFIX))
    removed = [path for path in candidates if path.exists() or path.is_symlink()]
    if not removed:
        message = f"No {identity.engine_id} model '{name}' is installed in {folder}."
        raise ModelNotInstalled(candidates[0], message, name=name)
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            # Renamed first so a half-deleted encoder or model folder is never found under its real name.
            doomed = path.with_name(f".{path.name}.deleting")
            os.replace(path, doomed)
            shutil.rmtree(doomed)
        else:
            path.unlink()
    fsync_directory(folder)
    return removed


def _verify(entry: CatalogEntry, part: Path, url: str, is_cancelled: Callable[[], bool]) -> None:
    if entry.checksum and entry.checksum_algorithm:
        actual, expected = file_digest(part, entry.checksum_algorithm.value, is_cancelled), entry.checksum.lower()
        if actual != expected:
            part.unlink()
            algorithm = entry.checksum_algorithm.name.replace("SHA", "SHA-")
            message = (
                f"{entry.file_name}: the download from {url} is damaged or not the published file: its {algorithm} "
                f"is {actual}, expected {expected}. It was deleted and nothing was installed; try again or a mirror."
            )
            raise ChecksumMismatch(part, message, expected=expected, actual=actual)
    if entry.kind is ModelKind.GGML:
        try:
            validate_ggml_model(part)
        except ModelImportError:
            part.unlink()
            raise


def _install(entry: CatalogEntry, part: Path, destination: Path, is_cancelled: Callable[[], bool]) -> Path:
    if entry.kind is ModelKind.COREML_ENCODER:
        try:
            folder = safe_unzip(
                part, destination.parent, destination.name, required_files=COREML_REQUIRED_FILES, cancelled=is_cancelled
            )
        except ModelImportError:
            part.unlink()
            raise
        part.unlink()
        return folder
    os.replace(part, destination)
    fsync_directory(destination.parent)
    return destination
