"""Ctrl-C on the installed command: the real engine dies, temp files go, nothing partial is written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("engine_ready")


def whisper_cli_processes_using(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command_line = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
                state = (entry / "stat").read_text().split()[2]
            except OSError:
                continue
            if marker in command_line and "whisper-cli" in command_line and state != "Z":
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find the engine process")
def test_ctrl_c_kills_the_engine_and_writes_nothing(tmp_path: Path, long_speech_wav: Path) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    out_dir = tmp_path / "out"
    command = [
        sys.executable, "-m", "metavis_gui.cli.command", "transcript", "generate",
        "--input", str(long_speech_wav), "--out", str(out_dir), "--threads", "1",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(private_tmp)}
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("transcribing"):
            break
    else:
        pytest.fail(f"the command ended before transcribing: exit {process.wait()}")
    deadline = time.monotonic() + 10
    while not whisper_cli_processes_using(str(private_tmp)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert whisper_cli_processes_using(str(private_tmp)), "whisper-cli should be running now"

    process.send_signal(signal.SIGINT)
    remaining_output = process.communicate(timeout=10)[1]
    assert process.returncode == 130, remaining_output
    assert "cancelled" in remaining_output
    assert whisper_cli_processes_using(str(private_tmp)) == []
    assert list(private_tmp.iterdir()) == [], "the decoded audio must be removed"
    assert not out_dir.exists()
