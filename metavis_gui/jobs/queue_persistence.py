"""What the queue keeps across restarts: its rows in a small JSON file, and each engine's measured speed here.

Rows: `queue.v1.json` in the app's data folder (beside the settings file when that is an ini file, as in
tests and portable set-ups). Jobs that were waiting or running when the app closed come back cancelled, so a
restart never starts work by itself; Retry queues them again. Finished rows keep their outcome, so
they still open their transcript.
Speed: the real-time factor (wall seconds per second of media) of finished jobs, per engine and model, in
QSettings, an average weighted towards recent runs; the queue turns it into an ETA before the engine reports.
"""

from __future__ import annotations

import contextlib
import math
import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from PySide6.QtCore import QSettings

from metavis_gui.app_paths import user_data_dir
from metavis_gui.contract.atomic_write import write_bytes_atomic
from metavis_gui.jobs.transcription_queue import JobSettings, JobStatus, QueuedJob
from metavis_gui.jobs.transcription_request import TranscriptionOutcome

QUEUE_FILE_NAME = "queue.v1.json"
SPEED_GROUP = "transcriptionSpeed"
_RECENT_WEIGHT = 0.5  # each new measurement counts half: machines and loads change
INTERRUPTED_MESSAGE = "Stopped when the app closed; Retry to run it again."


class SavedOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    output_paths: tuple[Path, ...]
    word_count: int
    language: str | None
    duration_seconds: float
    notice: str | None = None


class SavedJob(BaseModel):
    model_config = ConfigDict(frozen=True)

    media_path: Path
    settings: JobSettings
    status: JobStatus
    message: str = ""
    duration_seconds: float | None = None
    elapsed_seconds: float | None = None
    outcome: SavedOutcome | None = None


class SavedQueue(BaseModel):
    format: str = "metavis-transcribe.queue.v1"
    jobs: list[SavedJob] = Field(default_factory=list)


def queue_file_for(settings: QSettings) -> Path:
    if settings.format() is QSettings.Format.IniFormat:
        return Path(settings.fileName()).with_name(QUEUE_FILE_NAME)
    return user_data_dir() / QUEUE_FILE_NAME


def _speed_key(engine: str, model: str | None) -> str:
    # A model may be a path; QSettings reads "/" as a group separator.
    name = Path(model).name if model else "default"
    return f"{SPEED_GROUP}/{engine}/{name.replace('/', '_')}"


class QueuePersistence:
    def __init__(self, settings: QSettings, rows_path: Path | None = None) -> None:
        self._settings = settings
        self.rows_path = rows_path if rows_path is not None else queue_file_for(settings)

    def load(self) -> list[SavedJob]:
        """The saved rows; none when there is no file or it is damaged (a queue is not worth an error dialog)."""
        try:
            return SavedQueue.model_validate_json(self.rows_path.read_bytes()).jobs
        except (OSError, ValidationError, ValueError, RecursionError):
            return []

    def restored_jobs(self, first_job_id: int) -> list[QueuedJob]:
        return [restored_job(saved, first_job_id + offset, offset) for offset, saved in enumerate(self.load())]

    def save(self, jobs: list[QueuedJob]) -> None:
        saved = SavedQueue(jobs=[_saved(job) for job in jobs])
        with contextlib.suppress(OSError):  # a read-only data folder loses the rows, not the job
            self.rows_path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(self.rows_path, saved.model_dump_json(indent=1).encode("utf-8"))

    def real_time_factor(self, engine: str, model: str | None) -> float | None:
        value = self._settings.value(_speed_key(engine, model))
        try:
            factor = float(value) if value is not None else math.nan
        except (TypeError, ValueError):
            return None
        return factor if math.isfinite(factor) and factor > 0 else None

    def record_speed(self, engine: str, model: str | None, run_seconds: float, media_seconds: float) -> None:
        if media_seconds <= 0 or run_seconds <= 0:
            return
        measured = run_seconds / media_seconds
        previous = self.real_time_factor(engine, model)
        factor = measured if previous is None else _RECENT_WEIGHT * measured + (1 - _RECENT_WEIGHT) * previous
        self._settings.setValue(_speed_key(engine, model), factor)
        self._settings.sync()


def _saved(job: QueuedJob) -> SavedJob:
    outcome = job.outcome
    saved_outcome = None
    if outcome is not None:
        saved_outcome = SavedOutcome(
            output_paths=outcome.output_paths,
            word_count=outcome.word_count,
            language=outcome.language,
            duration_seconds=outcome.duration_seconds,
            notice=outcome.notice,
        )
    status, message = job.status, job.message
    if not status.is_over:
        status, message = JobStatus.CANCELLED, INTERRUPTED_MESSAGE
    return SavedJob(
        media_path=job.media_path,
        settings=job.settings,
        status=status,
        message=message,
        duration_seconds=job.duration_seconds,
        elapsed_seconds=job.elapsed_seconds() if job.status.is_over else None,
        outcome=saved_outcome,
    )


def restored_job(saved: SavedJob, job_id: int, position: int) -> QueuedJob:
    job = QueuedJob(job_id=job_id, media_path=saved.media_path, settings=saved.settings, queue_position=position)
    job.status, job.message, job.duration_seconds = saved.status, saved.message, saved.duration_seconds
    if saved.elapsed_seconds is not None:
        job.finished_at = time.monotonic()
        job.started_at = job.finished_at - saved.elapsed_seconds
    if saved.outcome is not None:
        job.outcome = TranscriptionOutcome(**saved.outcome.model_dump())
        job.fraction = 1.0 if saved.status is JobStatus.DONE else 0.0
    return job
