"""Quit with unsaved timeline edits asks once, and the answer quits: no second Ctrl+Q."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication, QMessageBox

from metavis_gui.contract import WORDS_FILE_NAME, read_words_jsonl
from metavis_gui.timeline.edit_commands import SetWordText
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.timeline import TimelineWindow
from tests.support.timeline_fixtures import pump
from tests.support.ui_helpers import wait_until

pytestmark = pytest.mark.usefixtures("engine_ready", "app_quits_only_on_quit")


@pytest.fixture
def app_quits_only_on_quit(qapp: QApplication) -> Iterator[None]:
    """As app.main sets it: the loop runs until the main window's closed_future, not until the last window."""
    before = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(before)


def edited_timeline(open_window: Callable[..., TimelineWindow], transcript_copy: Path) -> TimelineWindow:
    timeline = open_window(transcript_copy, wait_for_waveform=False)
    timeline.document.push(SetWordText(timeline.document.transcript[0].key, "Und"))
    assert timeline.document.is_modified
    return timeline


def press_quit(window: MainWindow, loop: qasync.QEventLoop) -> None:
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    window.quit_action.trigger()
    pump(loop, 0.1)


def answer(timeline: TimelineWindow, button: QMessageBox.StandardButton, loop: qasync.QEventLoop) -> None:
    prompt = timeline.files.close_prompt
    assert isinstance(prompt, QMessageBox) and prompt.isVisible(), "the quit asked about the unsaved edits"
    prompt.button(button).click()
    pump(loop, 0.1)


@pytest.mark.parametrize("choice", [QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Save])
def test_quit_with_unsaved_edits_asks_once_and_the_answer_quits(
    choice: QMessageBox.StandardButton, window_factory, open_window, transcript_copy: Path,
    qasync_loop: qasync.QEventLoop, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = window_factory()
    closed = window.closed_future()
    timeline = edited_timeline(open_window, transcript_copy)
    prompts: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: (prompts.append(box), QMessageBox.show(box)))

    press_quit(window, qasync_loop)
    assert not closed.done(), "the app waits for the answer"
    answer(timeline, choice, qasync_loop)

    wait_until(qasync_loop, closed.done, 5, "the app quits after the one answer")
    assert len(prompts) == 1 and not window.isVisible() and not timeline.isVisible()
    saved_words = [record.word for record in read_words_jsonl(transcript_copy / WORDS_FILE_NAME).records]
    assert (saved_words[0] == "Und") == (choice == QMessageBox.StandardButton.Save)


def test_cancel_keeps_the_app_and_a_later_close_of_the_timeline_does_not_quit(
    window_factory, open_window, transcript_copy: Path, qasync_loop: qasync.QEventLoop
) -> None:
    window = window_factory()
    closed = window.closed_future()
    timeline = edited_timeline(open_window, transcript_copy)

    press_quit(window, qasync_loop)
    answer(timeline, QMessageBox.StandardButton.Cancel, qasync_loop)
    assert timeline.isVisible() and window.isVisible() and not closed.done()

    timeline.close()
    answer(timeline, QMessageBox.StandardButton.Discard, qasync_loop)
    assert not timeline.isVisible()
    pump(qasync_loop, 0.2)
    assert window.isVisible() and not closed.done(), "only Quit quits"
