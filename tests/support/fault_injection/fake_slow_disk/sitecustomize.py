"""A fake slow disk, used ONLY to inject a fault: every fsync of a file or folder under the folders named in
METAVIS_FAKE_SLOW_DISK_FOLDERS (os.pathsep between them) first waits METAVIS_FAKE_SLOW_DISK_SECONDS, and
appends the path to METAVIS_FAKE_SLOW_DISK_MARKER, so a test knows the command is writing there.

Python imports it as `sitecustomize` when this folder is on PYTHONPATH (see fake_slow_disk_environment).
A real disk (a USB stick, a network share) can be this slow, but not on demand.
"""

from __future__ import annotations

import os
import time
from typing import IO

_FOLDERS = [folder for folder in os.environ.get("METAVIS_FAKE_SLOW_DISK_FOLDERS", "").split(os.pathsep) if folder]
_SECONDS = float(os.environ.get("METAVIS_FAKE_SLOW_DISK_SECONDS", "0.5"))
_MARKER = os.environ.get("METAVIS_FAKE_SLOW_DISK_MARKER")
_real_fsync = os.fsync


def _path_of(file_descriptor: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{file_descriptor}")
    except OSError:
        return ""


def _slow_fsync(file_descriptor: int | IO[bytes]) -> None:
    number = file_descriptor if isinstance(file_descriptor, int) else file_descriptor.fileno()
    path = _path_of(number)
    if any(path == folder or path.startswith(folder + os.sep) for folder in _FOLDERS):
        if _MARKER:
            with open(_MARKER, "a", encoding="utf-8") as marker:
                marker.write(path + "\n")
        time.sleep(_SECONDS)
    _real_fsync(number)


if _FOLDERS:
    os.fsync = _slow_fsync
