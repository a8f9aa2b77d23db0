"""One writer at a time per output folder: an flock on a lock file inside it, refused at once when taken.

A run takes the lock before any work, so a second run on the same folder is told within a second instead of
mixing its files with the first one's. The lock is per open file, so two runs in one process exclude each
other too; only code running inside the holder's own context (the same task or thread) passes through.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from metavis_gui.contract.errors import ContractError

try:
    import fcntl
except ImportError:  # Windows: no flock; runs are not locked there.
    fcntl = None  # type: ignore[assignment]

LOCK_FILE_NAME = ".metavis-transcribe.lock"
_LOCKING_UNSUPPORTED = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL}
_READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}
_FULL = {errno.ENOSPC, errno.EDQUOT}

# The folders (device, inode) whose lock the current task or thread holds.
_HELD_FOLDERS: ContextVar[frozenset[tuple[int, int]]] = ContextVar("metavis_held_output_folders", default=frozenset())


class OutputNotWritable(ContractError):
    """The output folder (or the folder beside the media) cannot take the files; the message says the fix."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class OutputFolderBusy(OutputNotWritable):
    """Another run (another process, or another job of this one) is writing to the same folder."""

    def __init__(self, folder: Path, holder_pid: int | None) -> None:
        holder = f"process {holder_pid}" if holder_pid else "another process"
        super().__init__(
            f"the output folder {folder} is busy: {holder} is writing a transcript to it. "
            "Wait for that run to finish, or choose another --out folder.",
            folder,
        )
        self.holder_pid = holder_pid


def output_not_writable(folder: Path, error: OSError, unchanged: str = "") -> OutputNotWritable:
    """The OSError of a write into `folder`, as a message that names the folder and the fix."""
    if error.errno in _READ_ONLY:
        fix = f"the folder is read-only. Make it writable (chmod u+w {folder}), or choose another folder."
    elif error.errno in _FULL:
        fix = "no space is left on its disk. Free some space, or choose a folder on another disk."
    else:
        fix = f"{error.strerror or error} ({error.filename or folder}). Check the folder, or choose another one."
    return OutputNotWritable(f"cannot write to {folder}: {fix}{unchanged}", folder)


@contextlib.contextmanager
def hold_output_folder(out_dir: Path) -> Iterator[bool]:
    """Create `out_dir` if needed and hold its lock; yields True when this call took it (False: already held here).

    On release, a folder this call created is removed again when nothing was written into it.
    """
    out_dir = Path(out_dir).absolute()
    created_below = _nearest_existing(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as error:
        raise OutputNotWritable(
            f"cannot write to {out_dir}: {_nearest_existing(out_dir)} is a file, not a folder. Choose a folder.",
            out_dir,
        ) from error
    except OSError as error:
        raise output_not_writable(_nearest_existing(out_dir), error) from error
    folder_key = _key(out_dir)
    held = _HELD_FOLDERS.get()
    if folder_key in held:
        yield False
        return
    lock_descriptor = _take_lock(out_dir)
    token = _HELD_FOLDERS.set(held | {folder_key})
    try:
        yield True
    finally:
        _HELD_FOLDERS.reset(token)
        _release_lock(out_dir, lock_descriptor)
        _remove_if_empty(out_dir, created_below)


def _take_lock(out_dir: Path) -> int | None:
    lock_path = out_dir / LOCK_FILE_NAME
    for _ in range(20):
        try:
            lock_descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise OutputNotWritable(
                    f"cannot write to {out_dir}: {lock_path} is a symbolic link. Remove it and run again.", out_dir
                ) from error
            raise output_not_writable(out_dir, error) from error
        if fcntl is None:
            return lock_descriptor
        try:
            fcntl.flock(lock_descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder_pid(lock_descriptor)
            os.close(lock_descriptor)
            raise OutputFolderBusy(out_dir, holder) from None
        except OSError as error:
            if error.errno in _LOCKING_UNSUPPORTED:  # some network folders: write unlocked rather than not at all
                return lock_descriptor
            os.close(lock_descriptor)
            raise output_not_writable(out_dir, error) from error
        if _still_the_lock_file(lock_descriptor, lock_path):
            _record_holder(lock_descriptor)
            return lock_descriptor
        os.close(lock_descriptor)  # the holder before us removed the file as we opened it: lock the new one
    raise OutputFolderBusy(out_dir, None)


def _still_the_lock_file(lock_descriptor: int, lock_path: Path) -> bool:
    try:
        on_disk = os.stat(lock_path, follow_symlinks=False)
    except OSError:
        return False
    held = os.fstat(lock_descriptor)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _record_holder(lock_descriptor: int) -> None:
    with contextlib.suppress(OSError):
        os.ftruncate(lock_descriptor, 0)
        os.pwrite(lock_descriptor, f"{os.getpid()}\n".encode(), 0)


def _holder_pid(lock_descriptor: int) -> int | None:
    try:
        text = os.pread(lock_descriptor, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _release_lock(out_dir: Path, lock_descriptor: int | None) -> None:
    if lock_descriptor is None:
        return
    # Removed while still locked, so a waiter that opened the old file sees it gone and locks a new one.
    with contextlib.suppress(OSError):
        os.unlink(out_dir / LOCK_FILE_NAME)
    os.close(lock_descriptor)


def _remove_if_empty(out_dir: Path, existing_before: Path) -> None:
    for folder in (out_dir, *out_dir.parents):
        if existing_before not in folder.parents:
            return
        try:
            folder.rmdir()
        except OSError:
            return


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor)


def _key(folder: Path) -> tuple[int, int]:
    status = os.stat(folder)
    return status.st_dev, status.st_ino
