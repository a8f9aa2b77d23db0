"""The model manager's arguments (`models available | download | delete | import-ggml`), apart from the code
that runs them: every start of the command builds this parser, and only these few imports are paid for it."""

from __future__ import annotations

import argparse
from pathlib import Path

from metavis_gui.cli.engine_option import add_engine_option
from metavis_gui.models.download_defaults import DEFAULT_TIMEOUT_SECONDS, MIRROR_VARIABLE

MODEL_MANAGER_COMMANDS = frozenset({"available", "download", "delete", "import-ggml"})


def add_model_manager_commands(model_commands: argparse._SubParsersAction) -> None:
    available = model_commands.add_parser("available", help="every downloadable model: size, installed, location")
    add_engine_option(available, default=None)
    available.add_argument("--all", action="store_true", help="list Core ML encoders on any machine, not only a Mac")

    download = model_commands.add_parser("download", help="download, verify and install a model (resumable)")
    download.add_argument("name", help="a model name such as tiny.en, base, large-v3-turbo")
    add_engine_option(download)
    download.add_argument("--coreml-encoder", action="store_true", help="the Core ML encoder of NAME (Apple Silicon)")
    download.add_argument(
        "--mirror", metavar="URL", default=None, help=f"download from here (or set {MIRROR_VARIABLE})"
    )
    download.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS, help="seconds before giving up")

    delete = model_commands.add_parser("delete", help="delete an installed model and any unfinished download")
    delete.add_argument("name")
    add_engine_option(delete)

    import_ggml = model_commands.add_parser("import-ggml", help="check a whisper.cpp ggml file and copy it in")
    import_ggml.add_argument("source", type=Path)
    import_ggml.add_argument("--name", default=None, help="model name to install as (inferred when omitted)")
