"""Driving the qasync loop from pytest-qt tests, and the transcription window fixture.

Jobs are asyncio tasks, and run_child_process needs a *running* asyncio loop, so a plain Qt event loop
(qtbot.waitSignal's) would process the timers but fail inside the job. Tests therefore wait by running
the qasync loop itself: `wait_until` polls a condition inside `loop.run_until_complete`, with a timeout.
Signals are recorded from before the action (`record`), so a signal that fires early is never missed.

Import the fixtures into a test module by name: `from tests.support.ui_helpers import qasync_loop, window_factory`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QCoreApplication, QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.qt_event_loop import QtAsyncioLoop

TEST_ORGANIZATION = "MetaVisTests"
TEST_APPLICATION = "MetaVis Transcribe UI tests"


@pytest.fixture
def qasync_loop(qapp: QApplication, tmp_path: Path) -> Iterator[qasync.QEventLoop]:
    """A qasync loop on pytest-qt's QApplication, with settings kept away from the user's own."""
    names = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    QCoreApplication.setOrganizationName(TEST_ORGANIZATION)
    QCoreApplication.setApplicationName(TEST_APPLICATION)
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(tmp_path / "user-settings"))
    loop = QtAsyncioLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        asyncio.set_event_loop(None)
        loop.close()
        QCoreApplication.setOrganizationName(names[0])
        QCoreApplication.setApplicationName(names[1])


def wait_until(loop: qasync.QEventLoop, condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Run the qasync loop until condition() holds; returns the seconds it took. Fails after timeout."""
    started = time.monotonic()

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    try:
        loop.run_until_complete(asyncio.wait_for(poll(), timeout))
    except TimeoutError:
        raise AssertionError(f"{what}: not within {timeout:g} s") from None
    return time.monotonic() - started


def run_loop_for(loop: qasync.QEventLoop, seconds: float) -> None:
    loop.run_until_complete(asyncio.sleep(seconds))


def record(signal: Any, log: list[tuple[str, tuple[Any, ...]]] | None = None, name: str = "") -> list[Any]:
    """Every emission of signal, in order, as (name, args) in log (shared between signals for ordering)."""
    log = [] if log is None else log
    signal.connect(lambda *args: log.append((name, args)))
    return log


def drop_urls(target: QWidget, urls: list[QUrl]) -> tuple[bool, bool]:
    """A real drag enter and drop with file URLs, as the desktop sends them; (enter accepted, drop accepted)."""
    mime = QMimeData()
    mime.setUrls(urls)
    centre = target.rect().center()
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(target, enter)
    drop = QDropEvent(QPointF(QPoint(centre)), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(target, drop)
    return enter.isAccepted(), drop.isAccepted()


def drop_paths(target: QWidget, paths: list[Path]) -> tuple[bool, bool]:
    return drop_urls(target, [QUrl.fromLocalFile(str(path)) for path in paths])


SCREENSHOT_SIZE = (1200, 800)  # a laptop-sized window; the offscreen screen itself is only 800 x 800


def save_screenshot(loop: qasync.QEventLoop, window: QWidget, path: Path) -> Path:
    """The window as a person would see it, saved as PNG for a person to look at after the run."""
    window.resize(*SCREENSHOT_SIZE)
    run_loop_for(loop, 0.2)  # lay out and paint through the qasync loop, never a bare processEvents
    assert window.grab().save(str(path)), path
    assert path.stat().st_size > 10_000, "a blank image is not a screenshot"
    return path


@pytest.fixture
def window_factory(qasync_loop: qasync.QEventLoop, tmp_path: Path) -> Iterator[Callable[[], MainWindow]]:
    """Opens transcription windows sharing one settings file in tmp_path; closes them and stops their jobs."""
    settings_path = tmp_path / "metavis-transcribe-settings.ini"
    opened: list[MainWindow] = []

    def open_window() -> MainWindow:
        window = MainWindow(settings=QSettings(str(settings_path), QSettings.Format.IniFormat))
        window.show()
        opened.append(window)
        return window

    yield open_window
    for window in opened:
        window.close()
        qasync_loop.run_until_complete(asyncio.wait_for(window.queue.stop(), 10))
        window.deleteLater()
    run_loop_for(qasync_loop, 0.05)


@pytest.fixture
def transcription_window(window_factory: Callable[[], MainWindow]) -> MainWindow:
    return window_factory()
