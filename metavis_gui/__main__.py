import sys

from metavis_gui.app import main

sys.exit(main())
