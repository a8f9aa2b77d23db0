"""Whether a transcript folder holds corrections made by hand, and keeping a copy of them before a new run.

Hand corrections show in two places: saved ones as `h` letters in the summary's
timing (words timed by hand), unsaved ones as a recovery file or edit journal
newer than the words file. A window still open on the transcript is the caller's
to ask about (this layer knows no windows).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from metavis_gui.contract import (
    SUMMARY_FILE_NAME,
    TRANSCRIPT_FOLDER_SUFFIX,
    WORDS_FILE_NAME,
    ContractError,
    WordRecord,
    WordTimingSource,
    read_summary,
)
from metavis_gui.timeline.autosave_store import Recovery, pending_recoveries
from metavis_gui.timeline.transcript_files import open_transcript, save_in_place


@dataclass(frozen=True)
class HandEdits:
    transcript_folder: Path
    hand_timed_words: int
    unsaved: Recovery | None  # edits not saved to the folder (autosaved or journaled), newest first

    def describe(self) -> str:
        parts = []
        if self.hand_timed_words:
            parts.append(f"{self.hand_timed_words} word{'s' if self.hand_timed_words != 1 else ''} timed by hand")
        if self.unsaved is not None:
            parts.append("edits that were never saved")
        return " and ".join(parts)


def find_hand_edits(transcript_folder: Path) -> HandEdits | None:
    """The hand corrections in `<stem>.transcript/`, or None when it has none (or no transcript at all)."""
    words_path = Path(transcript_folder) / WORDS_FILE_NAME
    try:
        words_written_at = words_path.stat().st_mtime
    except OSError:
        return None
    hand_timed_words = 0
    try:
        timing = read_summary(words_path.parent / SUMMARY_FILE_NAME).timing
        hand_timed_words = timing.hand_set if timing is not None else 0
    except ContractError:
        pass  # no summary, or a broken one: it records no hand timing
    unsaved = unsaved_edits_of(words_path)
    if unsaved is not None and unsaved.saved_at < words_written_at:
        unsaved = None  # the words file was written after them: they are stale, not newer work
    if not hand_timed_words and unsaved is None:
        return None
    return HandEdits(Path(transcript_folder), hand_timed_words, unsaved)


def unsaved_edits_of(words_path: Path) -> Recovery | None:
    resolved = Path(words_path).resolve()
    return next((recovery for recovery in pending_recoveries() if recovery.words_path == resolved), None)


def edited_copy_folder(transcript_folder: Path) -> Path:
    """`<stem> (edited).transcript` beside the original (then `(edited 2)`, ...): the media stays its neighbour."""
    folder = Path(transcript_folder)
    stem = folder.name.removesuffix(TRANSCRIPT_FOLDER_SUFFIX)
    for number in range(1, 10_000):
        label = "edited" if number == 1 else f"edited {number}"
        candidate = folder.with_name(f"{stem} ({label}){TRANSCRIPT_FOLDER_SUFFIX}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(f"no free name for a copy of {folder}")


def keep_edited_copy(
    transcript_folder: Path,
    records: list[WordRecord] | None = None,
    timing_sources: Sequence[WordTimingSource] | None = None,
) -> Path:
    """Copy the folder beside itself, with `records` (unsaved edits) saved into the copy; returns the copy.

    Raises OSError or ContractError when the copy cannot be made; a half-made copy is removed.
    """
    copy = edited_copy_folder(transcript_folder)
    shutil.copytree(transcript_folder, copy, symlinks=True)
    try:
        if records is not None:
            opened = open_transcript(copy / WORDS_FILE_NAME)
            for candidate in (timing_sources, opened.timing_sources, [WordTimingSource.ENGINE] * len(records)):
                if candidate is not None and len(candidate) == len(records):
                    save_in_place(opened, records, candidate)
                    break
    except BaseException:
        shutil.rmtree(copy, ignore_errors=True)
        raise
    return copy
