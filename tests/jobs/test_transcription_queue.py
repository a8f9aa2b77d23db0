"""The queue on its own (QtCore only): order, cancel, retry, remove, output folders and the time estimate."""

from __future__ import annotations

from pathlib import Path

import pytest

from metavis_gui.jobs.remaining_time import RemainingTimeEstimate
from metavis_gui.jobs.transcription_queue import (
    JobSettings,
    JobStatus,
    TranscriptionQueue,
    transcript_folder_for,
)
from metavis_gui.jobs.transcription_request import JobProgress, JobStage
from tests.support.ui_helpers import record, wait_until


def test_transcripts_go_next_to_the_media_or_into_the_chosen_folder(tmp_path: Path) -> None:
    media = tmp_path / "shoot" / "take 3.final.mov"
    assert transcript_folder_for(media) == tmp_path / "shoot" / "take 3.final.transcript"
    chosen = tmp_path / "all transcripts"
    assert transcript_folder_for(media, chosen) == chosen / "take 3.final.transcript"


def test_remaining_time_follows_the_engines_own_progress_rate() -> None:
    estimate = RemainingTimeEstimate()
    assert estimate.update(JobProgress(stage=JobStage.DECODING, stage_fraction=0.5), now=1.0) is None
    assert estimate.update(JobProgress(stage=JobStage.TRANSCRIBING, stage_fraction=0.0), now=2.0) is None
    # 25 % took 10 s, so 75 % takes about 30 s more.
    assert estimate.update(JobProgress(stage=JobStage.TRANSCRIBING, stage_fraction=0.25), now=12.0) == 30.0
    assert estimate.update(JobProgress(stage=JobStage.TRANSCRIBING, stage_fraction=0.5), now=17.0) == 15.0
    assert estimate.update(JobProgress(stage=JobStage.WRITING, stage_fraction=0.0), now=30.0) == 0.0


def test_jobs_run_one_at_a_time_in_order_and_failures_do_not_stop_the_queue(qasync_loop, tmp_path: Path) -> None:
    queue = TranscriptionQueue()
    events: list = []
    for name in ("job_progressed", "job_failed", "job_cancelled", "job_finished"):
        record(getattr(queue, name), events, name)
    # Files that do not exist fail at once, before any process starts: the queue's logic, no engine needed.
    first, second, third = queue.add_files([tmp_path / f"missing {n}.wav" for n in (1, 2, 3)], JobSettings())
    queue.cancel(second)
    wait_until(qasync_loop, lambda: all(job.status.is_over for job in queue.jobs()), 10, "all jobs end")

    ended = [(name, args[0]) for name, args in events if name != "job_progressed"]
    assert ended == [("job_cancelled", second), ("job_failed", first), ("job_failed", third)]
    started = [args[0] for name, args in events if name == "job_progressed"]
    assert started == sorted(started), "the first job ends before the next one starts"
    failed = queue.job(first)
    assert failed is not None and "missing 1.wav" in failed.message and "no such file" in failed.message

    queue.retry(first)
    assert failed.status is JobStatus.QUEUED and failed.message == ""
    wait_until(qasync_loop, lambda: failed.status.is_over, 10, "the retried job ends")
    assert failed.status is JobStatus.FAILED

    removed = record(queue.job_removed)
    queue.remove(third)
    assert [args for _, args in removed] == [(third,)] and queue.job(third) is None
    assert [job.job_id for job in queue.jobs()] == [first, second]


def test_invalid_settings_fail_the_job_not_the_queue(qasync_loop, tmp_path: Path) -> None:
    queue = TranscriptionQueue()
    media = tmp_path / "a.wav"
    media.write_bytes(b"")
    (bad,) = queue.add_files([media], JobSettings(threads=0))
    wait_until(qasync_loop, lambda: queue.job(bad).status.is_over, 10, "the job ends")
    job = queue.job(bad)
    assert job.status is JobStatus.FAILED and "settings are invalid" in job.message


@pytest.mark.parametrize("status", [JobStatus.DONE, JobStatus.QUEUED])
def test_retry_only_applies_to_failed_or_cancelled_jobs(qasync_loop, tmp_path: Path, status: JobStatus) -> None:
    queue = TranscriptionQueue()
    (job_id,) = queue.add_files([tmp_path / "x.wav"], JobSettings())
    job = queue.job(job_id)
    job.status = status
    retried = record(queue.job_retried)
    queue.retry(job_id)
    assert retried == [] and job.status is status
    job.status = JobStatus.CANCELLED  # let the scheduled start find nothing to run
