"""A timeline editor in a child process, killed mid-session: where the crash-recovery tests start from.

The child opens the transcript folder it is given in a real (offscreen) timeline window, runs the test's
`edits` (Python, with `window`, `editor`, `transcript`, `selection`, `report_words(marker)` and
`sleep_until_killed()` in scope), and must print one `report_words` line; the parent then kills it with
SIGKILL: no autosave, no close, no clean-up, as in a crash.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tests.conftest import REPO_ROOT

CHILD_TIMEOUT_SECONDS = 60

CHILD_PREAMBLE = r"""
import asyncio, os, sys
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from metavis_gui.ui.qt_event_loop import QtAsyncioLoop
application = QApplication([])
loop = QtAsyncioLoop(application)
asyncio.set_event_loop(loop)
from metavis_gui.contract import serialize_word_records
from metavis_gui.ui.timeline import open_timeline

window = open_timeline(Path(sys.argv[1]))
editor, transcript, selection = window.editor, window.document.transcript, window.document.selection

def report_words(marker):
    print(marker + " " + serialize_word_records(window.document.records()).hex(), flush=True)

def sleep_until_killed():
    loop.run_until_complete(asyncio.sleep(3600))
"""


def run_editor_until_killed(
    transcript_folder: Path,
    edits: str,
    marker: str,
    environment: dict[str, str] | None = None,
    extra_arguments: Sequence[str] = (),
) -> bytes:
    """Run `edits` in a child editor on `transcript_folder` (sys.argv[1]; `extra_arguments` follow it), kill it
    once it reported; the words it reported."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD_PREAMBLE + edits, str(transcript_folder), *extra_arguments],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO_ROOT,
        env=dict(os.environ) if environment is None else environment,
    )  # fmt: skip
    assert child.stdout is not None
    try:
        deadline = time.monotonic() + CHILD_TIMEOUT_SECONDS
        buffered = b""
        while b"\n" not in buffered:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"the child never printed {marker}"
            ready, _, _ = select.select([child.stdout], [], [], remaining)
            if ready:
                chunk = os.read(child.stdout.fileno(), 1 << 16)
                assert chunk, f"the child ended early with {child.poll()}"
                buffered += chunk
        line = buffered.split(b"\n", 1)[0].decode()
        assert line.startswith(marker + " "), line
        return bytes.fromhex(line.split(" ", 1)[1])
    finally:
        child.send_signal(signal.SIGKILL)  # a crash: no autosave, no close, no clean-up
        child.wait(10)
