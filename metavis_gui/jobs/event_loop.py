"""Running a coroutine to completion on a qasync loop, for the headless command and scripts."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Coroutine
from typing import Any, TypeVar

os.environ.setdefault("QT_API", "pyside6")

import qasync
from PySide6.QtCore import QCoreApplication, QTimer

ResultType = TypeVar("ResultType")


def python_signal_heartbeat(interval_milliseconds: int) -> QTimer:
    """A running timer that lets Python's signal handlers (Ctrl-C) run while Qt's C++ loop has control.

    Python runs signal handlers only between bytecodes; without a tick nothing Python runs while idle.
    """
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(interval_milliseconds)
    return heartbeat


class Interrupted(Exception):
    """The user pressed Ctrl-C (or the process got SIGTERM) and the job was cancelled."""


def run_on_qt_loop(coroutine: Coroutine[Any, Any, ResultType]) -> ResultType:
    application = QCoreApplication.instance() or QCoreApplication([])
    loop = qasync.QEventLoop(application)
    asyncio.set_event_loop(loop)
    task = loop.create_task(coroutine)
    interrupted = False

    def interrupt(signal_number: int, frame: object) -> None:
        nonlocal interrupted
        interrupted = True
        task.cancel()

    previous_handlers = {number: signal.signal(number, interrupt) for number in (signal.SIGINT, signal.SIGTERM)}
    heartbeat = python_signal_heartbeat(100)
    try:
        return loop.run_until_complete(task)
    except asyncio.CancelledError as error:
        raise Interrupted() from error
    except Exception:
        if interrupted:
            raise Interrupted() from None
        raise
    finally:
        heartbeat.stop()
        for number, handler in previous_handlers.items():
            signal.signal(number, handler)
        asyncio.set_event_loop(None)
        loop.close()
