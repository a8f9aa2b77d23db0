"""The queue's buttons and keys on rows that have not started: cancel, retry, remove with Delete."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from metavis_gui.jobs.transcription_queue import JobStatus
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.queue_table_model import FILE_COLUMN, STATUS_COLUMN
from tests.conftest import JFK_WAV, copy_to


def column(window: MainWindow, index: int) -> list[str]:
    model = window.queue_model
    return [model.index(row, index).data() for row in range(model.rowCount())]


def queue_three(window: MainWindow, folder: Path) -> list[int]:
    # The qasync loop is not running between these calls, so nothing starts: rows stay queued.
    return window.add_media_paths([copy_to(JFK_WAV, folder / f"clip {number}.wav") for number in (1, 2, 3)])


def test_delete_removes_the_selected_rows(qtbot, transcription_window: MainWindow, tmp_path: Path) -> None:
    queue_three(transcription_window, tmp_path)
    transcription_window.activateWindow()
    transcription_window.queue_view.setFocus()
    transcription_window.queue_view.select_job(1)
    live_text = transcription_window.details_panel.live_text
    live_text.setFocus()
    qtbot.keyClick(live_text, Qt.Key.Key_Delete)
    assert len(column(transcription_window, FILE_COLUMN)) == 3, "Delete in the text pane leaves the queue alone"
    transcription_window.queue_view.setFocus()
    qtbot.keyClick(transcription_window.queue_view, Qt.Key.Key_Delete)
    assert column(transcription_window, FILE_COLUMN) == ["clip 1.wav", "clip 3.wav"]


def test_cancel_then_retry_a_queued_row(transcription_window: MainWindow, tmp_path: Path) -> None:
    _, second, third = queue_three(transcription_window, tmp_path)
    transcription_window.queue_view.select_job(1)
    assert transcription_window.cancel_action.isEnabled() and not transcription_window.retry_action.isEnabled()
    transcription_window.cancel_action.trigger()
    assert column(transcription_window, STATUS_COLUMN) == ["Queued", "Cancelled", "Queued"]
    assert transcription_window.retry_action.isEnabled()
    transcription_window.retry_action.trigger()
    assert column(transcription_window, STATUS_COLUMN) == ["Queued", "Queued", "Queued"]
    retried = transcription_window.queue.job(second)
    assert retried is not None and retried.queue_position > transcription_window.queue.job(third).queue_position, (
        "a retried job waits behind the files already queued"
    )


def test_cancel_all_cancels_every_waiting_row(transcription_window: MainWindow, tmp_path: Path) -> None:
    queue_three(transcription_window, tmp_path)
    assert transcription_window.cancel_all_action.isEnabled()
    transcription_window.cancel_all_action.trigger()
    assert column(transcription_window, STATUS_COLUMN) == ["Cancelled"] * 3
    assert all(job.status is JobStatus.CANCELLED for job in transcription_window.queue.jobs())
    assert not transcription_window.cancel_all_action.isEnabled()


def test_the_same_file_is_not_queued_twice_while_waiting(transcription_window: MainWindow, tmp_path: Path) -> None:
    media = copy_to(JFK_WAV, tmp_path / "once.wav")
    assert len(transcription_window.add_media_paths([media])) == 1
    assert transcription_window.add_media_paths([media]) == []
    assert "Already in the queue: once.wav" in transcription_window.notice_label.text()
