"""metavis-transcribe, the headless command: `transcript generate` (the MetaVis drop-in), `models`, `engines`."""

from metavis_gui.cli.command import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, main

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_USAGE", "main"]
