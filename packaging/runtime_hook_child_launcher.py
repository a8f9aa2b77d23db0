"""PyInstaller runtime hook, run first: each of the bundle's executables is also its children's launcher.

`metavis-gui _child-launcher KIND PID PROGRAM...` (and `metavis-transcribe ...` alike) becomes PROGRAM here,
before the other runtime hooks import Qt (PySide6's hook) or ssl (runtime_hook_certificates.py): a launcher
must start in milliseconds. Any other command line passes on to the app. See metavis_gui/jobs/child_lifetime.py.
"""

import sys

from metavis_gui.jobs.child_lifetime import run_frozen_launcher

run_frozen_launcher(sys.argv)
