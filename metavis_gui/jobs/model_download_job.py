"""One model download as a coroutine, for the model manager and the command line alike.

`download_model` blocks on the network, so it runs through `run_in_worker_thread`; its byte counts reach
`on_progress` on the loop's thread. Cancelling the task that awaits the download stops it, keeping the `.part`
that the next download resumes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from metavis_gui.jobs.model_job_outcome import ModelJobCancelled, ModelJobFailed, ModelJobFinished, ModelJobOutcome
from metavis_gui.jobs.worker_thread import WorkerContext, run_in_worker_thread
from metavis_gui.models.errors import ModelError
from metavis_gui.models.model_catalog import CatalogEntry, installed_path
from metavis_gui.models.model_download import DEFAULT_TIMEOUT_SECONDS, DownloadCancelled, download_model


class DownloadProgress(NamedTuple):
    done_bytes: int
    total_bytes: int  # 0 while unknown


async def run_model_download(
    entry: CatalogEntry,
    models_dir: Path | None = None,
    *,
    on_progress: Callable[[DownloadProgress], None] | None = None,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> ModelJobOutcome:
    """How the download ended; never raises.

    A cancelled download returns `ModelJobCancelled` rather than raising: its owner (a dialog, the command)
    reports a cancel like any other ending, so the cancellation ends here, as a queued transcription's does.
    """

    def download(context: WorkerContext[DownloadProgress]) -> Path:
        return download_model(
            entry,
            models_dir,
            progress=lambda done, total: context.report_progress(DownloadProgress(done, total)),
            cancelled=context.cancelled,
            base_url=base_url,
            timeout=timeout,
        )

    try:
        installed = await run_in_worker_thread(download, on_progress=on_progress, thread_name=f"download {entry.name}")
    except asyncio.CancelledError as cancellation:
        if cancellation.__cause__ is None:  # the cancel came after the download had installed the model
            return ModelJobFinished(installed=installed_path(entry, models_dir))
        return _outcome_of_error(entry, cancellation.__cause__)
    except Exception as error:  # noqa: BLE001 - a bug in the download is reported like a failure, never raised
        return _outcome_of_error(entry, error)
    return ModelJobFinished(installed=installed)


def download_cancelled_before_start(entry: CatalogEntry) -> ModelJobCancelled:
    """The ending of a download task cancelled before its first step, which never reached the model layer."""
    return ModelJobCancelled(message=f"{entry.file_name}: download cancelled before it started.")


def _outcome_of_error(entry: CatalogEntry, error: BaseException) -> ModelJobOutcome:
    if isinstance(error, DownloadCancelled):
        return ModelJobCancelled(message=str(error))
    if isinstance(error, ModelError):
        return ModelJobFailed(message=str(error))
    return ModelJobFailed(message=f"{entry.file_name}: download failed ({type(error).__name__}: {error}).")
