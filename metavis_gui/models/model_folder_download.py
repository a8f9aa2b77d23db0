"""Download a model that is a folder of files (faster-whisper, WhisperKit): one resumable fetch a file, one install.

Each file streams into `<name>.part/<file>.part` and takes its own name in that folder once complete (and
once its checksum matches, where one is pinned). A later call skips the complete files and resumes the
unfinished one. When every file is there the folder is checked as a whole by the kind's validator and
becomes `<name>/` by one rename: an engine never sees half a model under a model's name.

A file that fails its check is deleted and the rest kept, so a retry fetches only what was wrong.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from metavis_gui.contract.atomic_write import fsync_directory
from metavis_gui.models.errors import ModelImportError
from metavis_gui.models.model_catalog import PARTIAL_SUFFIX, CatalogEntry, RemoteFile
from metavis_gui.models.resumable_fetch import (
    ChecksumMismatch,
    DownloadFailed,
    Progress,
    fetch_resumable,
    file_digest,
)

# (the complete folder, the catalogue's model name) -> None, or a ModelImportError naming the file at fault.
FolderValidator = Callable[[Path, str], None]


def download_model_folder(
    entry: CatalogEntry,
    part: Path,
    destination: Path,
    *,
    validate: FolderValidator,
    base_url: str | None,
    is_cancelled: Callable[[], bool],
    report: Progress,
    timeout: float,
) -> Path:
    """The installed folder. Raises the downloader's errors, or the validator's when the files are no model."""
    if destination.exists():
        raise DownloadFailed(destination, f"{destination} already exists; delete it before downloading {entry.name}.")
    part.mkdir(exist_ok=True)
    try:
        progress = _FolderProgress(entry, part, report)
        for remote in entry.files:
            _fetch_file(entry, remote, part, base_url, is_cancelled, progress, timeout)
        if is_cancelled():
            raise InterruptedError
        _validate_or_discard(entry, part, validate)
        progress.report_complete()
        os.rename(part, destination)
    finally:
        with suppress(OSError):
            part.rmdir()  # only when empty: after a failure on the very first file
    fsync_directory(destination.parent)
    return destination


def _fetch_file(
    entry: CatalogEntry,
    remote: RemoteFile,
    part: Path,
    base_url: str | None,
    is_cancelled: Callable[[], bool],
    progress: _FolderProgress,
    timeout: float,
) -> None:
    target = part / remote.name
    if target.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)  # a WhisperKit file sits in its .mlmodelc folder
    file_part = target.with_name(target.name + PARTIAL_SUFFIX)
    url = entry.file_url(remote, base_url)
    fetch_resumable(url, file_part, remote.size_bytes, is_cancelled, progress.reporter(remote.name), timeout)
    if remote.checksum and remote.checksum_algorithm:
        actual = file_digest(file_part, remote.checksum_algorithm.value, is_cancelled)
        if actual != remote.checksum.lower():
            file_part.unlink()
            algorithm = remote.checksum_algorithm.name.replace("SHA", "SHA-")
            message = (
                f"{remote.name} of {entry.file_name}: the download from {url} is damaged or not the published file: "
                f"its {algorithm} is {actual}, expected {remote.checksum}. It was deleted and nothing was installed; "
                "try again or a mirror."
            )
            raise ChecksumMismatch(file_part, message, expected=remote.checksum, actual=actual)
    os.replace(file_part, target)


def _validate_or_discard(entry: CatalogEntry, part: Path, validate: FolderValidator) -> None:
    try:
        validate(part, entry.name)
    except ModelImportError as error:
        at_fault = Path(error.path)
        inside = at_fault.is_relative_to(part) and at_fault != part
        if inside and at_fault.is_file():
            at_fault.unlink()
        else:
            shutil.rmtree(part)
        reason = str(error).removeprefix(f"{at_fault}: ").rstrip(".")
        shown = at_fault.relative_to(part).as_posix() if inside else at_fault.name
        raise type(error)(
            at_fault,
            f"{entry.file_name}: the downloaded {shown} is not usable ({reason}). It was deleted and nothing was "
            "installed; download again, or from another mirror.",
        ) from None


class _FolderProgress:
    """Adds up the files' bytes; the total is known once every file's size is (0 until then)."""

    def __init__(self, entry: CatalogEntry, part: Path, report: Progress) -> None:
        self._report, self._part = report, part
        self._sizes: dict[str, int | None] = {remote.name: remote.size_bytes for remote in entry.files}
        self._done: dict[str, int] = {}
        for remote in entry.files:
            complete = part / remote.name
            if complete.is_file():
                self._sizes[remote.name] = self._done[remote.name] = complete.stat().st_size

    def reporter(self, name: str) -> Progress:
        def report(done: int, total: int) -> None:
            if total > 0:
                self._sizes[name] = total
            self._done[name] = done
            sizes = self._sizes.values()
            self._report(sum(self._done.values()), 0 if None in sizes else sum(size or 0 for size in sizes))

        return report

    def report_complete(self) -> None:
        done = sum(self._part.joinpath(name).stat().st_size for name in self._sizes)
        self._report(done, done)
