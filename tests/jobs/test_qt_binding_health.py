"""The pinned Qt binding survives the call volume a painting timeline makes.

PySide6 6.12.0 on CPython 3.11 lost a reference to None on every void call and aborted the
process after a few thousand; this runs in a child so such a crash fails one test, not the run.
"""

from __future__ import annotations

import os
import subprocess
import sys

VOID_CALLS = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
application = QApplication([])
widget = QWidget()
before = sys.getrefcount(None)
for _ in range(50_000):
    widget.update()
print(before - sys.getrefcount(None))
"""


def test_void_calls_do_not_leak_references_to_none() -> None:
    result = subprocess.run(
        [sys.executable, "-c", VOID_CALLS],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert abs(int(result.stdout.strip())) < 100, result.stdout


def test_the_player_module_is_installed() -> None:
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

    assert QMediaPlayer is not None and QAudioOutput is not None
