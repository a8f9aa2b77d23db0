"""Fake aligner programs used ONLY to inject faults (crash, hang, an error) into the pipeline's align stage.

Every working path runs the real aligner (metavis_gui.align.alignment_runner); a real one cannot be made to
crash or hang on demand.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path

_PRELUDE = f"""#!{sys.executable}
import os, signal, sys, time
print("progress =  10%", file=sys.stderr, flush=True)
"""

FAKE_ALIGNER_BODIES = {
    "crashing": "os.kill(os.getpid(), signal.SIGSEGV)\n",
    "hanging": "time.sleep(3600)\n",
    "failing": 'print("error: alignment failed: the fake says no", file=sys.stderr, flush=True)\nsys.exit(10)\n',
}


def write_fake_aligner(folder: Path, behaviour: str) -> Path:
    path = folder / f"fake-aligner-{behaviour}"
    path.write_text(_PRELUDE + FAKE_ALIGNER_BODIES[behaviour], encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path
