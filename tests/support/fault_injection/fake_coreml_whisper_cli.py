"""A FAKE Core ML whisper-cli: it prints the Core ML lines a WHISPER_COREML build prints, then becomes the real
whisper-cli (exec, same pid), so the words are real. Only a Mac can run a real Core ML build; this injects its
lines on Linux.

The lines are v1.8.5's, src/whisper.cpp, whisper_init_state (lines 3443, 3444, 3448 and 3454 of the tag).
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

_SCRIPT = """#!{python}
import os, sys
real = {real!r}
arguments = sys.argv[1:]
model = arguments[arguments.index("-m") + 1]
audio = arguments[arguments.index("-f") + 1]
encoder = model.removesuffix(".bin") + "-encoder.mlmodelc"
say = lambda line: print(line, file=sys.stderr, flush=True)
with open({units_log!r}, "a", encoding="utf-8") as log:
    log.write(os.environ.get("WHISPER_COREML_COMPUTE_UNITS", "(unset)") + "\\n")
say(f"whisper_init_state: loading Core ML model from '{{encoder}}'")
say("whisper_init_state: first run on a device may take a while ...")
failing = {failing_audio_name!r}
if failing is not None and os.path.basename(audio) == failing:
    say(f"whisper_init_state: failed to load Core ML model from '{{encoder}}'")
else:
    say("whisper_init_state: Core ML model loaded")
os.execv(real, [real, *arguments])
"""


def compute_units_log(folder: Path) -> Path:
    """Where the fake notes, a line a run, the WHISPER_COREML_COMPUTE_UNITS it was given ("(unset)" if none)."""
    return folder / "compute-units.log"


def write_fake_coreml_whisper_cli(folder: Path, real_binary: Path, failing_audio_name: str | None = None) -> Path:
    """The fake, with a build-info.json saying Core ML; Core ML fails to load for audio named failing_audio_name."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fake-coreml-whisper-cli"
    script = _SCRIPT.format(
        python=sys.executable,
        real=str(real_binary),
        failing_audio_name=failing_audio_name,
        units_log=str(compute_units_log(folder)),
    )
    path.write_text(script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    (folder / "build-info.json").write_text(json.dumps({"version": "1.8.5", "coreml": True}), encoding="utf-8")
    return path
