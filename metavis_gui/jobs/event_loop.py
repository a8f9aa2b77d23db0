"""Running a coroutine to completion on a plain asyncio loop: the headless command's jobs, which load no Qt.
(ui/qt_event_loop runs one on a qasync loop, where Qt objects must run beside it.)"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

ResultType = TypeVar("ResultType")
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(Exception):
    """The user pressed Ctrl-C (or the process got SIGTERM) and the job was cancelled."""


def run_on_asyncio_loop(coroutine: Coroutine[Any, Any, ResultType]) -> ResultType:
    """The coroutine on a fresh asyncio loop; Ctrl-C or SIGTERM cancels it and raises Interrupted."""
    loop = asyncio.new_event_loop()
    try:
        return run_cancellable(loop, coroutine, lambda: None)
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


def run_cancellable(
    loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, ResultType], on_done: Callable[[], None]
) -> ResultType:
    """The coroutine run on `loop` until done; Ctrl-C or SIGTERM cancels it and raises Interrupted."""
    asyncio.set_event_loop(loop)
    task = loop.create_task(coroutine)
    interrupted = False

    def interrupt(signal_number: int, frame: object) -> None:
        nonlocal interrupted
        interrupted = True
        # At once, not through the loop: a commit in progress runs without awaiting and asks the task
        # whether it is being cancelled (contract/output_commit.py). The no-op call wakes a loop that is
        # waiting in select with nothing else to do.
        task.cancel()
        loop.call_soon_threadsafe(lambda: None)

    previous_handlers = {number: signal.signal(number, interrupt) for number in _STOP_SIGNALS}
    try:
        return loop.run_until_complete(task)
    except asyncio.CancelledError as error:
        raise Interrupted() from error
    except Exception:
        if interrupted:
            raise Interrupted() from None
        raise
    finally:
        on_done()
        for number, handler in previous_handlers.items():
            signal.signal(number, handler)
        asyncio.set_event_loop(None)
