"""The `models` and `engines` subcommands of metavis-transcribe."""

from __future__ import annotations

import argparse
import sys

from metavis_gui.engines.engine_availability import EngineAvailability
from metavis_gui.engines.engine_table import describe_engines
from metavis_gui.models.ct2_import import import_ct2_model, install_default_model
from metavis_gui.models.engine_ids import DEFAULT_ENGINE
from metavis_gui.models.errors import ModelError
from metavis_gui.models.model_store import installed_ggml_models


def run_models_command(arguments: argparse.Namespace) -> int:
    try:
        if arguments.models_command == "list":
            models = installed_ggml_models()
            if not models:
                print("No whisper.cpp models installed. Run: metavis-transcribe models download tiny.en")
            for model in models:
                print(f"{model.name:<16} {model.size_bytes / 1_000_000:8.1f} MB  {model.path}")
            return 0
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
