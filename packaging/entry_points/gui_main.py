"""The packaged app's GUI executable (metavis-gui): the same entry point as the venv's metavis-gui."""

import sys

from metavis_gui.app import main

if __name__ == "__main__":
    sys.exit(main())
