"""metavis-transcribe, the headless command: `transcript generate` (the MetaVis drop-in), `models`, `engines`."""

from metavis_gui.cli.command import (
    EXIT_FAILED,
    EXIT_INPUT_UNREADABLE,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT_NOT_WRITABLE,
    EXIT_USAGE,
    main,
)

__all__ = ["EXIT_FAILED", "EXIT_INPUT_UNREADABLE", "EXIT_INTERRUPTED", "EXIT_OUTPUT_NOT_WRITABLE", "EXIT_USAGE", "main"]
