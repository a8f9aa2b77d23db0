"""A reader/writer lock on a run's output set: a reader that takes it sees one commit's files, never two.

A commit renames its files into the output folder one by one (`output_commit`), so between two renames the
folder holds new words beside the old summary. The commit holds an exclusive flock while it renames (and
while it renames back on a failure), for milliseconds; `reading_output_set` holds a shared one while its
caller reads the words file, the summary and the captions. Readers never wait for a whole run: the writer's
lock of the whole run (`output_folder_lock`) is another lock and readers ignore it.

The lock is taken on the output folder itself (an open descriptor of the directory), not on a file in it,
so a reader creates nothing in a folder it only reads (a read-only folder or disk works as before), no lock
file is left beside the transcript, and the folder keeps its inode (a swap of whole folders would leave a
shell whose current folder is --out in a deleted one).

Who sees one set: the window (it opens a transcript so) and any program that flocks the folder, e.g.
`flock -s OUT cat OUT/transcript.words.v1.jsonl OUT/transcript.summary.v1.json`. A program that reads the
files by path without the lock can still read the words of one commit and the summary of the next: no way
of writing prevents that for two reads, by path, one after the other.

Neither side ever fails because of the lock: where flock is missing or refused (Windows, some network
folders) both go on unlocked, and a side that still finds the lock taken after `PATIENCE_SECONDS` (its
holder stopped in a debugger, say) goes on unlocked rather than hang the run or the window.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; sets are read and written unlocked there.
    fcntl = None  # type: ignore[assignment]

PATIENCE_SECONDS = 10.0
_FIRST_WAIT_SECONDS = 0.0005
_LONGEST_WAIT_SECONDS = 0.01
_OPEN_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


@contextlib.contextmanager
def reading_output_set(out_dir: Path) -> Iterator[None]:
    """Read `out_dir`'s words, summary and captions inside this block: they are all of one commit."""
    with _folder_locked(Path(out_dir), shared=True):
        yield


@contextlib.contextmanager
def swapping_output_set(out_dir: Path) -> Iterator[None]:
    """Rename a commit's files into `out_dir` inside this block; readers wait until it ends."""
    with _folder_locked(Path(out_dir), shared=False):
        yield


@contextlib.contextmanager
def _folder_locked(folder: Path, shared: bool) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    try:
        folder_descriptor = os.open(folder, _OPEN_FOLDER)
    except OSError:  # missing, or not ours to open: the reads (or renames) report it themselves
        yield
        return
    try:
        _lock_patiently(folder_descriptor, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder_descriptor)  # closing the only descriptor of this open folder releases its lock


def _lock_patiently(folder_descriptor: int, operation: int) -> bool:
    """Take the lock, waiting at most PATIENCE_SECONDS; False when going on without it."""
    assert fcntl is not None
    deadline = time.monotonic() + PATIENCE_SECONDS
    wait = _FIRST_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(folder_descriptor, operation | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
        except OSError:  # no flock here (EBADF, ENOLCK, EOPNOTSUPP on some network folders)
            return False
        time.sleep(wait)
        wait = min(wait * 2, _LONGEST_WAIT_SECONDS)
