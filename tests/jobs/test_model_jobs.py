"""The model import and download coroutines: how each ending is reported, and what a cancel of the task gives."""

from __future__ import annotations

import asyncio
import errno
import threading
import time
from pathlib import Path

import pytest
import qasync

from metavis_gui.jobs.model_download_job import DownloadProgress, run_model_download
from metavis_gui.jobs.model_import_job import CancelCheck, ModelImport, run_model_import
from metavis_gui.jobs.model_job_outcome import ModelJobCancelled, ModelJobFailed, ModelJobFinished, ModelJobOutcome
from metavis_gui.models.errors import GgmlModelInvalid, ModelImportCancelled
from metavis_gui.models.model_catalog import CatalogEntry
from tests.support.model_server import MODEL_FILE, ModelServer, sha1

SOURCE = Path("/media/models/ggml-tiny.en.bin")
INSTALLED = Path("/store/ggml-tiny.en.bin")


def raising(error: Exception) -> ModelImport:
    def run_import(cancelled: CancelCheck) -> Path:
        raise error

    return run_import


@pytest.mark.parametrize(
    ("run_import", "expected"),
    [
        (lambda cancelled: INSTALLED, ModelJobFinished(installed=INSTALLED)),
        (
            raising(GgmlModelInvalid(SOURCE, f"{SOURCE}: not a whisper.cpp model (bad magic).")),
            ModelJobFailed(message=f"{SOURCE}: not a whisper.cpp model (bad magic)."),
        ),
        (
            raising(OSError(errno.ENOSPC, "No space left on device", "/store/.ggml-tiny.en.bin.tmp")),
            ModelJobFailed(message="/store/.ggml-tiny.en.bin.tmp: No space left on device. Nothing was installed."),
        ),
        (
            raising(KeyError("encoder.conv1.weight")),
            ModelJobFailed(message=f"{SOURCE}: import failed (KeyError: 'encoder.conv1.weight')."),
        ),
    ],
    ids=["installed", "model error", "disk error", "bug"],
)
def test_an_import_reports_each_ending_in_words_and_never_raises(
    qasync_loop: qasync.QEventLoop, run_import: ModelImport, expected: ModelJobOutcome
) -> None:
    assert qasync_loop.run_until_complete(run_model_import(SOURCE, run_import)) == expected


def test_cancelling_an_import_task_stops_the_work_and_reports_what_the_model_layer_said(
    qasync_loop: qasync.QEventLoop,
) -> None:
    started = threading.Event()

    def run_import(cancelled: CancelCheck) -> Path:
        started.set()
        deadline = time.monotonic() + 10
        while not cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        raise ModelImportCancelled(SOURCE, f"Import of {SOURCE} cancelled; nothing was installed.")

    async def scenario() -> tuple[asyncio.Task[ModelJobOutcome], ModelJobOutcome]:
        task = asyncio.ensure_future(run_model_import(SOURCE, run_import))
        while not started.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        return task, await task

    task, outcome = qasync_loop.run_until_complete(scenario())

    assert outcome == ModelJobCancelled(message=f"Import of {SOURCE} cancelled; nothing was installed.")
    assert not task.cancelled(), "the job reports the cancel as its ending"


def test_a_download_reports_byte_progress_on_the_loop_thread_and_the_installed_path(
    qasync_loop: qasync.QEventLoop,
    direct_connections: None,
    model_server: ModelServer,
    served_entry: CatalogEntry,
    tmp_path: Path,
) -> None:
    reports: list[tuple[DownloadProgress, int]] = []
    download = run_model_download(
        served_entry,
        tmp_path,
        on_progress=lambda progress: reports.append((progress, threading.get_ident())),
        base_url=model_server.url,
    )

    outcome = qasync_loop.run_until_complete(download)

    assert outcome == ModelJobFinished(installed=tmp_path / MODEL_FILE)
    assert sha1((tmp_path / MODEL_FILE).read_bytes()) == served_entry.checksum
    done = [progress.done_bytes for progress, _ in reports]
    assert len(done) >= 2 and done == sorted(done) and done[-1] == served_entry.size_bytes
    assert {progress.total_bytes for progress, _ in reports} == {served_entry.size_bytes}
    assert {thread for _, thread in reports} == {threading.get_ident()}
