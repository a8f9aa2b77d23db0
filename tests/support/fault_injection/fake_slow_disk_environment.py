"""The environment that gives a child Python process the fake slow disk (fake_slow_disk/sitecustomize.py)."""

from __future__ import annotations

import os
from pathlib import Path

FAKE_SLOW_DISK_FOLDER = Path(__file__).with_name("fake_slow_disk")


def fake_slow_disk_environment(slow_folders: list[Path], seconds: float, marker: Path) -> dict[str, str]:
    """Each fsync under `slow_folders` waits `seconds` and is listed in `marker`; nothing else changes."""
    python_path = [str(FAKE_SLOW_DISK_FOLDER), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {
        "PYTHONPATH": os.pathsep.join(python_path),
        "METAVIS_FAKE_SLOW_DISK_FOLDERS": os.pathsep.join(str(folder.resolve()) for folder in slow_folders),
        "METAVIS_FAKE_SLOW_DISK_SECONDS": str(seconds),
        "METAVIS_FAKE_SLOW_DISK_MARKER": str(marker),
    }
