"""Replace a file all at once, so a reader never sees half a transcript."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

_CREATE_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temp file in the same folder and os.replace.

    On any failure the temp file is removed and an existing `path` is untouched.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    path = Path(path)
    temp_path, file_descriptor = _create_temp_beside(path)
    try:
        with os.fdopen(file_descriptor, "wb") as temp_file:
            _keep_existing_permissions(path, temp_file.fileno())
            temp_file.write(data)
            temp_file.flush()
            os.fsync(temp_file.fileno())
        os.replace(temp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_path)
        raise
    fsync_directory(path.parent)


def _create_temp_beside(path: Path) -> tuple[Path, int]:
    # os.open with 0o666 (not mkstemp's 0o600) so the result gets the usual umask permissions.
    for _ in range(100):
        temp_path = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return temp_path, os.open(temp_path, _CREATE_NEW, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file beside {path}")


def _keep_existing_permissions(path: Path, file_descriptor: int) -> None:
    if not hasattr(os, "fchmod"):
        return
    try:
        existing_mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return
    os.fchmod(file_descriptor, existing_mode)


def fsync_directory(directory: Path, *, strict: bool = False) -> None:
    """Make a rename in `directory` durable; errors are ignored unless `strict` (Windows cannot, whatever it asks)."""
    try:
        directory_descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        if strict and os.name != "nt":
            raise
        return
    try:
        os.fsync(directory_descriptor)
    except OSError:
        if strict:
            raise
    finally:
        os.close(directory_descriptor)
