"""A run's output files committed as one unit: all the new versions, or all the old ones.

Every file is first written and fsynced where renaming it into place is atomic: the files of the output
folder in a private staging folder inside it (mode 0700), a file of another folder (the captions beside the
media, maybe on another disk) beside its target. The current versions are kept as hard links (copies where
the disk has none). Only then are the new files renamed over the old ones, the output folder's first and the
others last; a failure at any step renames the kept versions back. A journal in the staging folder says how
far a commit got, so a commit whose process died is rolled back by the next run on that folder. The renames
(and renames back) run under the set's writer lock (`output_set_lock`), so a reader that takes the reader
lock sees the old set or the new one, never a mix.

A commit runs inside its run's task without awaiting, so a cancel (Ctrl-C, SIGTERM, the window's Stop) cannot
reach it at an await: it looks for one between its steps itself, and until the swap starts it stops there,
the old files untouched. A slow disk (a USB stick, a network share) can take seconds to write the set.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import secrets
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from metavis_gui.contract.atomic_write import fsync_directory, write_bytes_atomic
from metavis_gui.contract.output_folder_lock import (
    OutputNotWritable,
    hold_output_folder,
    output_not_writable,
)
from metavis_gui.contract.output_set_lock import swapping_output_set

STAGING_PREFIX = ".metavis-staging-"
JOURNAL_FILE_NAME = "journal.json"
_CREATE_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_UNCHANGED = " The previous files are unchanged."
_active_staging: set[Path] = set()  # this process's commits in progress, never taken for abandoned ones


@dataclass(frozen=True)
class _StagedFile:
    target: Path
    staged: Path
    backup: Path | None  # where the current version is kept; None when there is none to restore


@contextlib.contextmanager
def reserve_output_folder(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock (refusing a second writer at once) and undo commits whose process died."""
    with hold_output_folder(out_dir) as took_the_lock:
        if took_the_lock:
            recover_abandoned_commits(Path(out_dir).absolute())
        yield


def commit_outputs(
    out_dir: Path, files: Mapping[str, bytes], elsewhere: Mapping[Path, bytes] | None = None
) -> list[Path]:
    """Put `files` (names in `out_dir`) and `elsewhere` (full paths) in place as one unit; returns their paths.

    Raises OutputNotWritable (OutputFolderBusy when another run holds the folder) with the old files intact.
    """
    out_dir = Path(out_dir).absolute()
    elsewhere = {Path(path).absolute(): contents for path, contents in (elsewhere or {}).items()}
    with reserve_output_folder(out_dir):
        staging = out_dir / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        _active_staging.add(staging)
        try:
            _create_staging(staging)
            return _commit(staging, out_dir, files, elsewhere)
        except OSError as error:
            raise output_not_writable(_reported_folder(out_dir, error), error, _UNCHANGED) from error
        finally:
            _active_staging.discard(staging)


def _commit(staging: Path, out_dir: Path, files: Mapping[str, bytes], elsewhere: Mapping[Path, bytes]) -> list[Path]:
    tag = staging.name.removeprefix(STAGING_PREFIX)
    planned = [_StagedFile(out_dir / name, staging / "new" / name, staging / "old" / name) for name in files]
    planned += [_StagedFile(path, _beside(path, tag, "new"), _beside(path, tag, "old")) for path in elsewhere]
    contents = [*files.values(), *elsewhere.values()]
    swapped: list[_StagedFile] = []
    undone = True
    try:
        _write_journal(staging, "staging", planned)
        for staged_file, data in zip(planned, contents, strict=True):
            _stop_if_cancelled()
            _write_staged(staged_file, data)
        for folder in dict.fromkeys(staged_file.staged.parent for staged_file in planned):
            _stop_if_cancelled()
            fsync_directory(folder, strict=True)
        kept = [_keep_current_version(staged_file) for staged_file in planned]
        _write_journal(staging, "swapping", kept)
        with swapping_output_set(out_dir):
            _stop_if_cancelled()  # the last moment to stop with nothing swapped; the swap itself is only renames
            try:
                for staged_file in kept:
                    _put_in_place(staged_file)
                    swapped.append(staged_file)
            except BaseException:
                undone = _roll_back(swapped)  # still under the lock: no reader sees part of the new set
                swapped = [] if undone else swapped
                raise
        for folder in dict.fromkeys(staged_file.target.parent for staged_file in kept):
            fsync_directory(folder, strict=True)
        _write_journal(staging, "committed", kept)  # the commit point: from here on, the new set stays
    except BaseException:
        if swapped:
            with swapping_output_set(out_dir):
                undone = _roll_back(swapped)
        raise
    finally:
        if undone:  # else the journal stays, so the next run on this folder can finish undoing it
            _discard(staging, planned)
    return [staged_file.target for staged_file in planned]


def _put_in_place(staged_file: _StagedFile) -> None:
    os.replace(staged_file.staged, staged_file.target)


