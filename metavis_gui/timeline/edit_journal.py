"""The edit journal: every edit appended and fsynced the moment it is made, so a crash loses nothing typed.

The autosave (a whole recovery file, written a moment after edits stop) is the
compaction: once it is written, or the transcript is saved, the journal is
removed and the next edit starts a new one. A journal is self-contained: its
first line holds the words it starts from, each later line one edit as a splice
of the word list (the words between a common prefix and a common suffix), so
replaying needs neither the words file nor the recovery file, and works for
any edit command, today's or tomorrow's.

Lines (JSON, one a line, `\\n`-ended):
- header: {"format", "wordsPath", "mediaPath", "startedAt", "words": the words file's text}
- edit:   {"at": index, "remove": count, "words": [record lines], "savedAt": seconds since the epoch}
A torn last line (the crash came mid-write) is ignored: every line before it was fsynced whole.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metavis_gui.contract import ContractError, WordRecord, serialize_word_records
from metavis_gui.contract.bounded_reading import (
    MAX_WORDS_FILE_BYTES,
    decode_contract_text,
    loads_bounded,
    read_contract_bytes,
)

JOURNAL_FORMAT = "metavis.timeline.journal.v1"


@dataclass(frozen=True)
class ReplayedJournal:
    path: Path
    words_path: Path
    media_path: Path | None
    saved_at: float
    records: list[WordRecord]
    edit_count: int


class EditJournal:
    """One transcript's journal; `record` after every change, `clear` once the autosave or a save holds it all."""

    def __init__(self, path: Path, words_path: Path, media_path: Path | None) -> None:
        self.path = Path(path)
        self.words_path = Path(words_path)
        self.media_path = media_path
        self._base: list[WordRecord] | None = None
        self._journaled: list[WordRecord] | None = None  # what the file's lines add up to; None: no file

    def start_from(self, records: list[WordRecord]) -> None:
        """The words the next journal starts from (as on disk, or as last autosaved); nothing is written yet."""
        self._base = list(records)

    def record(self, records: list[WordRecord]) -> None:
        """Append the difference from the last journaled words, fsynced before returning. Raises OSError."""
        if self._journaled is None:
            base = self._base
            if base is None:
                raise RuntimeError("start_from() must be called before the first edit is journaled")
            self._create(base)
            self._journaled = base
        splice = _splice(self._journaled, records)
        if splice is None:
            return
        at, remove, inserted = splice
        self._append({"at": at, "remove": remove, "words": [_line_of(record) for record in inserted],
                      "savedAt": time.time()})  # fmt: skip
        self._journaled = list(records)

    def clear(self, records: list[WordRecord] | None = None) -> None:
        """The edits are safe elsewhere (autosave, save) or dropped; the next journal starts from `records`."""
        self.path.unlink(missing_ok=True)
        self._journaled = None
        if records is not None:
            self._base = list(records)

    def _create(self, base: list[WordRecord]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        header = {"format": JOURNAL_FORMAT, "wordsPath": str(self.words_path.resolve()),
                  "mediaPath": str(self.media_path) if self.media_path is not None else None,
                  "startedAt": time.time(), "words": serialize_word_records(base).decode("utf-8")}  # fmt: skip
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        try:
            _write_all(descriptor, _encoded(header))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        _sync_folder(self.path.parent)  # the new name survives a power cut, not only a crash

    def _append(self, entry: dict[str, Any]) -> None:
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
        try:
            _write_all(descriptor, _encoded(entry))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def replay_journal(path: Path) -> ReplayedJournal | None:
    """The words a journal adds up to, or None when it is not one we can trust (it is then left alone)."""
    try:
        text = decode_contract_text(path, read_contract_bytes(path, MAX_WORDS_FILE_BYTES * 2))
    except ContractError:
        return None
    lines = text.split("\n")
    complete_lines = lines[:-1]  # the part after the last "\n" is empty, or a line torn by the crash
    if not complete_lines:
        return None
    try:
        header = loads_bounded(complete_lines[0])
        if not isinstance(header, dict) or header.get("format") != JOURNAL_FORMAT:
            return None
        records = _records_of(header["words"].split("\n")[:-1])
        words_path, media = Path(header["wordsPath"]), header.get("mediaPath")
        saved_at = float(header["startedAt"])
        edit_count = 0
        for line in complete_lines[1:]:
            entry = loads_bounded(line)
            at, remove = entry["at"], entry["remove"]
            if type(at) is not int or type(remove) is not int or not 0 <= at <= at + remove <= len(records):
                return None
            records[at : at + remove] = _records_of(entry["words"])
            saved_at = float(entry["savedAt"])
            edit_count += 1
    except (LookupError, TypeError, ValueError, ArithmeticError):  # JsonRefused and ValidationError are ValueErrors
        return None
    if media is not None and not isinstance(media, str):
        return None
    return ReplayedJournal(Path(path), words_path, Path(media) if media else None, saved_at, records, edit_count)


def _splice(old: list[WordRecord], new: list[WordRecord]) -> tuple[int, int, list[WordRecord]] | None:
    """(at, remove, inserted) that turns old into new, or None when they are the same."""
    shorter = min(len(old), len(new))
    prefix = 0
    while prefix < shorter and old[prefix].__dict__ == new[prefix].__dict__:
        prefix += 1
    if prefix == len(old) == len(new):
        return None
    suffix = 0
    while suffix < shorter - prefix and old[-1 - suffix].__dict__ == new[-1 - suffix].__dict__:
        suffix += 1
    return prefix, len(old) - prefix - suffix, new[prefix : len(new) - suffix]


def _line_of(record: WordRecord) -> str:
    return record.model_dump_json(by_alias=True)


def _records_of(lines: Any) -> list[WordRecord]:
    if not isinstance(lines, list):
        raise TypeError("words must be a list")
    return [WordRecord.model_validate_json(line) for line in lines]


def _sync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return  # not every platform opens folders; the file itself is synced
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _encoded(entry: dict[str, Any]) -> bytes:
    return (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
