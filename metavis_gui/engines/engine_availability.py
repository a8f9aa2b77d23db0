"""Whether an engine can run on this machine, and when not, why, in words a user can act on.

Each engine's check is named in its row of the engine table. A check returns what it found about an engine
that can run, or raises EngineNotFound with the reason. Nothing here starts a process: whisper.cpp's facts
come from its build-info.json, a Python engine's from its package's metadata.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from metavis_gui.engines.engine_adapter import EngineAdapter
from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary, wants_coreml
from metavis_gui.models.model_store import coreml_encoder_path, ggml_model_path

COREML_FIRST_RUN_WARNING = (
    "The first run with this model compiles it for this Mac's Neural Engine, which can take several minutes; "
    "later runs start quickly."
)


class EngineAvailability(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str  # the engine id
    display_name: str
    available: bool
    reason: str | None = None  # why it cannot run, when it cannot
    details: str = ""  # version and build
    location: Path | None = None  # where the program was found
    origin: str | None = None  # how it was found: bundled, built, PATH, WHISPERCPP_BIN
    notes: tuple[str, ...] = ()  # facts worth telling that do not stop it running (Core ML)
    # A Core ML build of whisper.cpp: the Core ML compute-units choice applies to it.
    takes_coreml_compute_units: bool = False


class RunnableEngine(BaseModel):
    """What a check found about an engine that can run."""

    model_config = ConfigDict(frozen=True)

    details: str
    location: Path | None = None
    origin: str | None = None
    notes: tuple[str, ...] = ()
    takes_coreml_compute_units: bool = False


@dataclass(frozen=True)
class AvailabilityQuestion:
    model_name: str | None = None  # lets whisper.cpp talk about this model's Core ML encoder
    environ: Mapping[str, str] | None = None  # None: this process's environment
    models_dir: Path | None = None  # None: the model store


AvailabilityCheck = Callable[[AvailabilityQuestion], RunnableEngine]


def check_whisper_cpp(question: AvailabilityQuestion) -> RunnableEngine:
    binary = locate_whisper_cpp_binary(question.environ)
    build = "Core ML build" if binary.coreml else "CPU build"
    notes: tuple[str, ...] = ()
    if binary.coreml and wants_coreml() and question.model_name:
        notes = _coreml_notes(question.model_name, question.models_dir)
    return RunnableEngine(
        details=f"version {binary.version or 'unknown'}, {build}",
        location=binary.path,
        origin=binary.origin,
        notes=notes,
        takes_coreml_compute_units=binary.coreml,
    )


def _coreml_notes(model_name: str, models_dir: Path | None) -> tuple[str, ...]:
    encoder = coreml_encoder_path(ggml_model_path(model_name, models_dir))
    if encoder.is_dir():
        return (f"The Core ML encoder for {model_name} runs on the Neural Engine.", COREML_FIRST_RUN_WARNING)
    # The build allows falling back, so a missing encoder slows the job down rather than failing it.
    missing = (
        f"No Core ML encoder for {model_name} ({encoder.name} is missing), so its encoder runs on the CPU, "
        "which is slower. Put the encoder beside the model to use the Neural Engine."
    )
    return (missing,)


def python_engine_check(
    create_adapter: Callable[[Mapping[str, str] | None], EngineAdapter], runtime_distribution: str, runtime_label: str
) -> AvailabilityCheck:
    """Available when its adapter can be made: that finds the package and imports nothing heavy."""

    def check(question: AvailabilityQuestion) -> RunnableEngine:
        adapter = create_adapter(question.environ)
        runtime = _installed_version(runtime_distribution) or "unknown"
        return RunnableEngine(details=f"version {adapter.version or 'unknown'}, {runtime_label} {runtime}, CPU")

    return check


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
