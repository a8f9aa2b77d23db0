"""What a transcription job is asked to do, and what it reports back while and after it runs."""

from __future__ import annotations

import math
import os
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from metavis_gui.contract.encoder_summary import EncoderSummary
from metavis_gui.contract.word_timing import TimingSummary
from metavis_gui.engines.engine_command import CoreMLComputeUnits
from metavis_gui.exports.caption_rules import DEFAULT_CAPTION_PRESET, find_caption_preset
from metavis_gui.exports.export_formats import parse_export_formats
from metavis_gui.models.engine_ids import DEFAULT_ENGINE, EngineIdFromName


class AlignMode(str, Enum):
    """Whether words are timed from the audio: auto where an acoustic model covers the language, or never."""

    AUTO = "auto"
    OFF = "off"


class VadMode(str, Enum):
    """Whether the engine hears only what Silero VAD calls speech: auto does for media over a minute.

    Auto by default, as measured (bench/README.md, speed targets): on 30 minutes with 9 of music and noise
    no word lands in the non-speech (56 without) and the word error rate drops; a short clip is left whole.
    """

    AUTO = "auto"
    ON = "on"
    OFF = "off"


def usable_cpu_count() -> int:
    """The CPUs this process may run on (its affinity, as a container or taskset sets it), at least 1."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def default_thread_count() -> int:
    return min(8, usable_cpu_count())


class TranscriptionRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    input_path: Path
    output_dir: Path
    start_seconds: float = 0.0
    max_seconds: float | None = None
    language: str | None = None
    write_adjacent_captions: bool = False
    engine: EngineIdFromName = DEFAULT_ENGINE  # an engine id or alias
    align: AlignMode = AlignMode.AUTO
    vad: VadMode = VadMode.AUTO
    # Engine processes side by side on parts of the audio; None: as the engine table and the machine suggest.
    engine_processes: int | None = Field(default=None, ge=1)
    model: str | None = None  # a model name or a path; None: WHISPERCPP_MODEL, then the default
    audio_stream: int | None = Field(default=None, ge=0)  # which audio stream (0: the first); None: the first
    threads: int = Field(default_factory=default_thread_count, ge=1)
    # Where a Core ML build of whisper.cpp runs its encoder; None: all (other builds and engines ignore it).
    coreml_compute_units: CoreMLComputeUnits | None = None
    # How long the engine may print nothing before it counts as hung; None: what its adapter declares.
    stall_timeout_seconds: float | None = Field(default=None, gt=0)
    # Export-format ids (exports/export_formats.py) written with the contract files, and the caption rules' preset.
    export_formats: tuple[str, ...] = ()
    caption_preset: str = DEFAULT_CAPTION_PRESET.id

    @field_validator("start_seconds")
    @classmethod
    def _start_is_a_time(cls, value: float) -> float:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"the start offset must be 0 or more seconds, not {value}")
        return value

    @field_validator("max_seconds")
    @classmethod
    def _length_is_positive(cls, value: float | None) -> float | None:
        if value is not None and (not math.isfinite(value) or value <= 0):
            raise ValueError(f"the maximum length must be more than 0 seconds, not {value}")
        return value

    @field_validator("language")
    @classmethod
    def _auto_means_detect(cls, value: str | None) -> str | None:
        if value is None or value.strip().lower() in ("", "auto"):
            return None
        return value.strip().lower()

    @field_validator("export_formats")
    @classmethod
    def _known_formats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(export_format.id for export_format in parse_export_formats(value))

    @field_validator("caption_preset")
    @classmethod
    def _known_preset(cls, value: str) -> str:
        return find_caption_preset(value).id


class JobStage(str, Enum):
    PREPARING = "preparing"
    DECODING = "decoding"
    TRANSCRIBING = "transcribing"
    ALIGNING = "aligning"
    WRITING = "writing"


# Shares of the whole job each stage's progress fills, measured roughly on tiny.en.
_STAGE_SPANS = {
    JobStage.PREPARING: (0.0, 0.02),
    JobStage.DECODING: (0.02, 0.10),
    JobStage.TRANSCRIBING: (0.10, 0.90),
    JobStage.ALIGNING: (0.90, 0.98),
    JobStage.WRITING: (0.98, 1.0),
}


class JobProgress(BaseModel):
    model_config = ConfigDict(frozen=True)

    stage: JobStage
    stage_fraction: float = Field(ge=0.0, le=1.0)

    @property
    def fraction(self) -> float:
        low, high = _STAGE_SPANS[self.stage]
        return low + (high - low) * self.stage_fraction


class JobWarningKind(str, Enum):
    AUDIO_STREAM = "audio_stream"  # the media has several audio streams: which one is transcribed
    TRUNCATED_MEDIA = "truncated_media"  # less audio could be decoded than the media says it holds


class JobWarning(BaseModel):
    """Something a run tells while it goes on, without failing."""

    model_config = ConfigDict(frozen=True)

    kind: JobWarningKind
    message: str


class TranscriptionOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    output_paths: tuple[Path, ...]
    word_count: int
    language: str | None
    duration_seconds: float
    notice: str | None = None  # e.g. no speech found: not an error, but worth telling
    timing: TimingSummary | None = None  # how the words were timed, when alignment was tried
    encoder: EncoderSummary | None = None  # where the engine ran its encoder, when it said


class TranscriptionFailed(Exception):
    """Any failure of a job, as a message for the user and the engine's own words for a details view."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message
