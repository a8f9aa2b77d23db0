"""Whether the command can write where it is asked to, told before any work starts.

A transcription can take many minutes; finding out at the end that `--out` cannot be written wastes them.
The check creates nothing: it looks at the nearest folder that exists, which is where the first new
folder or file would go.
"""

from __future__ import annotations

import os
from pathlib import Path

from metavis_gui.contract.transcript_bundle import adjacent_captions_path


def output_folder_problem(out_dir: Path) -> str | None:
    """Why `out_dir` (created with its parents when missing) cannot hold the transcript files, or None."""
    out_dir = out_dir.absolute()
    existing = _nearest_existing(out_dir)
    if not existing.is_dir():
        return (
            f"cannot write to --out {out_dir}: {existing} is a file, not a folder. "
            "Choose a folder for --out (it is created when missing)."
        )
    if not _writable(existing):
        return (
            f"cannot write to --out {out_dir}: the folder {existing} is read-only. "
            f"Choose another --out folder, or make {existing} writable (chmod u+w {existing})."
        )
    return None


def adjacent_captions_problem(media_path: Path) -> str | None:
    """Why `<media stem>.captions.vtt` cannot be written beside the media, or None."""
    captions = adjacent_captions_path(media_path.absolute())
    folder = captions.parent
    if captions.is_dir():
        return f"cannot write the captions beside the media: {captions} is a folder."
    if folder.is_dir() and not _writable(folder):
        return (
            f"cannot write {captions.name} beside the media: the folder {folder} is read-only. "
            f"Pass --write-adjacent-captions false, or make {folder} writable (chmod u+w {folder})."
        )
    return None


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor)


def _writable(folder: Path) -> bool:
    # os.access also sees read-only mounts (EROFS) and immutable folders, even for root.
    return os.access(folder, os.W_OK | os.X_OK)
