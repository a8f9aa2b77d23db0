"""Failed jobs end as readable rows, the queue carries on, and a failed job can be retried."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from metavis_gui.jobs.transcription_queue import JobStatus, QueuedJob
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.queue_table_model import STATUS_COLUMN
from tests.conftest import JFK_WAV, copy_to
from tests.support.fault_injection.fake_engines import write_fake_engine
from tests.support.ui_helpers import save_screenshot, wait_until

pytestmark = pytest.mark.usefixtures("engine_ready")
JOB_TIMEOUT_SECONDS = 120


def assert_readable(message: str, *must_name: str) -> None:
    assert message and len(message) < 600, message
    for name in must_name:
        assert name in message, (name, message)
    for internal in ("Traceback", "Exception", "Error(", "errno"):
        assert internal not in message, message


def wait_for_all(loop, jobs: list[QueuedJob]) -> None:
    wait_until(loop, lambda: all(job.status.is_over for job in jobs), JOB_TIMEOUT_SECONDS, "every job ends")


def status_text(window: MainWindow, job: QueuedJob) -> str:
    return window.queue_model.index(window.queue_model.row_of(job.job_id), STATUS_COLUMN).data()


def test_a_corrupt_media_file_fails_readably_and_the_next_job_runs(
    transcription_window: MainWindow, qasync_loop, tmp_path: Path, test_output_dir: Path
) -> None:
    window, queue = transcription_window, transcription_window.queue
    corrupt = tmp_path / "broken clip.mp4"
    corrupt.write_bytes(os.urandom(64 * 1024))
    good = copy_to(JFK_WAV, tmp_path / "good take.wav")
    window.add_media_paths([corrupt, good])
    broken_job, good_job = queue.jobs()
    wait_for_all(qasync_loop, [broken_job, good_job])

    assert broken_job.status is JobStatus.FAILED
    assert_readable(broken_job.message, "broken clip.mp4")
    assert status_text(window, broken_job) == "Failed"
    assert not (tmp_path / "broken clip.transcript").exists()
    assert good_job.status is JobStatus.DONE, good_job.message

    window.queue_view.select_job(window.queue_model.row_of(broken_job.job_id))
    details = window.details_panel
    assert details.message_label.text() == broken_job.message
    assert details.details_button.isVisible() and not details.details_text.isVisible()
    details.details_button.click()
    assert details.details_text.isVisible()
    assert str(corrupt) in details.details_text.toPlainText()
    screenshot = test_output_dir / "transcription-window-failed-job.png"
    save_screenshot(qasync_loop, window, screenshot)
    assert window.retry_action.isEnabled()

    copy_to(JFK_WAV, corrupt)  # the user fixes the file, then retries the row
    window.retry_action.trigger()
    assert broken_job.status is JobStatus.QUEUED and status_text(window, broken_job) == "Queued"
    wait_for_all(qasync_loop, [broken_job])
    assert broken_job.status is JobStatus.DONE, broken_job.message
    assert (tmp_path / "broken clip.transcript" / "transcript.words.v1.jsonl").is_file()


def test_a_missing_model_fails_readably_and_the_next_job_runs(
    window_factory: Callable[[], MainWindow],
    qasync_loop,
    tmp_path: Path,
    default_model_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A model folder holding only tiny.en, so "small" is missing whatever this machine has installed.
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    (models_dir / default_model_path.name).symlink_to(default_model_path)
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(models_dir))
    window = window_factory()
    queue = window.queue

    window.options_panel.set_model("small")
    assert "not installed" in window.options_panel.model_combo.currentText()
    assert "not installed" in window.options_panel.model_note.text().lower()
    window.add_media_paths([copy_to(JFK_WAV, tmp_path / "with small.wav")])
    window.options_panel.set_model("tiny.en")
    window.add_media_paths([copy_to(JFK_WAV, tmp_path / "with tiny.wav")])
    missing_job, good_job = queue.jobs()
    assert missing_job.settings.model == "small" and good_job.settings.model == "tiny.en"
    wait_for_all(qasync_loop, [missing_job, good_job])

    assert missing_job.status is JobStatus.FAILED
    assert_readable(missing_job.message, "small", "not installed")
    assert status_text(window, missing_job) == "Failed"
    assert not (tmp_path / "with small.transcript").exists()
    assert good_job.status is JobStatus.DONE, good_job.message


def test_an_engine_crash_shows_its_own_output_in_the_details(
    window_factory: Callable[[], MainWindow], qasync_loop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fault injection: a real whisper-cli cannot be made to crash on demand.
    monkeypatch.setenv("WHISPERCPP_BIN", str(write_fake_engine(tmp_path, "crashing")))
    window = window_factory()
    window.add_media_paths([copy_to(JFK_WAV, tmp_path / "crash me.wav")])
    (job,) = window.queue.jobs()
    wait_for_all(qasync_loop, [job])

    assert job.status is JobStatus.FAILED
    assert_readable(job.message, "crashed", "crash me.wav")
    details = window.details_panel
    assert details.shown_job_id == job.job_id
    details.details_button.click()
    report = details.details_text.toPlainText()
    assert "fake pid" in report and "progress =  10%" in report, report
    assert window.isVisible() and window.open_action.isEnabled(), "the window keeps working"