def _stop_if_cancelled() -> None:
    """Raise CancelledError when the task this commit runs in has been asked to stop (no task: never)."""
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no event loop runs in this thread
        return
    if task is not None and task.cancelling():
        raise asyncio.CancelledError()


def recover_abandoned_commits(out_dir: Path) -> None:
    """Roll back (or finish cleaning) the commits of runs that died; call it holding the folder's lock."""
    for staging in sorted(out_dir.glob(STAGING_PREFIX + "*")):
        if staging in _active_staging or _owner_alive(staging):
            continue
        phase, staged_files = _read_journal(staging)
        if phase == "swapping":
            swapped = [item for item in staged_files if item.backup is not None or not os.path.lexists(item.staged)]
            with swapping_output_set(out_dir):
                undone = _roll_back(swapped)
            if not undone:
                raise OutputNotWritable(
                    f"an interrupted earlier run left {staging} and it could not be undone. Check the files in "
                    f"{out_dir}, then remove {staging}.",
                    out_dir,
                )
        _discard(staging, staged_files)


def _create_staging(staging: Path) -> None:
    try:
        staging.mkdir(mode=0o700)
        (staging / "new").mkdir(mode=0o700)
        (staging / "old").mkdir(mode=0o700)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _beside(target: Path, tag: str, role: str) -> Path:
    return target.with_name(f".{target.name}.metavis-{tag}.{role}")


def _write_staged(staged_file: _StagedFile, data: bytes) -> None:
    # 0o666 under the umask, as a plain new file gets; a replaced file keeps its permissions.
    file_descriptor = os.open(staged_file.staged, _CREATE_NEW, 0o666)
    with os.fdopen(file_descriptor, "wb") as staged:
        with contextlib.suppress(OSError):
            os.fchmod(staged.fileno(), os.stat(staged_file.target).st_mode & 0o7777)
        staged.write(data)
        staged.flush()
        os.fsync(staged.fileno())


def _keep_current_version(staged_file: _StagedFile) -> _StagedFile:
    assert staged_file.backup is not None
    try:
        os.link(staged_file.target, staged_file.backup, follow_symlinks=False)
    except FileNotFoundError:
        return _StagedFile(staged_file.target, staged_file.staged, None)
    except OSError as error:
        if error.errno not in {errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK}:
            raise
        shutil.copy2(staged_file.target, staged_file.backup, follow_symlinks=False)
    return staged_file


def _roll_back(swapped: list[_StagedFile]) -> bool:
    """Put the kept versions back (and remove files that had none), newest first; False if any could not be."""
    undone = True
    for staged_file in reversed(swapped):
        try:
            if staged_file.backup is not None and os.path.lexists(staged_file.backup):
                os.replace(staged_file.backup, staged_file.target)
            elif staged_file.backup is None:
                os.unlink(staged_file.target)
        except FileNotFoundError:
            continue
        except OSError:
            undone = False
    for folder in dict.fromkeys(staged_file.target.parent for staged_file in swapped):
        fsync_directory(folder)
    return undone


def _discard(staging: Path, staged_files: list[_StagedFile]) -> None:
    for staged_file in staged_files:
        for leftover in (staged_file.staged, staged_file.backup):
            if leftover is not None and staging not in leftover.parents:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
    shutil.rmtree(staging, ignore_errors=True)


def _write_journal(staging: Path, phase: str, staged_files: list[_StagedFile]) -> None:
    entries = [
        {
            "target": str(item.target),
            "staged": str(item.staged),
            "backup": None if item.backup is None else str(item.backup),
        }
        for item in staged_files
    ]
    write_bytes_atomic(staging / JOURNAL_FILE_NAME, json.dumps({"phase": phase, "files": entries}).encode())


def _read_journal(staging: Path) -> tuple[str, list[_StagedFile]]:
    """The phase and files of a journal; a missing or unreadable one means nothing was swapped yet."""
    try:
        journal = json.loads((staging / JOURNAL_FILE_NAME).read_bytes())
        staged_files = [
            _StagedFile(
                Path(entry["target"]), Path(entry["staged"]), None if entry["backup"] is None else Path(entry["backup"])
            )
            for entry in journal["files"]
        ]
        return str(journal["phase"]), staged_files
    except (OSError, ValueError, KeyError, TypeError):
        return "unknown", []


def _owner_alive(staging: Path) -> bool:
    owner = staging.name.removeprefix(STAGING_PREFIX).split("-", 1)[0]
    if not owner.isdigit():
        return False
    if int(owner) == os.getpid():
        return False  # not among this process's commits in progress, so left by an earlier one that failed
    try:
        os.kill(int(owner), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _reported_folder(out_dir: Path, error: OSError) -> Path:
    """The folder to name in the message: the output folder for its own (and staged) files, else the other one."""
    if not error.filename:
        return out_dir
    failed = Path(os.fsdecode(error.filename))
    return out_dir if failed == out_dir or out_dir in failed.parents else failed.parent
