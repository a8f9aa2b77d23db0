"""The engines the app knows, by name, and how a model argument becomes a model path for each."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from metavis_gui.engines.engine_adapter import EngineAdapter
from metavis_gui.engines.errors import EngineNotFound, ModelMissing
from metavis_gui.engines.whisper_cpp_adapter import ENGINE_NAME as WHISPER_CPP
from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter
from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary
from metavis_gui.models.errors import ModelNotInstalled
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME, resolve_whisper_cpp_model

ENGINE_NAMES = (WHISPER_CPP,)
WHISPER_CPP_MODEL_VARIABLE = "WHISPERCPP_MODEL"


def create_engine_adapter(engine_name: str, environ: Mapping[str, str] | None = None) -> EngineAdapter:
    if engine_name == WHISPER_CPP:
        return WhisperCppAdapter(locate_whisper_cpp_binary(environ))
    raise EngineNotFound(f"Unknown engine {engine_name!r}. Known engines: {', '.join(ENGINE_NAMES)}.")


def resolve_model_path(
    engine_name: str, model: str | None, environ: Mapping[str, str] | None = None
) -> Path:
    """The --model argument wins, then WHISPERCPP_MODEL, then the default model in the user's store."""
    environ = os.environ if environ is None else environ
    requested = model or environ.get(WHISPER_CPP_MODEL_VARIABLE) or DEFAULT_MODEL_NAME
    if engine_name != WHISPER_CPP:
        raise EngineNotFound(f"Unknown engine {engine_name!r}.")
    try:
        return resolve_whisper_cpp_model(requested)
    except ModelNotInstalled as error:
        raise ModelMissing(str(error)) from error
