"""Download a CTranslate2 (faster-whisper) model folder: several files, one resumable fetch each, one install.

Each file streams into `<name>.part/<file>.part` and takes its own name in that folder once complete (and,
for the weights, once their SHA-256 matches). A later call skips the complete files and resumes the
unfinished one. When every file is there the folder is checked as a whole (`validate_ct2_folder`) and
becomes `<name>/` by one rename: faster-whisper never sees half a model under a model's name.

A file that fails its check is deleted and the rest kept, so a retry fetches only what was wrong.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from metavis_gui.contract.atomic_write import fsync_directory
from metavis_gui.models.ct2_model_reader import read_ct2_whisper_model, read_json_object
from metavis_gui.models.errors import Ct2ModelInvalid, ModelImportError
from metavis_gui.models.ggml_model_check import infer_whisper_model_name
from metavis_gui.models.ggml_whisper_writer import whisper_hparams
from metavis_gui.models.model_catalog import PARTIAL_SUFFIX, CatalogEntry, RemoteFile
from metavis_gui.models.resumable_fetch import (
    ChecksumMismatch,
    DownloadFailed,
    Progress,
    fetch_resumable,
    file_digest,
)

JSON_FILE_NAMES = ("tokenizer.json", "preprocessor_config.json")
# large-v1 and large-v2 share every shape, so their weights read as large-v2.
_SAME_SHAPES = {"large-v1": "large-v2"}


def download_ct2_folder(
    entry: CatalogEntry,
    part: Path,
    destination: Path,
    *,
    base_url: str | None,
    is_cancelled: Callable[[], bool],
    report: Progress,
    timeout: float,
) -> Path:
    """The installed folder. Raises the downloader's errors, or Ct2ModelInvalid when the files are no model."""
    if destination.exists():
        raise DownloadFailed(destination, f"{destination} already exists; delete it before downloading {entry.name}.")
    part.mkdir(exist_ok=True)
    try:
        progress = _FolderProgress(entry, part, report)
        for remote in entry.files:
            _fetch_file(entry, remote, part, base_url, is_cancelled, progress, timeout)
        if is_cancelled():
            raise InterruptedError
        _validate_or_discard(entry, part)
        progress.report_complete()
        os.rename(part, destination)
    finally:
        with suppress(OSError):
            part.rmdir()  # only when empty: after a failure on the very first file
    fsync_directory(destination.parent)
    return destination


def validate_ct2_folder(folder: Path, expected_name: str | None = None) -> None:
    """A ModelImportError naming the file at fault, unless faster-whisper can load this folder as a Whisper model.

    model.bin's header and every tensor's size are read (not the weights), config.json and the vocabulary must
    parse, tokenizer.json and preprocessor_config.json must be JSON objects, and the shapes must be those of
    `expected_name` when given.
    """
    model = read_ct2_whisper_model(folder)
    for name in JSON_FILE_NAMES:
        path = folder / name
        if name == JSON_FILE_NAMES[0] or path.exists():
            read_json_object(path, "faster-whisper needs it")
    hparams = whisper_hparams(model)
    found = infer_whisper_model_name(
        hparams.n_audio_layer, hparams.n_audio_state, hparams.n_vocab, hparams.n_text_layer
    )
    wanted = _SAME_SHAPES.get(expected_name or "", expected_name)
    if wanted is not None and found != wanted:
        raise Ct2ModelInvalid(
            model.model_file,
            f"{model.model_file}: the weights are those of {found or 'no published Whisper model'}, not {expected_name}.",
        )


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
    file_part = part / (remote.name + PARTIAL_SUFFIX)
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


def _validate_or_discard(entry: CatalogEntry, part: Path) -> None:
    try:
        validate_ct2_folder(part, entry.name)
    except ModelImportError as error:
        at_fault = Path(error.path)
        if at_fault.parent == part and at_fault.is_file():
            at_fault.unlink()
        else:
            shutil.rmtree(part)
        reason = str(error).removeprefix(f"{at_fault}: ").rstrip(".")
        raise Ct2ModelInvalid(
            at_fault,
            f"{entry.file_name}: the downloaded {at_fault.name} is not usable ({reason}). It was deleted and "
            f"nothing was installed; download again, or from another mirror.",
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
