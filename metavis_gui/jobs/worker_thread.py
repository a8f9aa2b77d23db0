"""Blocking work (a download, a model conversion, waveform peaks) on a thread of its own, awaited as a coroutine.

The one way jobs and widgets run blocking work off the GUI thread. The work gets a `WorkerContext`: the
progress it reports is delivered on the event loop's (GUI) thread, and `cancelled()` turns true once the
awaiting task is cancelled. A cancelled coroutine first waits for the work to end and only then raises
`CancelledError`, chained from whatever the work raised on its way out (its own "cancelled" error usually says
what it kept). So no thread runs Python after the coroutine is done: the app collects garbage on the GUI thread
only, and a worker that outlived its owner could drop the last reference to a widget there (see
gui_thread_garbage_collection).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

ProgressType = TypeVar("ProgressType")
ResultType = TypeVar("ResultType")


class WorkerContext(Generic[ProgressType]):
    """Handed to the work; both methods may be called from the worker thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, on_progress: Callable[[ProgressType], None] | None) -> None:
        self._loop = loop
        self._on_progress = on_progress
        self._cancel_requested = threading.Event()

    def report_progress(self, progress: ProgressType) -> None:
        """Calls `on_progress(progress)` soon on the loop's thread, unless the work was cancelled by then."""
        if self._on_progress is not None and not self.cancelled():
            _call_on_loop(self._loop, self._deliver_progress, progress)

    def cancelled(self) -> bool:
        return self._cancel_requested.is_set()

    def request_cancel(self) -> None:
        self._cancel_requested.set()

    def _deliver_progress(self, progress: ProgressType) -> None:
        # Checked again here: a report queued just before the cancel must not reach a widget being closed.
        if self._on_progress is not None and not self.cancelled():
            self._on_progress(progress)


async def run_in_worker_thread(
    work: Callable[[WorkerContext[ProgressType]], ResultType],
    *,
    on_progress: Callable[[ProgressType], None] | None = None,
    thread_name: str = "metavis worker",
) -> ResultType:
    """`work(context)` on a new thread; its result, or its exception re-raised here.

    Every progress report made before the work ended has been delivered when this returns. Cancelling the
    awaiting task makes `context.cancelled()` true, waits for the work to end (further cancels included), and
    raises `CancelledError` whose `__cause__` is the exception the work ended with (None if it returned).
    """
    loop = asyncio.get_running_loop()
    context: WorkerContext[ProgressType] = WorkerContext(loop, on_progress)
    ended: asyncio.Future[ResultType] = loop.create_future()

    def run_work() -> None:
        try:
            result = work(context)
        except BaseException as error:  # noqa: BLE001 - every ending must reach the coroutine, or it waits forever
            _call_on_loop(loop, _settle_with_error, ended, error)
        else:
            _call_on_loop(loop, _settle_with_result, ended, result)

    # A daemon: if the loop stops for good with this coroutine unfinished, the app must still be able to quit.
    thread = threading.Thread(target=run_work, name=thread_name, daemon=True)
    thread.start()
    try:
        await asyncio.wait((ended,))
    except asyncio.CancelledError as cancellation:
        context.request_cancel()
        await _until_settled(ended)
        thread.join()  # the ending was sent as the thread's last act: this waits microseconds
        raise cancellation from ended.exception()
    except GeneratorExit:  # closed unfinished, as a task destroyed with its loop is: nothing can wait any more
        context.request_cancel()
        raise
    thread.join()
    return ended.result()


async def _until_settled(ended: asyncio.Future[Any]) -> None:
    while not ended.done():
        try:
            await asyncio.wait((ended,))
        except asyncio.CancelledError:
            continue  # already stopping; the work must end before the coroutine may


def _settle_with_result(ended: asyncio.Future[ResultType], result: ResultType) -> None:
    if not ended.done():
        ended.set_result(result)


def _settle_with_error(ended: asyncio.Future[Any], error: BaseException) -> None:
    if ended.done():
        return
    if isinstance(error, StopIteration):  # a future refuses it, as a coroutine does
        wrapped = RuntimeError(f"the work raised StopIteration: {error}")
        wrapped.__cause__ = error
        error = wrapped
    ended.set_exception(error)


def _call_on_loop(loop: asyncio.AbstractEventLoop, callback: Callable[..., None], *arguments: object) -> None:
    try:
        loop.call_soon_threadsafe(callback, *arguments)
    except RuntimeError:
        pass  # the loop is closed: nobody is left to tell
