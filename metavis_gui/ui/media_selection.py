"""Which of the dropped or opened paths are media to queue, transcripts to open, and which are refused. No widgets.

Media-ness is decided by extension alone: probing every dropped file would stall the drop, and a
corrupt file with a media extension is queued and then fails with a readable message from the job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from metavis_gui.contract import WORDS_FILE_NAME
from metavis_gui.contract.transcript_bundle import TRANSCRIPT_FOLDER_SUFFIX

AUDIO_EXTENSIONS = frozenset(
    {"wav", "wave", "mp3", "m4a", "aac", "flac", "ogg", "oga", "opus", "wma", "aif", "aiff", "aifc", "caf",
     "amr", "ac3", "eac3", "dts", "mka", "alac", "w64", "bwf"}
)  # fmt: skip
VIDEO_EXTENSIONS = frozenset(
    {"mp4", "m4v", "mov", "mkv", "webm", "avi", "mxf", "mts", "m2ts", "ts", "mpg", "mpeg", "vob", "wmv",
     "flv", "3gp", "3g2", "ogv", "dv", "r3d", "braw"}
)  # fmt: skip
MEDIA_EXTENSIONS = AUDIO_EXTENSIONS | VIDEO_EXTENSIONS
FILE_DIALOG_FILTER = "Audio and video ({});;All files (*)".format(
    " ".join(f"*.{extension}" for extension in sorted(MEDIA_EXTENSIONS))
)


@dataclass(frozen=True)
class MediaSelection:
    media: tuple[Path, ...]
    refused: tuple[Path, ...]  # files that are not media, named back to the user
    missing: tuple[Path, ...]  # paths that no longer exist (moved or deleted since the drop began)
    transcripts: tuple[Path, ...] = ()  # words files, or folders holding one, dropped as such: to open


def is_transcript(path: Path) -> bool:
    """A words file (any `.jsonl`), or a folder with `transcript.words.v1.jsonl` in it (`<stem>.transcript/`)."""
    if path.is_dir():
        return (path / WORDS_FILE_NAME).is_file()
    return path.suffix.lower() == ".jsonl" and path.is_file()


def is_media_file_name(path: Path) -> bool:
    return path.suffix.lower().lstrip(".") in MEDIA_EXTENSIONS


def select_media(paths: Iterable[Path]) -> MediaSelection:
    """Files as given; folders searched recursively, skipping hidden entries and our own transcript folders.

    A transcript given as such (not found inside a folder) is set aside to be opened, not refused.
    """
    media: list[Path] = []
    refused: list[Path] = []
    missing: list[Path] = []
    transcripts: list[Path] = []
    for path in paths:
        if is_transcript(path):
            transcripts.append(path)
        elif path.is_dir():
            for file in _files_inside(path):
                (media if is_media_file_name(file) else refused).append(file)
        elif path.is_file():
            (media if is_media_file_name(path) else refused).append(path)
        else:
            missing.append(path)
    return MediaSelection(tuple(dict.fromkeys(media)), tuple(refused), tuple(missing), tuple(transcripts))


def _files_inside(folder: Path) -> list[Path]:
    found: list[Path] = []
    try:
        entries = sorted(folder.iterdir(), key=lambda entry: entry.name.lower())
    except OSError:
        return found
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if not entry.name.endswith(TRANSCRIPT_FOLDER_SUFFIX) and not entry.is_symlink():
                found.extend(_files_inside(entry))
        elif entry.is_file():
            found.append(entry)
    return found


def describe_refusal(selection: MediaSelection, names_shown: int = 5) -> str:
    """One sentence naming what was not added, or "" when everything was."""
    parts = []
    if selection.refused:
        parts.append(f"Not audio or video, so not added: {_name_list(selection.refused, names_shown)}.")
    if selection.missing:
        parts.append(f"No longer there, so not added: {_name_list(selection.missing, names_shown)}.")
    return " ".join(parts)


def _name_list(paths: tuple[Path, ...], names_shown: int) -> str:
    names = ", ".join(path.name for path in paths[:names_shown])
    hidden = len(paths) - names_shown
    return f"{names} and {hidden} more" if hidden > 0 else names
