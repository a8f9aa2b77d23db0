"""How sizes, durations and job states read in the window."""

from __future__ import annotations

import math
from pathlib import Path

from metavis_gui.jobs.transcription_queue import JobStatus, QueuedJob

STATUS_LABELS = {
    JobStatus.QUEUED: "Queued",
    JobStatus.DECODING: "Decoding",
    JobStatus.TRANSCRIBING: "Transcribing",
    JobStatus.ALIGNING: "Aligning words",
    JobStatus.DONE: "Done",
    JobStatus.FAILED: "Failed",
    JobStatus.CANCELLED: "Cancelled",
}


def format_size(size_bytes: int) -> str:
    if size_bytes >= 1_000_000_000:
        return f"{size_bytes / 1_000_000_000:.1f} GB"
    if size_bytes >= 1_000_000:
        return f"{size_bytes / 1_000_000:.0f} MB"
    return f"{max(1, round(size_bytes / 1000))} kB"


def format_clock(seconds: float) -> str:
    """0:07, 1:05, 1:02:03: the way editors read durations."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_remaining(seconds: float) -> str:
    if seconds < 1:
        return "almost done"
    if seconds < 60:
        return f"about {math.ceil(seconds)} s left"
    return f"about {format_clock(seconds)} left"


def progress_text(job: QueuedJob) -> str:
    """The words on a row's progress bar: the percent (the time left has its own column)."""
    if job.status is JobStatus.QUEUED:
        return "Waiting"
    if job.status is JobStatus.DONE:
        return "100%"
    percent = f"{math.floor(job.fraction * 100)}%"
    if job.status.is_over:
        return f"Stopped at {percent}"
    if job.status is JobStatus.DECODING:
        return f"{percent} · reading audio"
    return percent


def eta_text(job: QueuedJob, expected_run_seconds: float | None, now: float | None = None) -> str:
    """Time left of a running job; for a waiting one, how long it should take here (its engine's measured speed)."""
    if job.status is JobStatus.QUEUED:
        return f"about {format_clock(expected_run_seconds)}" if expected_run_seconds is not None else ""
    if job.status.is_over:
        return ""
    remaining = job.remaining_seconds_now(now)
    return format_remaining(remaining) if remaining is not None else "estimating"


def duration_text(job: QueuedJob) -> str:
    return format_clock(job.duration_seconds) if job.duration_seconds is not None else ""


def model_text(job: QueuedJob) -> str:
    model = job.settings.model
    return Path(model).name if model else "default"


def language_text(job: QueuedJob) -> str:
    """The chosen language, or what auto-detection found once the job is done."""
    if job.settings.language:
        return job.settings.language
    detected = job.outcome.language if job.outcome is not None else None
    return f"auto: {detected}" if detected else "auto"


def elapsed_text(job: QueuedJob, now: float | None = None) -> str:
    elapsed = job.elapsed_seconds(now)
    return "" if elapsed is None else format_clock(elapsed)


def failure_report(job: QueuedJob) -> str:
    """Everything a person (or a bug report) needs about a failed job, engine output last."""
    settings = job.settings
    return "\n".join(
        (
            f"File: {job.media_path}",
            (
                f"Engine: {settings.engine}, model {settings.model or 'default'}, "
                f"language {settings.language or 'auto-detect'}"
            ),
            f"Output folder: {job.output_dir}",
            f"Problem: {job.message}",
            "",
            "Engine output:",
            job.details or "(none: the engine did not get to run, or printed nothing)",
        )
    )


LIVE_TEXT_PLACEHOLDERS = {
    JobStatus.QUEUED: "Waiting for its turn. The words appear here as the engine recognises them.",
    JobStatus.CANCELLED: "Cancelled: nothing was written.",
}
