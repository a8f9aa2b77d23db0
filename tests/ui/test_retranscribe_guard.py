"""Transcribing a clip again over a transcript corrected by hand asks first: keep my edits, replace, or save both."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QMessageBox

from metavis_gui.contract import SUMMARY_FILE_NAME, WORDS_FILE_NAME, read_summary, read_words_jsonl
from metavis_gui.jobs.transcription_queue import JobStatus
from metavis_gui.timeline.autosave_store import pending_recoveries, write_recovery
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.timeline import TimelineWindow, open_timeline_windows
from tests.support.timeline_fixtures import pump
from tests.support.ui_helpers import wait_until

pytestmark = pytest.mark.usefixtures("engine_ready")
JOB_TIMEOUT_SECONDS = 180


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def hand_time_first_words(window: TimelineWindow) -> None:
    """Retype the first word and nudge the second's end in, as the editor does: the second is now hand-timed."""
    transcript, selection = window.document.transcript, window.document.selection
    window.editor.retype(transcript[0].key, "Und")
    selection.select_one(transcript[1].key, "end")
    assert window.editor.nudge(-1)


def saved_with_hand_timing(open_window: Callable[..., TimelineWindow], folder: Path) -> None:
    window = open_window(folder, wait_for_waveform=False)
    hand_time_first_words(window)
    assert window.files.save()
    window.close()
    assert read_summary(folder / SUMMARY_FILE_NAME).timing.hand_set == 1


def left_unsaved_by_a_crash(open_window: Callable[..., TimelineWindow], folder: Path) -> None:
    records = read_words_jsonl(folder / WORDS_FILE_NAME).records
    write_recovery(folder / WORDS_FILE_NAME, folder.parent / "jfk.wav", [records[0].model_copy(update={"word": "Und"}),
                                                                          *records[1:]])  # fmt: skip


def add_clip(window: MainWindow, folder: Path, loop: qasync.QEventLoop) -> list[int]:
    added = window.add_media_paths([folder.parent / "jfk.wav"])
    pump(loop, 0.1)
    return added


def the_question(window: MainWindow) -> QMessageBox:
    prompt = window.retranscribe_guard.prompt
    assert isinstance(prompt, QMessageBox) and prompt.isVisible(), "asked before transcribing over the edits"
    assert {button.text() for button in prompt.buttons()} >= {"Save both", "Replace", "Keep my edits"}
    assert prompt.defaultButton().text() == "Save both"
    assert "jfk (edited).transcript" in prompt.informativeText(), "the dialog says where Save both keeps the edits"
    return prompt


def click(prompt: QMessageBox, text: str, loop: qasync.QEventLoop) -> None:
    next(button for button in prompt.buttons() if button.text() == text).click()
    pump(loop, 0.2)


def finished_job(window: MainWindow, loop: qasync.QEventLoop):
    (job,) = window.queue.jobs()
    wait_until(loop, lambda: job.status.is_over, JOB_TIMEOUT_SECONDS, "the new run ends")
    assert job.status is JobStatus.DONE, f"{job.message}\n{job.details}"
    return job


def test_a_transcript_without_hand_edits_is_transcribed_again_without_a_question(
    transcription_window: MainWindow, transcript_copy: Path, user_folders: Path, qasync_loop
) -> None:
    assert len(add_clip(transcription_window, transcript_copy, qasync_loop)) == 1
    assert transcription_window.retranscribe_guard.prompt is None


@pytest.mark.parametrize("edited", [saved_with_hand_timing, left_unsaved_by_a_crash])
def test_keep_my_edits_does_not_transcribe_and_touches_nothing(
    edited, transcription_window: MainWindow, open_window, transcript_copy: Path, qasync_loop
) -> None:
    edited(open_window, transcript_copy)
    before = folder_bytes(transcript_copy)

    assert add_clip(transcription_window, transcript_copy, qasync_loop) == []
    click(the_question(transcription_window), "Keep my edits", qasync_loop)

    assert transcription_window.queue.jobs() == []
    assert folder_bytes(transcript_copy) == before
    assert "to keep your edits: jfk.wav" in transcription_window.notice_label.text()


def test_replace_runs_again_over_the_edits_and_drops_the_unsaved_ones(
    transcription_window: MainWindow, open_window, transcript_copy: Path, qasync_loop
) -> None:
    saved_with_hand_timing(open_window, transcript_copy)
    left_unsaved_by_a_crash(open_window, transcript_copy)

    add_clip(transcription_window, transcript_copy, qasync_loop)
    click(the_question(transcription_window), "Replace", qasync_loop)
    finished_job(transcription_window, qasync_loop)

    timing = read_summary(transcript_copy / SUMMARY_FILE_NAME).timing
    assert timing is None or timing.hand_set == 0, "the new run's own timing"
    assert read_words_jsonl(transcript_copy / WORDS_FILE_NAME).records[0].word.lower() == "and"
    assert pending_recoveries() == [], "the replaced edits are not offered again at the next start"
    assert not (transcript_copy.parent / "jfk (edited).transcript").exists()


def test_save_both_keeps_the_open_unsaved_edits_as_a_copy_and_runs_again(
    transcription_window: MainWindow, open_window, transcript_copy: Path, qasync_loop
) -> None:
    timeline = open_window(transcript_copy, wait_for_waveform=False)
    hand_time_first_words(timeline)
    edited_records = timeline.document.records()
    assert timeline.document.is_modified

    add_clip(transcription_window, transcript_copy, qasync_loop)
    click(the_question(transcription_window), "Save both", qasync_loop)

    copy = transcript_copy.parent / "jfk (edited).transcript"
    assert read_words_jsonl(copy / WORDS_FILE_NAME).records == edited_records
    assert read_summary(copy / SUMMARY_FILE_NAME).timing.hand_set == 1
    assert not timeline.isVisible(), "the window on the old folder is closed: its edits live in the copy"
    reopened = [window for window in open_timeline_windows() if window.isVisible()]
    assert [window.document.opened.words_path for window in reopened] == [copy / WORDS_FILE_NAME]
    assert str(copy) in transcription_window.notice_label.text()

    finished_job(transcription_window, qasync_loop)
    assert read_words_jsonl(transcript_copy / WORDS_FILE_NAME).records[0].word.lower() == "and", "the new run"
    assert read_words_jsonl(copy / WORDS_FILE_NAME).records == edited_records, "the copy is left alone"
    assert pending_recoveries() == []
    for window in reopened:
        window.close()


def test_retry_of_a_cancelled_run_asks_too(
    transcription_window: MainWindow, open_window, transcript_copy: Path, qasync_loop
) -> None:
    window = transcription_window
    (job_id,) = add_clip(window, transcript_copy, qasync_loop)
    window.queue.cancel(job_id)
    wait_until(qasync_loop, lambda: window.queue.job(job_id).status is JobStatus.CANCELLED, 30, "the run is cancelled")
    left_unsaved_by_a_crash(open_window, transcript_copy)
    window.queue_view.select_job(window.queue_model.row_of(job_id))

    window.retry_selected()
    click(the_question(window), "Keep my edits", qasync_loop)
    assert window.queue.job(job_id).status is JobStatus.CANCELLED

    window.retry_selected()
    click(the_question(window), "Replace", qasync_loop)
    assert window.queue.job(job_id).status is not JobStatus.CANCELLED, "queued again"
    assert pending_recoveries() == []
