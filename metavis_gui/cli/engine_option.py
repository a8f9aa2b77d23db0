"""The `--engine` option every subcommand shares: an engine id or alias from the engine table."""

from __future__ import annotations

import argparse

from metavis_gui.models.engine_ids import (
    DEFAULT_ENGINE,
    EngineId,
    UnknownEngine,
    accepted_engine_names,
    engine_id_from_name,
)


def engine_argument(text: str) -> EngineId:
    try:
        return engine_id_from_name(text)
    except UnknownEngine as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_engine_option(parser: argparse.ArgumentParser, default: EngineId | None = DEFAULT_ENGINE) -> None:
    default_text = f"default: {default}" if default else "default: every engine"
    parser.add_argument(
        "--engine",
        type=engine_argument,
        default=default,
        metavar="ENGINE",
        help=f"{' | '.join(accepted_engine_names())} ({default_text})",
    )
