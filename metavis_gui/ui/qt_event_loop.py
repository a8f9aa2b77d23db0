"""Running a coroutine to completion on a qasync loop, where Qt objects must run beside it (the window's jobs
in tests and scripts), and the heartbeat that lets Ctrl-C reach Python while Qt's loop has control."""

from __future__ import annotations

import os
from collections.abc import Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QTimer

from metavis_gui.jobs.event_loop import run_cancellable

ResultType = TypeVar("ResultType")


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
    os.environ.setdefault("QT_API", "pyside6")
    import qasync
    from PySide6.QtCore import QCoreApplication

    application = QCoreApplication.instance() or QCoreApplication([])
    loop = qasync.QEventLoop(application)
    heartbeat = python_signal_heartbeat(100)
    try:
        return run_cancellable(loop, coroutine, heartbeat.stop)
    finally:
        loop.close()
