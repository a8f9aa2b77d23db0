"""Dropping media on the window queues it, and a queued file runs through the real whisper-cli to the contract files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from metavis_gui.contract import (
    CAPTIONS_FILE_NAME,
    SUMMARY_FILE_NAME,
    WORDS_FILE_NAME,
    validate_words_jsonl,
)
from metavis_gui.jobs.transcription_queue import JobStatus
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.queue_table_model import FILE_COLUMN, PROGRESS_COLUMN, STATUS_COLUMN
from metavis_gui.ui.timeline import open_timeline_windows
from tests.conftest import JFK_WAV, copy_to
from tests.support.ui_helpers import drop_paths, drop_urls, record, save_screenshot, wait_until

JOB_TIMEOUT_SECONDS = 120


def row_texts(window: MainWindow, column: int) -> list[str]:
    model = window.queue_model
    return [model.index(row, column).data() for row in range(model.rowCount())]


@pytest.mark.usefixtures("engine_ready")
def test_a_dropped_file_is_transcribed_with_rising_progress_and_live_text(
    transcription_window: MainWindow, qasync_loop, tmp_path: Path, test_output_dir: Path
) -> None:
    window, queue = transcription_window, transcription_window.queue
    media = copy_to(JFK_WAV, tmp_path / "media" / "jfk interview.wav")
    events: list = []
    record(queue.job_progressed, events, "progressed")
    record(queue.job_text_recognised, events, "text")
    record(queue.job_finished, events, "finished")
    record(queue.job_failed, events, "failed")

    assert drop_paths(window.drop_zone, [media]) == (True, True)
    assert row_texts(window, FILE_COLUMN) == ["jfk interview.wav"]
    assert row_texts(window, STATUS_COLUMN) == ["Queued"]
    job = queue.jobs()[0]
    wait_until(qasync_loop, lambda: job.status.is_over, JOB_TIMEOUT_SECONDS, "the job ends")

    assert job.status is JobStatus.DONE, f"{job.message}\n{job.details}"
    names = [name for name, _ in events]
    assert "failed" not in names and names.count("finished") == 1
    fractions = [args[1] for name, args in events if name == "progressed"]
    assert fractions == sorted(fractions), "progress never goes back"
    assert fractions[0] < 0.1 and fractions[-1] == 1.0
    assert len(set(fractions)) >= 4, f"progress rises in steps, not in one jump: {fractions}"
    # Live text: whisper.cpp is patched to print every segment with DTW on (engines/whisper_cpp_patches.py).
    assert "text" in names and names.index("text") < names.index("finished"), names

    out_dir = media.parent / "jfk interview.transcript"
    assert job.output_dir == out_dir
    for name in (WORDS_FILE_NAME, SUMMARY_FILE_NAME, CAPTIONS_FILE_NAME):
        assert (out_dir / name).is_file(), name
    assert validate_words_jsonl(out_dir / WORDS_FILE_NAME) == []
    assert row_texts(window, STATUS_COLUMN) == ["Done"]
    assert row_texts(window, PROGRESS_COLUMN) == ["100%"]
    assert window.details_panel.shown_job_id == job.job_id
    assert "country" in window.details_panel.live_text.toPlainText()
    assert window.details_panel.timeline_button.isEnabled()

    screenshot = test_output_dir / "transcription-window-finished.png"
    save_screenshot(qasync_loop, window, screenshot)

    window.details_panel.timeline_button.click()
    timelines = open_timeline_windows()
    assert len(timelines) == 1, "Open in timeline opens the finished transcript"
    timeline = timelines[0]
    assert [word.text for word in timeline.document.transcript.words][-1] == "country."
    assert timeline.close()


def test_dropping_a_folder_queues_exactly_its_two_media_files(transcription_window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "shoot day 1"
    copy_to(JFK_WAV, folder / "take 1.wav")
    copy_to(JFK_WAV, folder / "take 2.mp3")
    (folder / "notes.txt").write_text("not media", encoding="utf-8")

    assert drop_paths(transcription_window.drop_zone, [folder]) == (True, True)

    queued = sorted(job.media_path.name for job in transcription_window.queue.jobs())
    assert queued == ["take 1.wav", "take 2.mp3"]
    assert "notes.txt" in transcription_window.notice_label.text()
    assert transcription_window.notice_label.isVisible()


def test_a_mixed_drop_refuses_only_what_is_not_media(transcription_window: MainWindow, tmp_path: Path) -> None:
    media = copy_to(JFK_WAV, tmp_path / "interview.m4a")
    text_file = tmp_path / "script.docx"
    text_file.write_bytes(b"PK not media")
    nested = copy_to(JFK_WAV, tmp_path / "more" / "deeper" / "b-roll.mov")
    urls = [QUrl.fromLocalFile(str(path)) for path in (text_file, media, tmp_path / "more")]
    urls.append(QUrl("https://example.com/clip.mp4"))

    assert drop_urls(transcription_window, urls) == (True, True)

    queued = [job.media_path for job in transcription_window.queue.jobs()]
    assert queued == [media, nested], "folders are searched with their subfolders"
    notice = transcription_window.notice_label.text()
    assert "script.docx" in notice and "https://example.com/clip.mp4" in notice
    assert "interview.m4a" not in notice


def test_a_drop_with_no_files_is_refused(transcription_window: MainWindow) -> None:
    assert drop_urls(transcription_window.drop_zone, [QUrl("https://example.com/clip.mp4")]) == (False, False)
    assert transcription_window.queue.jobs() == []


def test_file_open_adds_every_chosen_file(transcription_window: MainWindow, tmp_path: Path) -> None:
    first = copy_to(JFK_WAV, tmp_path / "a.wav")
    second = copy_to(JFK_WAV, tmp_path / "b.flac")
    transcription_window.open_action.trigger()
    dialog = transcription_window.open_files_dialog
    assert dialog is not None and dialog.isVisible(), "File > Open shows a dialog without blocking the loop"
    dialog.setDirectory(str(tmp_path))
    dialog.selectFile(f'"{first.name}" "{second.name}"')
    dialog.accept()

    assert [job.media_path for job in transcription_window.queue.jobs()] == [first, second]


@pytest.mark.usefixtures("engine_ready", "user_folders")
def test_a_dropped_transcript_opens_in_the_timeline_beside_queued_media(
    transcription_window: MainWindow, transcript_copy: Path, tmp_path: Path
) -> None:
    media = copy_to(JFK_WAV, tmp_path / "new" / "clip.wav")
    words_file = transcript_copy / WORDS_FILE_NAME
    try:
        assert drop_paths(transcription_window.drop_zone, [transcript_copy, media]) == (True, True)
        assert [job.media_path for job in transcription_window.queue.jobs()] == [media]
        assert [window.document.opened.words_path for window in open_timeline_windows()] == [words_file]
        assert transcription_window.notice_label.text() == "", "a transcript is opened, not refused"

        drop_paths(transcription_window.drop_zone, [words_file])  # the .jsonl itself works too
        assert len(open_timeline_windows()) == 2
    finally:
        for window in open_timeline_windows():
            window.close()
