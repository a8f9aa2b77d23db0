import sys

from metavis_gui.cli.command import main

sys.exit(main())
