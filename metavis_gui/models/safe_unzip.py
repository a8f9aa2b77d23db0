"""Unzip a downloaded folder (a Core ML encoder) into the model store, safely and atomically.

Refused before anything is written: entries that would land outside the store (`../`, absolute paths,
drive letters), symlinks and other special files, and archives whose top level is not exactly the
expected folder. Extraction goes to a hidden temporary folder beside the target and is renamed into
place only once every file is out and its CRC checked, so a failure leaves nothing half-installed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from metavis_gui.contract.atomic_write import fsync_directory
from metavis_gui.models.errors import ModelImportError

# macOS's zip adds resource forks under this folder; they are not part of the bundle.
_IGNORED_TOP_LEVEL = "__MACOSX"
_COPY_CHUNK_BYTES = 1 << 20


class UnsafeArchive(ModelImportError):
    """An archive with an entry that would escape its folder, or a link or device file."""


class ArchiveInvalid(ModelImportError):
    """Not a zip, damaged, or not laid out as the expected folder."""


def safe_unzip(
    archive: Path,
    parent_dir: Path,
    top_level: str,
    *,
    required_files: Sequence[str] = (),
    cancelled: Callable[[], bool] = lambda: False,
) -> Path:
    """Extract `archive`, which must hold exactly the folder `top_level`, to `parent_dir / top_level`."""
    archive, parent_dir = Path(archive), Path(parent_dir)
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = _checked_members(archive, bundle, top_level, required_files)
            _check_free_space(parent_dir, members)
            parent_dir.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{top_level}.", suffix=".unzipping", dir=parent_dir))
            try:
                for member, relative in members:
                    if cancelled():
                        raise InterruptedError(f"{archive}: unpacking cancelled.")
                    _extract_one(bundle, member, staging / relative)
                return _move_into_place(staging / top_level, parent_dir / top_level)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except zipfile.BadZipFile as error:
        raise ArchiveInvalid(archive, f"{archive}: not a readable zip archive ({error}). Download it again.") from None


def _checked_members(
    archive: Path, bundle: zipfile.ZipFile, top_level: str, required_files: Sequence[str]
) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    members: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    for member in bundle.infolist():
        relative = _safe_relative_path(archive, member)
        if relative is None:
            continue
        if relative.parts[0] != top_level:
            raise ArchiveInvalid(
                archive, f"{archive}: holds '{member.filename}', outside the expected folder '{top_level}'."
            )
        members.append((member, relative))
    names = {relative.relative_to(top_level).as_posix() for member, relative in members if not member.is_dir()}
    missing = [name for name in required_files if name not in names]
    if not members or missing:
        raise ArchiveInvalid(
            archive, f"{archive}: not a complete '{top_level}' folder (missing {missing or [top_level]})."
        )
    return members


def _safe_relative_path(archive: Path, member: zipfile.ZipInfo) -> PurePosixPath | None:
    """The entry's path inside the target folder, None for entries to skip; refuses anything else."""
    name = member.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
        raise UnsafeArchive(
            archive, f"{archive}: refused: entry '{member.filename}' would be written outside its folder."
        )
    # Unix tools keep the file type in the high bits; many others leave it 0, which means a plain file.
    file_type = stat.S_IFMT(member.external_attr >> 16)
    if file_type not in (0, stat.S_IFREG, stat.S_IFDIR):
        kind = "a symbolic link" if file_type == stat.S_IFLNK else "a special file"
        raise UnsafeArchive(archive, f"{archive}: refused: entry '{member.filename}' is {kind}.")
    parts = [part for part in path.parts if part not in ("", ".")]
    if not parts or parts[0] == _IGNORED_TOP_LEVEL:
        return None
    return PurePosixPath(*parts)


def _check_free_space(parent_dir: Path, members: list[tuple[zipfile.ZipInfo, PurePosixPath]]) -> None:
    needed = sum(member.file_size for member, _ in members)
    probe = parent_dir if parent_dir.exists() else parent_dir.parent
    free = needed
    with contextlib.suppress(OSError):
        free = shutil.disk_usage(probe).free
    if free < needed:
        raise OSError(errno.ENOSPC, f"unpacking needs {needed} bytes, {free} are free", str(parent_dir))


def _extract_one(bundle: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path) -> None:
    if member.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    # Reading to the end makes zipfile check the CRC, so a damaged entry raises BadZipFile here.
    with bundle.open(member) as source, target.open("wb") as output:
        shutil.copyfileobj(source, output, _COPY_CHUNK_BYTES)
        output.flush()
        os.fsync(output.fileno())


def _move_into_place(extracted: Path, destination: Path) -> Path:
    if destination.exists():
        # A directory rename cannot replace a non-empty one: move the old one aside first.
        retired = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", suffix=".old", dir=destination.parent))
        os.replace(destination, retired / destination.name)
        os.replace(extracted, destination)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(extracted, destination)
    fsync_directory(destination.parent)
    return destination
