"""Many media files, transcribed one at a time in order on the running qasync loop, each a row with a status.

The window shows these rows; the queue itself knows nothing of widgets. Each job runs run_transcription,
the same coroutine the headless command runs, so cancelling a job's task kills its child process.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, ValidationError
from PySide6.QtCore import QObject, Signal

from metavis_gui.contract.transcript_bundle import TRANSCRIPT_FOLDER_SUFFIX
from metavis_gui.engines.engine_command import CoreMLComputeUnits, LiveSegment
from metavis_gui.jobs.child_process import run_child_process
from metavis_gui.jobs.remaining_time import RemainingTimeEstimate
from metavis_gui.jobs.transcription_pipeline import JobListener, run_transcription
from metavis_gui.jobs.transcription_request import (
    AlignMode,
    JobProgress,
    JobStage,
    TranscriptionFailed,
    TranscriptionOutcome,
    TranscriptionRequest,
)
from metavis_gui.media.errors import MediaError
from metavis_gui.media.probe import find_media_tool, parse_probe_output, pcm_wav_media_info, probe_arguments
from metavis_gui.models.engine_ids import DEFAULT_ENGINE, EngineIdFromName

_PROBES_AT_ONCE = 2


class JobStatus(str, Enum):
    QUEUED = "queued"
    DECODING = "decoding"
    TRANSCRIBING = "transcribing"
    ALIGNING = "aligning"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_running(self) -> bool:
        return self in (JobStatus.DECODING, JobStatus.TRANSCRIBING, JobStatus.ALIGNING)

    @property
    def is_over(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


_STATUS_OF_STAGE = {
    JobStage.PREPARING: JobStatus.DECODING,
    JobStage.DECODING: JobStatus.DECODING,
    JobStage.TRANSCRIBING: JobStatus.TRANSCRIBING,
    JobStage.ALIGNING: JobStatus.ALIGNING,
    JobStage.WRITING: JobStatus.TRANSCRIBING,  # a moment; the row keeps its last running state
}


class JobSettings(BaseModel):
    """What the user chose when the file was queued; later changes in the window do not touch queued jobs."""

    model_config = ConfigDict(frozen=True)

    engine: EngineIdFromName = DEFAULT_ENGINE
    align: AlignMode = AlignMode.AUTO
    model: str | None = None
    language: str | None = None
    output_folder: Path | None = None  # None: next to each media file
    threads: int | None = None  # None: the request's default
    coreml_compute_units: CoreMLComputeUnits | None = None  # None: the build's default; only a Core ML build uses it


def transcript_folder_for(media_path: Path, output_folder: Path | None = None) -> Path:
    """`<stem>.transcript/` next to the media, or inside the chosen output folder."""
    parent = output_folder if output_folder is not None else media_path.parent
    return parent / f"{media_path.stem}{TRANSCRIPT_FOLDER_SUFFIX}"


@dataclass(eq=False)
class QueuedJob:
    job_id: int
    media_path: Path
    settings: JobSettings
    queue_position: int
    status: JobStatus = JobStatus.QUEUED
    fraction: float = 0.0
    remaining_seconds: float | None = None
    remaining_measured_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    message: str = ""
    # What the run warned of (the audio stream it chose, truncated media): shown with its final message.
    warnings: list[str] = field(default_factory=list)
    details: str = ""
    outcome: TranscriptionOutcome | None = None
    live_text: list[str] = field(default_factory=list)
    process_ids: list[int] = field(default_factory=list)
    duration_seconds: float | None = None  # of the media, from ffprobe once the row is added
    expected_run_seconds: float | None = None  # from this engine's measured speed here, when it has one

    @property
    def output_dir(self) -> Path:
        return transcript_folder_for(self.media_path, self.settings.output_folder)

    def elapsed_seconds(self, now: float | None = None) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at if self.finished_at is not None else (time.monotonic() if now is None else now)
        return end - self.started_at

    def remaining_seconds_now(self, now: float | None = None) -> float | None:
        """Time left: from this engine's measured speed while the run is within it, else from the engine's own
        progress rate, counted down since it was made so the display moves between engine reports."""
        if not self.status.is_running:
            return None
        now = time.monotonic() if now is None else now
        elapsed = self.elapsed_seconds(now)
        if self.expected_run_seconds is not None and elapsed is not None and elapsed < self.expected_run_seconds:
            return self.expected_run_seconds - elapsed
        if self.remaining_seconds is None or self.remaining_measured_at is None:
            return None
        return max(0.0, self.remaining_seconds - (now - self.remaining_measured_at))

    def reset_for_retry(self, queue_position: int) -> None:
        # In place, so views holding this row keep seeing it.
        fresh = QueuedJob(self.job_id, self.media_path, self.settings, queue_position)
        fresh.duration_seconds = self.duration_seconds
        self.__dict__.update(fresh.__dict__)


class QueueMemory(Protocol):
    """Where the queue keeps its rows and the engines' measured speeds across restarts (`queue_persistence`)."""

    def restored_jobs(self, first_job_id: int) -> list[QueuedJob]: ...

    def save(self, jobs: list[QueuedJob]) -> None: ...

    def real_time_factor(self, engine: str, model: str | None) -> float | None: ...

    def record_speed(self, engine: str, model: str | None, run_seconds: float, media_seconds: float) -> None: ...


