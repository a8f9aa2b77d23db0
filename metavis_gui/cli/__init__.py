"""metavis-transcribe, the headless command: `transcript generate` (the MetaVis drop-in), `models`, `engines`."""

from metavis_gui.cli.command import main

__all__ = ["main"]
