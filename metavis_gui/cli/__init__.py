"""metavis-transcribe, the headless command: `transcript generate` (the MetaVis drop-in), `models`, `engines`."""

from typing import NoReturn

from metavis_gui.cli.command import (
    EXIT_FAILED,
    EXIT_INPUT_UNREADABLE,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT_NOT_WRITABLE,
    EXIT_USAGE,
    main,
)
from metavis_gui.process_exit import exit_without_teardown


def run() -> NoReturn:
    """The installed `metavis-transcribe` script: main(), then exit without teardown once it has returned
    (its files are written and closed by then). Usage errors raise SystemExit and exit the usual way."""
    exit_without_teardown(main())


__all__ = [
    "EXIT_FAILED",
    "EXIT_INPUT_UNREADABLE",
    "EXIT_INTERRUPTED",
    "EXIT_OUTPUT_NOT_WRITABLE",
    "EXIT_USAGE",
    "main",
    "run",
]
