"""The `--engine` option every subcommand shares: an engine id or alias from the engine table."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from metavis_gui.engines.errors import EngineNotFound
from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary
from metavis_gui.models.engine_ids import (
    DEFAULT_ENGINE,
    EngineId,
    UnknownEngine,
    accepted_engine_names,
    engine_id_from_name,
)

# The design note's name for whisper.cpp with its Core ML encoder; any whisper.cpp build answers to it.
COREML_ALIAS = "whispercpp-coreml"


class _EngineAction(argparse.Action):
    """Stores the engine's id as `engine` and the name it was asked for (an alias, maybe) as `engine_name`."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        try:
            engine = engine_id_from_name(str(values))
        except UnknownEngine as error:
            raise argparse.ArgumentError(self, str(error)) from None
        setattr(namespace, self.dest, engine)
        namespace.engine_name = str(values)


def add_engine_option(parser: argparse.ArgumentParser, default: EngineId | None = DEFAULT_ENGINE) -> None:
    default_text = f"default: {default}" if default else "default: every engine"
    parser.add_argument(
        "--engine",
        action=_EngineAction,
        default=default,
        metavar="ENGINE",
        help=f"{' | '.join(accepted_engine_names())} ({default_text})",
    )
    parser.set_defaults(engine_name=default.value if default else None)


def coreml_fallback_notice(engine_name: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """What to say when whispercpp-coreml was asked for and the whisper.cpp found here has no Core ML."""
    if engine_name != COREML_ALIAS:
        return None
    try:
        binary = locate_whisper_cpp_binary(environ)
    except EngineNotFound:
        return None  # the run itself says that whisper.cpp is missing
    if binary.coreml:
        return None
    return f"{COREML_ALIAS}: {binary.path} is a CPU build of whisper.cpp (no Core ML), so it runs on the CPU"
