"""Which engines this machine can run, and when not, why, in words a user can act on.

Nothing here starts a process: whisper.cpp's facts come from its build-info.json. Each engine's models are
described in model_availability.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from metavis_gui.engines.errors import EngineNotFound

# Models were described here before each engine had its own; callers still import these names from here.
from metavis_gui.engines.model_availability import (  # noqa: F401
    OFFERED_MODEL_NAMES,
    ModelAvailability,
    describe_models,
)
from metavis_gui.engines.whisper_cpp_adapter import ENGINE_NAME as WHISPER_CPP
from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary, wants_coreml
from metavis_gui.models.model_store import coreml_encoder_path, ggml_model_path

COREML_FIRST_RUN_WARNING = (
    "The first run with this model compiles it for this Mac's Neural Engine, which can take several minutes; "
    "later runs start quickly."
)


class EngineAvailability(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    available: bool
    reason: str | None = None  # why it cannot run, when it cannot
    details: str = ""  # version and build
    location: Path | None = None  # where the program was found
    notes: tuple[str, ...] = ()  # facts worth telling that do not stop it running (Core ML)


def describe_engines(
    model_name: str | None = None,
    environ: Mapping[str, str] | None = None,
    models_dir: Path | None = None,
) -> list[EngineAvailability]:
    """Every engine the app knows, available ones first; model_name lets whisper.cpp talk about Core ML."""
    engines = [
        _describe_whisper_cpp(model_name, environ, models_dir),
        _describe_python_engine("openai-whisper", runtime_distribution="torch", runtime_label="PyTorch"),
        _describe_python_engine("faster-whisper", runtime_distribution="ctranslate2", runtime_label="CTranslate2"),
    ]
    return sorted(engines, key=lambda engine: not engine.available)


def _describe_whisper_cpp(
    model_name: str | None, environ: Mapping[str, str] | None, models_dir: Path | None
) -> EngineAvailability:
    try:
        binary = locate_whisper_cpp_binary(environ)
    except EngineNotFound as error:
        return EngineAvailability(name=WHISPER_CPP, available=False, reason=str(error))
    build = "Core ML build" if binary.coreml else "CPU build"
    details = f"version {binary.version or 'unknown'}, {build}"
    notes: tuple[str, ...] = ()
    if binary.coreml and wants_coreml() and model_name:
        notes = _coreml_notes(model_name, models_dir)
    return EngineAvailability(name=WHISPER_CPP, available=True, details=details, location=binary.path, notes=notes)


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


def _describe_python_engine(name: str, runtime_distribution: str, runtime_label: str) -> EngineAvailability:
    """Available when its adapter can be made: that finds the package and imports nothing heavy."""
    from metavis_gui.engines.engine_registry import create_engine_adapter  # the registry imports this module's peers

    try:
        adapter = create_engine_adapter(name)
    except EngineNotFound as error:
        return EngineAvailability(name=name, available=False, reason=str(error))
    runtime = _installed_version(runtime_distribution) or "unknown"
    details = f"version {adapter.version or 'unknown'}, {runtime_label} {runtime}, CPU"
    return EngineAvailability(name=name, available=True, details=details, notes=_PYTHON_ENGINE_NOTES.get(name, ()))


_WINDOW_NOTE = "Progress and text arrive once per 30 s window of audio, as each window is decoded."
_PYTHON_ENGINE_NOTES = {"openai-whisper": (_WINDOW_NOTE,), "faster-whisper": (_WINDOW_NOTE,)}


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
