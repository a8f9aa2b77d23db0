"""The queue shows engine, model, language, duration and an ETA from this machine's measured speed, keeps its
rows across a restart (finished ones still open their transcript), and redraws a status within a second."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from metavis_gui.jobs.queue_persistence import INTERRUPTED_MESSAGE, QueuePersistence
from metavis_gui.jobs.transcription_queue import JobStatus
from metavis_gui.ui.display_formats import STATUS_LABELS
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.queue_table_model import (
    DURATION_COLUMN,
    ENGINE_COLUMN,
    ETA_COLUMN,
    FILE_COLUMN,
    LANGUAGE_COLUMN,
    MODEL_COLUMN,
    STATUS_COLUMN,
)
from tests.cli.console_script import silence
from tests.conftest import JFK_WAV, copy_to
from tests.support.ui_helpers import drop_paths, record, wait_until

JOB_TIMEOUT_SECONDS = 120


def row(window: MainWindow, job_id: int) -> dict[int, str]:
    model = window.queue_model
    index = model.row_of(job_id)
    assert index is not None
    return {column: model.index(index, column).data() for column in range(model.columnCount())}


def settings_of(window: MainWindow) -> QSettings:
    return window.settings


@pytest.mark.usefixtures("engine_ready")
def test_rows_come_back_after_a_restart_and_a_finished_one_opens_its_transcript(
    window_factory: Callable[[], MainWindow], qasync_loop, tmp_path: Path
) -> None:
    first = window_factory()
    quiet = silence(tmp_path / "media", "room tone.wav")
    (done_id,) = first.add_media_paths([quiet])
    wait_until(qasync_loop, lambda: first.queue.job(done_id).status.is_over, JOB_TIMEOUT_SECONDS, "the job ends")
    assert first.queue.job(done_id).status is JobStatus.DONE
    (waiting_id,) = first.add_media_paths([copy_to(JFK_WAV, tmp_path / "media" / "left waiting.wav")])
    shown = row(first, done_id)
    first.close()

    second = window_factory()
    assert [job.media_path.name for job in second.queue.jobs()] == ["room tone.wav", "left waiting.wav"]
    restored_done, restored_waiting = second.queue.jobs()
    assert row(second, restored_done.job_id) == shown, "the finished row reads as before the restart"
    assert shown[DURATION_COLUMN] == "0:02" and shown[ENGINE_COLUMN] == "whisper.cpp"
    assert restored_waiting.status is JobStatus.CANCELLED and second.queue.running_job() is None
    assert restored_waiting.message in (INTERRUPTED_MESSAGE, "Cancelled before it started.")
    opened: list[Path] = []
    second.open_in_timeline = opened.append
    second.queue_view.select_job(second.queue_model.row_of(restored_done.job_id))
    second.queue_view.activated.emit(second.queue_model.index(0, FILE_COLUMN))
    assert opened == [tmp_path / "media" / "room tone.transcript"]
    assert (opened[0] / "transcript.words.v1.jsonl").is_file()
    del waiting_id


@pytest.mark.usefixtures("engine_ready")
def test_columns_and_an_eta_from_the_measured_speed_of_the_engine_here(
    window_factory: Callable[[], MainWindow], qasync_loop, tmp_path: Path
) -> None:
    window = window_factory()
    model = window.options_panel.job_settings().model or "default"
    speed_key = f"transcriptionSpeed/whisper.cpp/{model}"
    settings_of(window).setValue(speed_key, 2.0)  # 2 s per second of media, as measured on an earlier run
    media = [copy_to(JFK_WAV, tmp_path / "media" / f"jfk {n}.wav") for n in (1, 2)]
    events: list = []
    record(window.queue_model.dataChanged, events, "changed")
    assert drop_paths(window.drop_zone, media) == (True, True)
    running_id, waiting_id = (job.job_id for job in window.queue.jobs())
    wait_until(qasync_loop, lambda: row(window, waiting_id)[DURATION_COLUMN] == "0:11", 20, "ffprobe's duration")
    waiting = row(window, waiting_id)
    assert waiting[ETA_COLUMN] == "about 0:22", "11 s of media at the measured 2 s per second"
    language = window.options_panel.job_settings().language
    shown_language = (waiting[ENGINE_COLUMN], waiting[MODEL_COLUMN], waiting[LANGUAGE_COLUMN])
    assert shown_language == ("whisper.cpp", model, language or "auto")
    assert waiting[STATUS_COLUMN] == "Queued"

    running = window.queue.job(running_id)
    wait_until(qasync_loop, lambda: running.status.is_running and running.expected_run_seconds, 20, "the first runs")
    eta = row(window, running_id)[ETA_COLUMN]
    assert eta.startswith("about ") and eta.endswith(" s left"), eta
    assert 0 < int(eta.split()[1]) <= 22

    # Every status the job goes through is drawn within a second of the change.
    shown: list[tuple[float, str]] = []
    seen_statuses: list[tuple[float, JobStatus]] = []
    window.queue.job_progressed.connect(
        lambda job_id, fraction: seen_statuses.append((time.monotonic(), running.status))
    )
    window.queue_model.dataChanged.connect(
        lambda *args: shown.append((time.monotonic(), row(window, running_id)[STATUS_COLUMN]))
    )
    wait_until(qasync_loop, lambda: running.status.is_over, JOB_TIMEOUT_SECONDS, "the first job ends")
    assert running.status is JobStatus.DONE, running.message
    assert row(window, running_id)[LANGUAGE_COLUMN] == (language or "auto: en")
    for changed_at, status in seen_statuses:
        label = STATUS_LABELS[status]
        # The model hears the same signal first, so its redraw may come a moment before this record of it.
        assert any(changed_at - 0.1 <= at <= changed_at + 1.0 and text == label for at, text in shown), (status, shown)

    factor = float(settings_of(window).value(speed_key))
    measured = running.elapsed_seconds() / running.outcome.duration_seconds
    assert factor == pytest.approx(0.5 * 2.0 + 0.5 * measured), "the new run counts half"
    window.queue.cancel_all()


def test_a_damaged_queue_file_gives_an_empty_queue(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    memory = QueuePersistence(settings)
    assert memory.rows_path == tmp_path / "queue.v1.json"
    memory.rows_path.write_text('{"jobs": [{"mediaPath": ')
    assert memory.restored_jobs(1) == []
    memory.rows_path.write_text("[" * 100_000)
    assert memory.restored_jobs(1) == []
