"""Seconds left in a job, for the window's queue and the headless command's progress alike."""

from __future__ import annotations

from metavis_gui.jobs.transcription_request import JobProgress, JobStage


class RemainingTimeEstimate:
    """Seconds left, from the engine's own progress rate: probing, decoding and writing are short and erratic."""

    def __init__(self) -> None:
        self._stage: JobStage | None = None
        self._stage_since: float | None = None

    def update(self, progress: JobProgress, now: float) -> float | None:
        if progress.stage is JobStage.WRITING:
            return 0.0
        if progress.stage not in (JobStage.TRANSCRIBING, JobStage.ALIGNING):
            return None
        if progress.stage is not self._stage:
            self._stage, self._stage_since = progress.stage, now
        fraction = progress.stage_fraction
        if fraction <= 0.0 or self._stage_since is None:
            return None
        return (now - self._stage_since) * (1.0 - fraction) / fraction
