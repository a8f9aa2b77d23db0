"""What an adapter hands the job runner for one run: a program, its argv, where its output will be, and what
reading that output needs. A run's state lives here, never on the adapter, so one adapter serves any
number of runs."""

from __future__ import annotations

from enum import Enum, StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict


class CoreMLComputeUnits(StrEnum):
    """Where a Core ML build of whisper.cpp runs its encoder; engines/whisper_cpp_patches.py reads these values."""

    ALL = "all"  # whisper.cpp's own choice: Core ML picks among CPU, GPU and Neural Engine
    CPU_AND_NEURAL_ENGINE = "cpu_and_ne"
    CPU_ONLY = "cpu_only"


# The variable the patched whisper-encoder.mm reads when it loads the encoder.
COREML_COMPUTE_UNITS_VARIABLE = "WHISPER_COREML_COMPUTE_UNITS"


class TranscriptionSettings(BaseModel):
    """What the user asked of an engine, independent of which engine runs it."""

    model_config = ConfigDict(frozen=True)

    audio_path: Path
    model_path: Path
    language: str | None = None  # None: detect
    threads: int = 4
    # False when the aligner will time the words from the audio: the engine then skips its costlier timing (DTW).
    engine_word_times: bool = True
    # Only a Core ML build of whisper.cpp uses it; None: the build's default (all).
    coreml_compute_units: CoreMLComputeUnits | None = None


class WordTimingMode(str, Enum):
    """Where a run's word times come from."""

    TOKEN = "token"  # the engine's heuristic token timestamps (whisper.cpp without an alignment-heads preset)
    # DTW over the decoder's cross-attention; whisper.cpp's is refined by its token heuristic at pauses
    # (whisper_cpp_json._dtw_spans) and needs -nfa and an alignment-heads preset for the model.
    DTW = "dtw"


class EngineCommand(BaseModel):
    """One run of an engine, as its adapter planned it; the adapter gets it back to read the run's result."""

    model_config = ConfigDict(frozen=True)

    program: Path
    arguments: tuple[str, ...]
    output_path: Path
    word_timing: WordTimingMode
    # Variables the child gets on top of this process's environment.
    environment: tuple[tuple[str, str], ...] = ()


class LiveSegment(BaseModel):
    """A segment the engine printed while running: shown to the user before the job ends."""

    model_config = ConfigDict(frozen=True)

    start_seconds: float
    end_seconds: float
    text: str
