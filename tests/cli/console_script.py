"""Running the installed `metavis-transcribe` console script as a script would, and reading what it says."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from metavis_gui.cli.json_events import GENERATE_EVENT, GenerateEvent
from tests.conftest import JFK_WAV, copy_to, run_ffmpeg

CONSOLE_SCRIPT = Path(sys.executable).with_name("metavis-transcribe")
GENERATE = ("transcript", "generate")
# For tests about arguments rather than words: a short stretch and no alignment keep a run to seconds.
QUICK = ("--align", "off", "--max-seconds", "3")


def run_command(
    *arguments: str | Path,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
    timeout: float = 240,
) -> subprocess.CompletedProcess[str]:
    assert CONSOLE_SCRIPT.is_file(), f"the console script is not installed: {CONSOLE_SCRIPT} (run scripts/setup)"
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *map(str, arguments)],
        cwd=cwd,
        env={**os.environ, **(environ or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def jfk_copy(folder: Path, name: str = "jfk.wav") -> Path:
    """The JFK speech where a test may write beside it: adjacent captions are on by default."""
    return copy_to(JFK_WAV, folder / name)


def silence(folder: Path, name: str = "room tone.wav") -> Path:
    """Two seconds of digital silence: the engine is skipped, so a run checks arguments and writing in a second."""
    folder.mkdir(parents=True, exist_ok=True)
    run_ffmpeg("-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "2", str(folder / name))
    return folder / name


def events_of(stdout: str) -> list[GenerateEvent]:
    """Each stdout line as an event; fails on any line that is not one."""
    return [GENERATE_EVENT.validate_json(line) for line in stdout.splitlines()]


def stderr_lines_naming(stderr: str, text: str) -> list[str]:
    return [line for line in stderr.splitlines() if text in line]


@contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """`folder` unwritable for this process; root ignores permissions, so for root it is made immutable too."""
    folder.chmod(0o555)
    immutable = os.geteuid() == 0
    try:
        if immutable:
            chattr = shutil.which("chattr")
            made = chattr is not None and subprocess.run([chattr, "+i", str(folder)], check=False).returncode == 0
            if not made:
                pytest.skip("running as root without chattr +i, so no folder is read-only here")
        assert not os.access(folder, os.W_OK)
        yield folder
    finally:
        if immutable and shutil.which("chattr"):
            subprocess.run(["chattr", "-i", str(folder)], check=False)
        folder.chmod(0o755)
