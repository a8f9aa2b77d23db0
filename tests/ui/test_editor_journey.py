"""The whole journey an editor makes, on the real windows: drop jfk.wav, transcribe it with the real
engine, open the result in the timeline, hear a word, fix its end by dragging, undo, redo, export, reopen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from metavis_gui.contract import WORDS_FILE_NAME, read_words_jsonl, validate_words_jsonl
from metavis_gui.jobs.transcription_queue import JobStatus
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.timeline import open_timeline, open_timeline_windows
from tests.conftest import JFK_WAV, copy_to
from tests.support.timeline_fixtures import drag, lane_y, press_keys, pump
from tests.support.ui_helpers import drop_paths, wait_until

JOB_TIMEOUT_SECONDS = 120
PLAYBACK_TIMEOUT_SECONDS = 10


@pytest.mark.usefixtures("engine_ready", "user_folders")
def test_drop_transcribe_open_hear_fix_undo_redo_export_and_reopen(
    transcription_window: MainWindow, qasync_loop, tmp_path: Path
) -> None:
    media = copy_to(JFK_WAV, tmp_path / "media" / "jfk.wav")
    assert drop_paths(transcription_window.drop_zone, [media]) == (True, True)
    job = transcription_window.queue.jobs()[0]
    wait_until(qasync_loop, lambda: job.status.is_over, JOB_TIMEOUT_SECONDS, "the transcription ends")
    assert job.status is JobStatus.DONE, f"{job.message}\n{job.details}"

    transcription_window.details_panel.timeline_button.click()
    (timeline,) = open_timeline_windows()
    timeline.resize(1200, 800)
    wait_until(qasync_loop, lambda: timeline.peaks is not None, 30, "the waveform is drawn")
    transcript = timeline.document.transcript
    word = next(
        transcript[i] for i in range(len(transcript) - 1) if transcript[i + 1].start_ticks > transcript[i].end_ticks
    )

    timeline.document.selection.select_one(word.key)
    timeline.view.setFocus()
    press_keys(timeline, Qt.Key.Key_S)  # hear the word
    assert timeline.player.is_playing
    wait_until(
        qasync_loop, lambda: not timeline.player.is_playing, PLAYBACK_TIMEOUT_SECONDS, "the word plays to its end"
    )
    assert timeline.player.position_ticks == word.end_ticks

    timeline.view.scale.fit(word.start_ticks, transcript.next_word(word.key).end_ticks, 0.3)
    timeline.view.update()
    end_x = round(timeline.view.scale.x_of(word.end_ticks))
    drag(timeline.view, QPoint(end_x, lane_y(timeline)), QPoint(end_x + 12, lane_y(timeline)))
    pump(qasync_loop)
    fixed_end = transcript.word(word.key).end_ticks
    assert fixed_end > word.end_ticks, "the end edge followed the mouse"

    press_keys(timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert transcript.word(word.key) == word and not timeline.document.is_modified
    press_keys(timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert transcript.word(word.key).end_ticks == fixed_end and timeline.document.is_modified

    position = [w.key for w in transcript].index(word.key)
    exported_folder = tmp_path / "exported"
    timeline.files.export_to(exported_folder)
    assert validate_words_jsonl(exported_folder / WORDS_FILE_NAME) == []
    timeline.files._close_answered = True  # exported, not saved over the original: close without asking
    timeline.close()

    reopened = open_timeline(exported_folder, media)
    try:
        assert reopened.document.transcript[position].end_ticks == fixed_end
        assert [w.text for w in reopened.document.transcript] == [w.text for w in transcript]
        records = read_words_jsonl(exported_folder / WORDS_FILE_NAME).records
        assert records[position].word_id == f"w_{word.start_ticks}_{fixed_end}_1", "the id follows the edited times"
        assert not reopened.document.is_modified
    finally:
        reopened.close()
