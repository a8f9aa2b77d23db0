"""The `models` and `engines` subcommands of metavis-transcribe."""

from __future__ import annotations

import argparse
import sys

from metavis_gui.engines.engine_availability import EngineAvailability
from metavis_gui.engines.engine_table import describe_engines
from metavis_gui.engines.model_availability import describe_models
from metavis_gui.models.ct2_import import import_ct2_model, install_default_model
from metavis_gui.models.engine_ids import DEFAULT_ENGINE, EngineId
from metavis_gui.models.errors import ModelError


def run_models_command(arguments: argparse.Namespace) -> int:
    try:
        if arguments.models_command == "list":
            return _list_installed(arguments.engine)
        if arguments.models_command == "import-ct2":
            path = import_ct2_model(arguments.source, name=arguments.name)
        elif arguments.models_command == "install-default-openai-whisper":
            from metavis_gui.models.ct2_to_openai_whisper import install_default_openai_whisper_model

            path = install_default_openai_whisper_model()
        else:
            path = install_default_model()
    except ModelError as error:
        print(f"metavis-transcribe: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0


def _list_installed(engine: EngineId) -> int:
    """The engine's installed models, one a line; a hint to download one when there are none."""
    rows = [(model.name, model.size_bytes, model.path) for model in describe_models(engine=engine) if model.installed]
    if not rows:
        print(f"No {engine} models installed. Run: metavis-transcribe models download tiny.en --engine {engine}")
    for name, size_bytes, path in rows:
        size = f"{size_bytes / 1_000_000:8.1f} MB" if size_bytes is not None else "         ?"
        print(f"{name:<16} {size}  {path}")
    return 0


def print_engines() -> int:
    """Every engine of the table, in its order; 1 when the default engine cannot run."""
    engines = describe_engines(available_first=False)
    width = max(len(engine.display_name) for engine in engines)
    for engine in engines:
        print(f"{engine.display_name:<{width}}  {_engine_state(engine)}")
    default = next(engine for engine in engines if engine.name == DEFAULT_ENGINE)
    return 0 if default.available else 1


def _engine_state(engine: EngineAvailability) -> str:
    if not engine.available:
        return f"unavailable: {engine.reason}"
    found_at = f"  {engine.location} ({engine.origin})" if engine.location else ""
    return f"available: {engine.details}{found_at}"
