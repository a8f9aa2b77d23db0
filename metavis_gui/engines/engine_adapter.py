"""What every engine adapter offers the job runner. Adapters build commands; they never start processes."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from metavis_gui.engines.engine_command import EngineCommand, LiveSegment, TranscriptionSettings
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.timeline.transcript import Transcript


class EngineAdapter(Protocol):
    """Stateless: everything one run decides travels in its EngineCommand, which read_result gets back."""

    name: EngineId  # also the summary's tool name

    @property
    def version(self) -> str | None: ...

    def model_id(self, model_path: Path) -> str: ...

    def build_command(self, settings: TranscriptionSettings, output_dir: Path) -> EngineCommand: ...

    def stall_timeout_seconds(self, model_path: Path) -> float:
        """How long the engine may print nothing while working with this model before it counts as hung."""
        ...

    def progress_fraction(self, stderr_line: str) -> float | None: ...

    def live_segment(self, stdout_line: str) -> LiveSegment | None: ...

    def read_result(self, command: EngineCommand, exit_code: int, stderr: str) -> Transcript: ...
