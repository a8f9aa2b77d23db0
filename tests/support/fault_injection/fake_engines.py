"""Fake whisper-cli programs used ONLY to inject faults (crash, hang, garbage output) into the job runner.

Every working path in the suite runs the real whisper-cli; these exist because a real engine cannot be
made to crash or hang on demand.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path

_PRELUDE = f"""#!{sys.executable}
import os, signal, sys, time
arguments = sys.argv[1:]
output_base = arguments[arguments.index("-of") + 1] if "-of" in arguments else None
print("fake pid", os.getpid(), file=sys.stderr, flush=True)
"""

FAKE_ENGINE_BODIES = {
    "crashing": """
print("whisper_print_progress_callback: progress =  10%", file=sys.stderr, flush=True)
os.kill(os.getpid(), signal.SIGSEGV)
""",
    "hanging": """
print("whisper_print_progress_callback: progress =   5%", file=sys.stderr, flush=True)
time.sleep(3600)
""",
    "garbage-writing": """
with open(output_base + ".json", "w") as handle:
    handle.write("{ this is not JSON ]")
""",
    "error-printing": """
print("error: failed to read audio file 'x.wav'", file=sys.stderr, flush=True)
""",
}


def write_fake_engine(folder: Path, behaviour: str) -> Path:
    path = folder / f"fake-whisper-cli-{behaviour}"
    path.write_text(_PRELUDE + FAKE_ENGINE_BODIES[behaviour], encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path
