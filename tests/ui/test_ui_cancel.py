"""Cancelling a running job from the window: the real whisper-cli dies within 2 s and nothing is written."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from metavis_gui.jobs.transcription_queue import JobStatus
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.queue_table_model import STATUS_COLUMN
from tests.conftest import JFK_WAV, copy_to
from tests.support.ui_helpers import record, save_screenshot, wait_until

pytestmark = [
    pytest.mark.usefixtures("engine_ready"),
    pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to see the engine process"),
]
KILL_DEADLINE_SECONDS = 2.0


def process_alive(pid: int) -> bool:
    """True while pid exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def test_cancel_during_transcription_kills_the_engine_and_leaves_nothing(
    transcription_window: MainWindow,
    qasync_loop,
    long_speech_wav: Path,
    tmp_path: Path,
    test_output_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))  # where the job decodes its audio
    window, queue = transcription_window, transcription_window.queue
    long_media = copy_to(long_speech_wav, tmp_path / "media" / "council meeting.wav")
    next_media = copy_to(JFK_WAV, tmp_path / "media" / "next in line.wav")
    started = record(queue.job_process_started)

    def pids() -> list[int]:
        return [args[1] for _, args in started]

    cancelled = record(queue.job_cancelled)
    # One thread keeps the engine busy long enough to be caught mid-run.
    settings = window.options_panel.job_settings().model_copy(update={"threads": 1})
    long_id, next_id = queue.add_files([long_media, next_media], settings)
    long_job = queue.job(long_id)
    assert long_job is not None
    def engine_pids() -> list[int]:
        return [pid for pid in pids() if "whisper-cli" in command_line(pid)]

    wait_until(
        qasync_loop,
        lambda: long_job.status is JobStatus.TRANSCRIBING and bool(engine_pids()),
        60,
        "whisper-cli starts on the long file",
    )
    engine_pid = engine_pids()[-1]
    wait_until(qasync_loop, lambda: long_job.remaining_seconds is not None, 90, "the engine reports progress")
    assert long_job.status is JobStatus.TRANSCRIBING and process_alive(engine_pid), "still transcribing"

    window.queue_view.select_job(window.queue_model.row_of(long_id))
    screenshot = test_output_dir / "transcription-window-mid-job.png"
    save_screenshot(qasync_loop, window, screenshot)

    assert window.cancel_action.isEnabled()
    of_the_long_job = pids()  # the engine and the aligner waiting beside it; the next job's come later
    long_jobs_audio = list(private_tmp.iterdir())  # the next job, a WAV copied at once, makes its own folder
    assert long_jobs_audio
    window.cancel_action.trigger()
    took = wait_until(
        qasync_loop,
        lambda: bool(cancelled) and not any(process_alive(pid) for pid in of_the_long_job),
        KILL_DEADLINE_SECONDS,
        "the job is cancelled and its engine process is gone",
    )
    assert took <= KILL_DEADLINE_SECONDS
    assert cancelled[0][1] == (long_id,)
    assert long_job.status is JobStatus.CANCELLED
    assert window.queue_model.index(window.queue_model.row_of(long_id), STATUS_COLUMN).data() == "Cancelled"
    assert not (long_media.parent / "council meeting.transcript").exists(), "no output folder after cancel"
    assert not any(path.exists() for path in long_jobs_audio), "the decoded audio is removed"
    wait_until(qasync_loop, lambda: queue.job(next_id).status is not JobStatus.QUEUED, 10, "the next job starts")
