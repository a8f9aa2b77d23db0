"""Private temp folders named after the process that owns them, and the removal of those whose owner is gone.

A run killed outright (SIGKILL, a power cut) cannot remove its folder of decoded audio; the next run does.
A folder is `<prefix><owner pid>-<random>` in the temp folder; it is stale when no process has that pid.
A reused pid keeps a stale folder until that process ends too: never removing a live run's folder matters more.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

TRANSCRIPTION_WORK_PREFIX = "metavis-transcribe-"
_OWNED_FOLDER = re.compile(r"^(?:metavis-transcribe|metavis-timeline|metavis-realign)-(\d+)-")


def make_private_work_dir(prefix: str = TRANSCRIPTION_WORK_PREFIX) -> Path:
    """A new private folder (mode 0700) in the temp folder, named after this process."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def remove_stale_work_dirs(temp_root: Path | None = None) -> list[Path]:
    """Removes this user's work folders whose owner process is gone; returns what was removed."""
    root = Path(temp_root or tempfile.gettempdir())
    removed = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _OWNED_FOLDER.match(entry.name)
        if match is None or not _is_own_folder(entry) or _process_exists(int(match.group(1))):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _is_own_folder(path: Path) -> bool:
    try:
        status = path.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(status.st_mode) and (not hasattr(os, "getuid") or status.st_uid == os.getuid())


def _process_exists(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":
        return True  # on Windows os.kill(pid, 0) would end the process, not ask about it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or a pid this system cannot have: not ours to judge
    return True
