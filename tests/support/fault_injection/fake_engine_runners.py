"""Fake Python interpreters used ONLY to inject faults into the job runner through the Python engines' adapters.

The openai-whisper and faster-whisper adapters start `<python> -m <runner module> ... --output PATH`; a
fake put in place of that python ignores the module and misbehaves in the runners' line protocol (crash,
hang, garbage output, an error line with exit code 0). Every working path in the suite runs the real runner;
these exist because a real engine cannot be made to crash or hang on demand.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path

_PRELUDE = f"""#!{sys.executable}
import os, signal, sys, time
arguments = sys.argv[1:]
output_path = arguments[arguments.index("--output") + 1]
print("fake runner pid", os.getpid(), file=sys.stderr, flush=True)
"""

FAKE_RUNNER_BODIES = {
    "crashing": """
print("progress =  10%", file=sys.stderr, flush=True)
os.kill(os.getpid(), signal.SIGSEGV)
""",
    "hanging": """
print("progress =   0%", file=sys.stderr, flush=True)
time.sleep(3600)
""",
    "garbage-writing": """
print("[00:00:00.000 --> 00:00:02.000]  And so", flush=True)
with open(output_path, "w") as handle:
    handle.write("{ this is not JSON ]")
""",
    "error-printing": """
print("error: the audio could not be read: ffmpeg vanished", file=sys.stderr, flush=True)
""",
}


def write_fake_runner_python(folder: Path, behaviour: str) -> Path:
    path = folder / f"fake-runner-python-{behaviour}"
    path.write_text(_PRELUDE + FAKE_RUNNER_BODIES[behaviour], encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path
