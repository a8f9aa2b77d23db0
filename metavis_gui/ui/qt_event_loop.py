"""The qasync loop every Qt run of the app uses, running a coroutine to completion on it (the window's jobs in
tests and scripts), and the heartbeat that lets Ctrl-C reach Python while Qt's loop has control."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QTimer

os.environ.setdefault("QT_API", "pyside6")
import qasync  # after QT_API: qasync picks its Qt binding as it is imported

from metavis_gui.jobs.event_loop import run_cancellable

ResultType = TypeVar("ResultType")


class QtAsyncioLoop(qasync.QEventLoop):
    """qasync's loop, except that run_until_complete steps no callback once the loop has stopped.

    qasync's own run_until_complete lets Qt process its events once more after the loop stopped, when asyncio
    has no running loop: a task first stepped then (one started just as the awaited future finished) dies in
    `asyncio.get_running_loop()` with RuntimeError, and its child process is never started. Here the callbacks
    left over wait for the next run, as on asyncio's own loops.
    """

    def run_until_complete(self, future: Awaitable[ResultType]) -> ResultType:
        if self.is_running():
            raise RuntimeError("Event loop already running")
        awaited = asyncio.ensure_future(future, loop=self)

        def stop(done: asyncio.Future[ResultType]) -> None:
            self.stop()

        awaited.add_done_callback(stop)
        try:
            self.run_forever()
        finally:
            awaited.remove_done_callback(stop)
        if not awaited.done():
            raise RuntimeError("Event loop stopped before Future completed.")
        return awaited.result()


def python_signal_heartbeat(interval_milliseconds: int) -> QTimer:
    """A running timer that lets Python's signal handlers (Ctrl-C) run while Qt's C++ loop has control.

    Python runs signal handlers only between bytecodes; without a tick nothing Python runs while idle.
    """
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(interval_milliseconds)
    return heartbeat


def run_on_qt_loop(coroutine: Coroutine[Any, Any, ResultType]) -> ResultType:
    """The coroutine on a qasync loop over the running QCoreApplication (made if there is none)."""
    application = QCoreApplication.instance() or QCoreApplication([])
    loop = QtAsyncioLoop(application)
    heartbeat = python_signal_heartbeat(100)
    try:
        return run_cancellable(loop, coroutine, heartbeat.stop)
    finally:
        loop.close()
