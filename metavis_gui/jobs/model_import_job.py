"""One model import (a ggml file checked and copied, or a CTranslate2 folder converted) as a coroutine.

Both read the whole model, which for large-v3 takes seconds to a minute, so the import runs through
`run_in_worker_thread`. Cancelling the task that awaits it stops the import at its next check; nothing is
installed then.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from metavis_gui.jobs.model_job_outcome import ModelJobCancelled, ModelJobFailed, ModelJobFinished, ModelJobOutcome
from metavis_gui.jobs.worker_thread import WorkerContext, run_in_worker_thread
from metavis_gui.models.errors import ModelError, ModelImportCancelled

CancelCheck = Callable[[], bool]
ModelImport = Callable[[CancelCheck], Path]  # installs a model, checking now and then whether to stop; its path


async def run_model_import(source: Path, run_import: ModelImport) -> ModelJobOutcome:
    """How the import of source ended; never raises.

    A cancelled import returns `ModelJobCancelled` rather than raising: its owner reports a cancel like any
    other ending, so the cancellation ends here.
    """

    def import_model(context: WorkerContext[None]) -> Path:
        return run_import(context.cancelled)

    try:
        installed = await run_in_worker_thread(import_model, thread_name=f"import {source.name}")
    except asyncio.CancelledError as cancellation:
        if cancellation.__cause__ is None:  # the cancel came after the import had installed the model
            return ModelJobCancelled(message=f"Import of {source} cancelled as it ended; it may be installed.")
        return _outcome_of_error(source, cancellation.__cause__)
    except Exception as error:  # noqa: BLE001 - a bug in the import is reported like a failure, never raised
        return _outcome_of_error(source, error)
    return ModelJobFinished(installed=installed)


def import_cancelled_before_start(source: Path) -> ModelJobCancelled:
    """The ending of an import task cancelled before its first step, which never touched the store."""
    return ModelJobCancelled(message=f"Import of {source} cancelled; nothing was installed.")


def _outcome_of_error(source: Path, error: BaseException) -> ModelJobOutcome:
    if isinstance(error, ModelImportCancelled):
        return ModelJobCancelled(message=str(error))
    if isinstance(error, ModelError):
        return ModelJobFailed(message=str(error))
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return ModelJobFailed(message=f"{error.filename or source}: {reason}. Nothing was installed.")
    return ModelJobFailed(message=f"{source}: import failed ({type(error).__name__}: {error}).")