class TranscriptionQueue(QObject):
    job_added = Signal(int)
    job_retried = Signal(int)
    job_progressed = Signal(int, float)
    job_text_recognised = Signal(int, str)
    job_process_started = Signal(int, int)
    job_finished = Signal(int)
    job_failed = Signal(int)
    job_cancelled = Signal(int)
    job_removed = Signal(int)
    job_measured = Signal(int)  # its media's duration is known

    def __init__(self, parent: QObject | None = None, memory: QueueMemory | None = None) -> None:
        super().__init__(parent)
        self._jobs: dict[int, QueuedJob] = {}
        self._next_job_id = 1
        self._next_position = 1
        self._running: tuple[QueuedJob, asyncio.Task[None]] | None = None
        self._removal_requested: set[int] = set()
        self._start_pending = False
        self._memory = memory
        self._probes: asyncio.Semaphore | None = None
        self._probe_tasks: set[asyncio.Task[None]] = set()
        if memory is not None:
            for job in memory.restored_jobs(self._next_job_id):
                self._jobs[job.job_id] = job
            self._next_job_id += len(self._jobs)
            self._next_position += len(self._jobs)
        for changed in (self.job_added, self.job_retried, self.job_finished, self.job_failed, self.job_cancelled,
                        self.job_removed, self.job_measured):  # fmt: skip
            changed.connect(self._remember)

    def jobs(self) -> list[QueuedJob]:
        return list(self._jobs.values())

    def job(self, job_id: int) -> QueuedJob | None:
        return self._jobs.get(job_id)

    def running_job(self) -> QueuedJob | None:
        return self._running[0] if self._running else None

    def add_files(self, paths: Iterable[Path], settings: JobSettings) -> list[int]:
        added = []
        for path in paths:
            position = self._take_position()
            job = QueuedJob(job_id=self._next_job_id, media_path=Path(path), settings=settings, queue_position=position)
            self._next_job_id += 1
            self._jobs[job.job_id] = job
            added.append(job.job_id)
            self.job_added.emit(job.job_id)
            if self._memory is not None:  # the duration serves the window's Duration column and the ETA
                probe = asyncio.ensure_future(self._measure(job))
                self._probe_tasks.add(probe)
                probe.add_done_callback(self._probe_tasks.discard)
        self._schedule_next()
        return added

    def expected_run_seconds(self, job: QueuedJob) -> float | None:
        """How long the job should take here, from its engine's measured speed, once its duration is known."""
        if self._memory is None or job.duration_seconds is None:
            return None
        factor = self._memory.real_time_factor(job.settings.engine.value, job.settings.model)
        return None if factor is None else factor * job.duration_seconds

    async def _measure(self, job: QueuedJob) -> None:
        """The media's duration, for the Duration column and the ETA; a file ffprobe cannot read fails when run."""
        self._probes = self._probes or asyncio.Semaphore(_PROBES_AT_ONCE)
        async with self._probes:
            if job.duration_seconds is not None or job.job_id not in self._jobs:
                return
            try:
                info = pcm_wav_media_info(job.media_path)  # a WAV's header says it at once
                if info is None:
                    ffprobe = find_media_tool("ffprobe")
                    result = await run_child_process(ffprobe, probe_arguments(job.media_path))
                    info = parse_probe_output(job.media_path, result.exit_code, result.stdout, result.stderr)
            except (MediaError, OSError):
                return
        job.duration_seconds = info.duration_seconds
        if job.status.is_running and job.expected_run_seconds is None:
            job.expected_run_seconds = self.expected_run_seconds(job)
        self.job_measured.emit(job.job_id)

    def _remember(self) -> None:
        if self._memory is not None:
            self._memory.save(self.jobs())

    def cancel(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        if self._running is not None and self._running[0] is job:
            self._running[1].cancel()  # the task's handler marks the row once the process is gone
        elif job.status is JobStatus.QUEUED:
            job.status = JobStatus.CANCELLED
            job.message = "Cancelled before it started."
            self.job_cancelled.emit(job_id)

    def cancel_all(self) -> None:
        for job in self.jobs():
            if job.status is JobStatus.QUEUED:
                self.cancel(job.job_id)
        if self._running is not None:
            self.cancel(self._running[0].job_id)

    def retry(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is None or job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
            return
        job.reset_for_retry(self._take_position())
        self.job_retried.emit(job_id)
        self._schedule_next()

    def remove(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        if self._running is not None and self._running[0] is job:
            self._removal_requested.add(job_id)
            self._running[1].cancel()
            return
        del self._jobs[job_id]
        self.job_removed.emit(job_id)

    async def stop(self) -> None:
        """Cancel everything and wait until the running child process is gone: call before the loop closes."""
        self.cancel_all()
        for probe in list(self._probe_tasks):
            probe.cancel()
        while self._running is not None:
            await asyncio.gather(self._running[1], return_exceptions=True)

    def _take_position(self) -> int:
        self._next_position += 1
        return self._next_position

    def _schedule_next(self) -> None:
        if self._running is None and not self._start_pending:
            self._start_pending = True
            asyncio.get_event_loop().call_soon(self._start_next)

    def _start_next(self) -> None:
        self._start_pending = False
        if self._running is not None:
            return
        waiting = [job for job in self._jobs.values() if job.status is JobStatus.QUEUED]
        if not waiting:
            return
        job = min(waiting, key=lambda queued: queued.queue_position)
        job.status = JobStatus.DECODING
        job.started_at = time.monotonic()
        job.expected_run_seconds = self.expected_run_seconds(job)
        task = asyncio.get_event_loop().create_task(self._run(job), name=f"transcription job {job.job_id}")
        task.add_done_callback(lambda finished: self._on_task_done(job))
        self._running = (job, task)
        self.job_progressed.emit(job.job_id, 0.0)

    async def _run(self, job: QueuedJob) -> None:
        estimate = RemainingTimeEstimate()
        job.warnings.clear()
        listener = JobListener(
            progressed=lambda progress: self._on_progressed(job, progress, estimate),
            segment_recognised=lambda segment: self._on_segment(job, segment),
            process_started=lambda pid: self._on_process_started(job, pid),
            warned=lambda warning: job.warnings.append(warning.message),
        )
        try:
            outcome = await run_transcription(self._request_for(job), listener)
        except asyncio.CancelledError:
            # The queue owns this task and nobody awaits its result, so the cancellation ends here.
            self._end(job, JobStatus.CANCELLED, "Cancelled: the engine was stopped and nothing was written.")
        except TranscriptionFailed as failure:
            self._end(job, JobStatus.FAILED, failure.message, failure.details)
        except ValidationError as error:
            self._end(job, JobStatus.FAILED, f"The job's settings are invalid: {error.errors()[0]['msg']}", str(error))
        except Exception as error:  # noqa: BLE001 - a bug in one job must not stop the queue or the window
            self._end(job, JobStatus.FAILED, f"Unexpected error: {error}", traceback.format_exc())
        else:
            job.outcome = outcome
            words = f"{outcome.word_count} word{'s' if outcome.word_count != 1 else ''}"
            timing = outcome.timing
            if timing is not None and timing.aligner is not None and outcome.word_count:
                words += f" ({timing.aligned} timed from the audio)"
            done = outcome.notice or f"{words} written to {job.output_dir}"
            encoder = [outcome.encoder.describe()] if outcome.encoder is not None else []
            self._end(job, JobStatus.DONE, " ".join([done, *encoder, *job.warnings]))

    def _on_task_done(self, job: QueuedJob) -> None:
        # A task cancelled before its first step never enters _run's handlers.
        if self._running is not None and self._running[0] is job:
            self._end(job, JobStatus.CANCELLED, "Cancelled before it started.")

    def _request_for(self, job: QueuedJob) -> TranscriptionRequest:
        chosen = job.settings.model_dump(exclude={"output_folder"}, exclude_none=True)
        return TranscriptionRequest(input_path=job.media_path, output_dir=job.output_dir, **chosen)

    def _on_progressed(self, job: QueuedJob, progress: JobProgress, estimate: RemainingTimeEstimate) -> None:
        now = time.monotonic()
        job.status = _STATUS_OF_STAGE[progress.stage]
        job.fraction = max(job.fraction, progress.fraction)
        remaining = estimate.update(progress, now)
        if remaining is not None:
            job.remaining_seconds, job.remaining_measured_at = remaining, now
        self.job_progressed.emit(job.job_id, job.fraction)

    def _on_segment(self, job: QueuedJob, segment: LiveSegment) -> None:
        if segment.text:
            job.live_text.append(segment.text)
            self.job_text_recognised.emit(job.job_id, segment.text)

    def _on_process_started(self, job: QueuedJob, pid: int) -> None:
        job.process_ids.append(pid)
        self.job_process_started.emit(job.job_id, pid)

    def _end(self, job: QueuedJob, status: JobStatus, message: str, details: str = "") -> None:
        job.status, job.message, job.details = status, message, details
        job.finished_at = time.monotonic()
        if status is JobStatus.DONE:
            job.fraction = 1.0
            self._record_speed(job)
        self._running = None
        signal = {JobStatus.DONE: self.job_finished, JobStatus.FAILED: self.job_failed}.get(status, self.job_cancelled)
        signal.emit(job.job_id)
        if job.job_id in self._removal_requested:
            self._removal_requested.discard(job.job_id)
            self.remove(job.job_id)
        self._schedule_next()

    def _record_speed(self, job: QueuedJob) -> None:
        media_seconds = job.outcome.duration_seconds if job.outcome is not None else 0.0
        run_seconds = job.elapsed_seconds()
        if self._memory is not None and run_seconds is not None and media_seconds > 0:
            self._memory.record_speed(job.settings.engine.value, job.settings.model, run_seconds, media_seconds)
