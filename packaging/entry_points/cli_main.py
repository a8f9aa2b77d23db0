"""The packaged app's headless executable (metavis-transcribe): the same entry point as the venv's command."""

import sys

from metavis_gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
