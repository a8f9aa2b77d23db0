"""`metavis-transcribe --version`: the app, and the engine, model and aligner a transcription would use here."""

from __future__ import annotations

import argparse
import importlib.metadata
import os
from collections.abc import Sequence
from typing import Any, NoReturn

import metavis_gui
from metavis_gui.align.acoustic_models import pocketsphinx_version
from metavis_gui.engines.engine_table import engine_spec, resolve_model_path
from metavis_gui.engines.errors import EngineError, EngineNotFound
from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.errors import ModelError
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME

DISTRIBUTION = "metavis-transcribe"


def app_version() -> str:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:  # the packaged app carries no dist-info
        return metavis_gui.__version__


def version_lines() -> list[str]:
    return [
        f"{DISTRIBUTION} {app_version()}",
        _whisper_cpp_line(),
        _default_model_line(),
        f"pocketsphinx {pocketsphinx_version()} (aligner)",
    ]


def _whisper_cpp_line() -> str:
    try:
        binary = locate_whisper_cpp_binary()
    except EngineNotFound as error:
        return f"whisper.cpp: not found. {error}"
    build = "Core ML build" if binary.coreml else "CPU build"
    return f"whisper.cpp {binary.version or 'version unknown'}, {build}: {binary.path} ({binary.origin})"


def _default_model_line() -> str:
    variable = engine_spec(EngineId.WHISPER_CPP).model_variable
    chosen = os.environ.get(variable) if variable else None
    name = f"{chosen} (from {variable})" if chosen else DEFAULT_MODEL_NAME
    try:
        path = resolve_model_path(EngineId.WHISPER_CPP, None)
    except (EngineError, ModelError):
        hint = f"set {variable} to a ggml model file" if chosen else "run: metavis-transcribe models install-default"
        return f"default model {name}: not installed ({hint})"
    return f"default model {name}: installed, {path}"


class VersionAction(argparse.Action):
    """Prints the lines when asked; they are looked up only then, since they touch the disk."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> NoReturn:
        print("\n".join(version_lines()), flush=True)
        parser.exit(0)
