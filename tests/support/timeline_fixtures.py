"""Shared by the timeline UI tests: a transcript of jfk.wav made once by the real engine, windows on it, helpers.

A pytest plugin (tests/conftest.py lists it): its fixtures reach every test without an import; import the
helpers (pump, press_keys, drag, ...) by name.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from metavis_gui.contract import WORDS_FILE_NAME
from metavis_gui.ui.timeline import TimelineWindow, open_timeline
from tests.conftest import JFK_WAV
from tests.support.ui_helpers import run_loop_for, wait_until

OPEN_TIMEOUT_SECONDS = 20


def engine_transcript(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`jfk.transcript/` beside `jfk.wav`, written by the real whisper.cpp through the headless command, once per run.

    Kept in a fixed folder of the run's temp base, so every module's fixture finds the one made first.
    """
    media_dir = tmp_path_factory.getbasetemp() / "timeline-engine-output"
    folder = media_dir / "jfk.transcript"
    if not (folder / WORDS_FILE_NAME).is_file():
        from metavis_gui.cli.command import main

        media_dir.mkdir(exist_ok=True)
        media = media_dir / "jfk.wav"
        shutil.copyfile(JFK_WAV, media)
        assert main(["transcript", "generate", "--input", str(media), "--out", str(folder), "--quiet"]) == 0
    return folder


@pytest.fixture(scope="module")
def generated_transcript(engine_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return engine_transcript(tmp_path_factory)


@pytest.fixture
def transcript_copy(generated_transcript: Path, tmp_path: Path) -> Path:
    """A private copy of media and transcript folder (tests edit and save): returns the transcript folder."""
    target = tmp_path / "project"
    target.mkdir()
    shutil.copyfile(generated_transcript.parent / "jfk.wav", target / "jfk.wav")
    shutil.copytree(generated_transcript, target / "jfk.transcript")
    return target / "jfk.transcript"


@pytest.fixture
def user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Recovery files and the peaks cache in tmp_path, never in the user's own folders."""
    monkeypatch.setenv("METAVIS_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("METAVIS_CACHE_DIR", str(tmp_path / "user-cache"))
    return tmp_path


@pytest.fixture
def open_window(qasync_loop: qasync.QEventLoop, user_folders: Path) -> Iterator[Callable[..., TimelineWindow]]:
    """Opens timeline windows through `open_timeline`; closes them (discarding edits) after the test."""
    opened: list[TimelineWindow] = []

    def open_one(path: Path, media_path: Path | None = None, wait_for_waveform: bool = True) -> TimelineWindow:
        window = open_timeline(path, media_path)
        opened.append(window)
        window.resize(1200, 800)
        window.activateWindow()
        if wait_for_waveform and window.audio is not None:
            wait_until(qasync_loop, lambda: window.peaks is not None, OPEN_TIMEOUT_SECONDS, "the waveform loads")
        run_loop_for(qasync_loop, 0.05)
        return window

    yield open_one
    for window in opened:
        window.files._close_answered = True
        window.close()
    run_loop_for(qasync_loop, 0.05)


def pump(loop: qasync.QEventLoop, seconds: float = 0.05) -> None:
    run_loop_for(loop, seconds)


def press_keys(window: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key press as the user makes it, to whatever has focus in the window (shortcuts included)."""
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, key, modifiers)


def drag(
    widget: QWidget,
    start: QPoint,
    end: QPoint,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    steps: int = 4,
) -> None:
    """Press, move in a few steps, release: a real mouse drag."""
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, modifiers, start)
    for step in range(1, steps + 1):
        point = start + (end - start) * step / steps
        QTest.mouseMove(widget, QPoint(round(point.x()), round(point.y())))
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, modifiers, end)


def lane_y(window: TimelineWindow) -> int:
    return round(window.view.word_lane().center().y())


def wave_y(window: TimelineWindow) -> int:
    return round(window.view.wave_area().center().y())


def run(loop: qasync.QEventLoop, coroutine, timeout: float = 20):
    return loop.run_until_complete(asyncio.wait_for(coroutine, timeout))
