"""The `models` and `engines` subcommands of metavis-transcribe."""

from __future__ import annotations

import argparse
import sys

from metavis_gui.engines.errors import EngineError
from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary
from metavis_gui.models.ct2_import import import_ct2_model, install_default_model
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
    try:
        binary = locate_whisper_cpp_binary()
    except EngineError as error:
        print(f"whisper.cpp  unavailable: {error}")
        return 1
    acceleration = "Core ML encoder support" if binary.coreml else "CPU"
    print(f"whisper.cpp  {binary.version or 'unknown version'}  {acceleration}  {binary.path} ({binary.origin})")
    return 0
