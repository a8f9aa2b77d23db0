"""Opening a damaged or hostile transcript from the window: a message naming the file, and the app keeps running."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metavis_gui.contract import SUMMARY_FILE_NAME, WORDS_FILE_NAME
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.timeline import open_timeline_windows
from tests.support.timeline_fixtures import pump

HOSTILE_WORDS = {
    "deep nesting": b"[" * 200_000 + b"\n",
    "a 5000-digit number": b'{"sourceTimeTicks": ' + b"9" * 5000 + b"}\n",
    "a huge line": b'{"word": "' + b"a" * 200_000 + b'"}\n',
    "out-of-range ticks": b'{"sourceTimeTicks": 1' + b"0" * 30 + b"}\n",
}
HOSTILE_SUMMARIES = {
    "deep nesting": b"{" * 1 + b'"a":' + b"[" * 200_000,
    "a 5000-digit number": b'{"schema": "transcript.summary.v1", "durationSeconds": ' + b"9" * 5000 + b"}",
    "invalid UTF-8": b'{"schema": "\xff"}',
}


def close_timelines() -> None:
    for window in open_timeline_windows():
        window.files._close_answered = True
        window.close()


@pytest.mark.parametrize("damage", sorted(HOSTILE_WORDS))
def test_a_hostile_words_line_opens_with_its_line_listed(
    damage: str, transcription_window: MainWindow, tmp_path: Path, user_folders: Path, qasync_loop
) -> None:
    words = tmp_path / "t.transcript" / WORDS_FILE_NAME
    words.parent.mkdir()
    words.write_bytes(b'{"not": "a word"}\n' + HOSTILE_WORDS[damage])
    try:
        transcription_window.open_transcript_in_timeline(words.parent)
        pump(qasync_loop)
        (timeline,) = open_timeline_windows()
        shown = [timeline.line_problems.item(row).text() for row in range(timeline.line_problems.count())]
        assert any("line 2" in text for text in shown), shown
    finally:
        close_timelines()
    assert transcription_window.isVisible()


@pytest.mark.parametrize("damage", sorted(HOSTILE_SUMMARIES))
def test_a_hostile_summary_is_named_and_the_words_still_open(
    damage: str, transcription_window: MainWindow, tmp_path: Path, user_folders: Path, qasync_loop
) -> None:
    folder = tmp_path / "t.transcript"
    folder.mkdir()
    (folder / WORDS_FILE_NAME).write_bytes(b"")
    (folder / SUMMARY_FILE_NAME).write_bytes(HOSTILE_SUMMARIES[damage])
    try:
        transcription_window.open_transcript_in_timeline(folder)
        pump(qasync_loop)
        (timeline,) = open_timeline_windows()
        assert str(folder / SUMMARY_FILE_NAME) in (timeline.document.opened.summary_problem or "")
    finally:
        close_timelines()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_pipe_given_as_a_transcript_is_refused_with_a_notice(
    transcription_window: MainWindow, tmp_path: Path, user_folders: Path, qasync_loop
) -> None:
    fifo = tmp_path / "words.jsonl"
    os.mkfifo(fifo)
    transcription_window.open_transcript_in_timeline(fifo)
    assert f"{fifo}: is not a regular file" in transcription_window.notice_label.text()
    assert open_timeline_windows() == [] and transcription_window.isVisible()
