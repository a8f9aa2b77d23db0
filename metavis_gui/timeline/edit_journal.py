"""The edit journal: every edit appended and fsynced the moment it is made, so a crash loses nothing typed.

The autosave (a whole recovery file, written a moment after edits stop) is the
compaction: once it is written, or the transcript is saved, the journal is
removed and the next edit starts a new one. Its first line says which words it
starts from: a file that holds exactly them (the words file as saved, or the
recovery file just written), named with its size and modification time, so
starting a journal costs no serialising of 30,000 words; only when no file
holds them (a transcript opened from a recovery, say) are the words written
into the header. Each later line is one edit as a splice of the word list,
which works for any edit command, today's or tomorrow's. The window's splice
costs what the edit changed, not the transcript's length: every word an edit
touches starts inside the tick span its change names, so the splice is the
words starting in that span (`splice_of_change`), and the words before and
after it are the journaled ones, untouched. A base file that changed since is
not trusted: the journal is then ignored, and the newer file holds the edits anyway.

Lines (JSON, one a line, `\\n`-ended):
- header: {"format", "wordsPath", "mediaPath", "startedAt", and either "words": the words file's text, or
  "base": {"kind": "words" | "recovery", "path", "size", "mtimeNs"}}
- edit:   {"at": index, "remove": count, "words": [record lines], "joins": [[tail, head], ...],
          "savedAt": seconds since the epoch}
"joins" lists every split mark after the edit (a word cut from another between two letters, which a merge
joins back without a space: `EditableTranscript.word_joins`) by the two words' indices; the words file has no
room for them. The marks are few, so each edit states them all and the last edit's list is the one that holds.
A journal written before marks were journaled has no "joins": its replay has no marks (`word_joins` None), and
the window then restores those kept at the last save, as it did.
A torn last line (the crash came mid-write) is ignored: every line before it was fsynced whole.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from metavis_gui.contract import ContractError, WordRecord, serialize_word_records
from metavis_gui.contract.bounded_reading import (
    MAX_WORDS_FILE_BYTES,
    decode_contract_text,
    loads_bounded,
    read_contract_bytes,
)
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.word_record_conversion import WordRecordCache

JOURNAL_FORMAT = "metavis.timeline.journal.v1"


BaseKind = Literal["words", "recovery"]
# Reads the words of a journal's base file by its kind, or None when it cannot be read.
BaseLoader = Callable[[BaseKind, Path], "list[WordRecord] | None"]
# The words a journal starts from, made only if its header must hold them (no trusted base file).
BaseRecords = Callable[[], "list[WordRecord]"]
# Split marks as (tail index, head index) pairs into the word list: see the module's "joins".
WordJoins = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class JournalBase:
    """A file that holds exactly the words a journal starts from, as it was when the journal began."""

    kind: BaseKind
    path: Path
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, kind: BaseKind, path: Path) -> JournalBase | None:
        try:
            status = Path(path).stat()
        except OSError:
            return None
        return cls(kind, Path(path).resolve(), status.st_size, status.st_mtime_ns)

    def unchanged(self) -> bool:
        return JournalBase.of(self.kind, self.path) == self


@dataclass(frozen=True)
class ReplayedJournal:
    path: Path
    words_path: Path
    media_path: Path | None
    saved_at: float
    records: list[WordRecord]
    edit_count: int
    word_joins: WordJoins | None = None  # None: the journal did not record them


class EditJournal:
    """One transcript's journal; `record_splice` (or `record`) after every change, `clear` once the autosave or a
    save holds it all."""

    def __init__(self, path: Path, words_path: Path, media_path: Path | None) -> None:
        self.path = Path(path)
        self.words_path = Path(words_path)
        self.media_path = media_path
        self._base_records: BaseRecords | None = None
        self._base_file: JournalBase | None = None
        self._started = False  # the file exists
        self.word_count = 0  # how many words the journal adds up to
        self._words: list[WordRecord] | None = None  # those words, when known: what `record` diffs against

    def start_from(self, records: Sequence[WordRecord], base_file: JournalBase | None = None) -> None:
        """The words the next journal starts from (as on disk, or as last autosaved); nothing is written yet.
        `base_file`: a file holding exactly these words, which the header then names instead of copying them."""
        words = list(records)
        self.start_from_later(len(words), lambda: list(words), base_file)
        self._words = words

    def start_from_later(self, word_count: int, base_records: BaseRecords, base_file: JournalBase | None) -> None:
        """As `start_from`, the words made by `base_records` only if the header must hold them."""
        self._base_records = base_records
        self._base_file = base_file
        self.word_count = word_count
        self._words = None

    def record(self, records: list[WordRecord]) -> None:
        """Append the difference from the last journaled words (a full comparison), fsynced. Raises OSError."""
        if self._words is None:
            if self._started or self._base_records is None:
                raise RuntimeError("record() needs the journaled words: start_from() them, or use record_splice()")
            self._words = self._base_records()
        splice = _splice(self._words, records)
        if splice is not None:
            self.record_splice(*splice)

    def record_splice(
        self, at: int, remove: int, inserted: Sequence[WordRecord], word_joins: Sequence[tuple[int, int]] | None = None
    ) -> None:
        """Append one edit: `remove` words from index `at` replaced by `inserted`, fsynced; `word_joins`: every
        split mark after it (None: not known, none recorded). Raises OSError."""
        if self._base_records is None:
            raise RuntimeError("start_from() must be called before the first edit is journaled")
        if not 0 <= at <= at + remove <= self.word_count:
            raise ValueError(f"splice {at}+{remove} outside the {self.word_count} journaled words")
        if not remove and not inserted:
            return
        entry: dict[str, Any] = {"at": at, "remove": remove, "words": [_line_of(record) for record in inserted]}
        if word_joins is not None:
            entry["joins"] = [[tail, head] for tail, head in word_joins]
        entry["savedAt"] = time.time()
        if self._started:
            self._append(entry)
        else:
            self._create(entry)  # the header and the first edit in one write and one fsync
            self._started = True
        self.word_count += len(inserted) - remove
        if self._words is not None:
            self._words[at : at + remove] = inserted

    def clear(self, records: Sequence[WordRecord] | None = None, base_file: JournalBase | None = None) -> None:
        """The edits are safe elsewhere (autosave, save) or dropped; the next journal starts from `records`."""
        self.path.unlink(missing_ok=True)
        self._started = False
        self._words = None
        if records is not None:
            self.start_from(records, base_file)

    def _create(self, first_entry: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        header: dict[str, Any] = {"format": JOURNAL_FORMAT, "wordsPath": str(self.words_path.resolve()),
                                  "mediaPath": str(self.media_path) if self.media_path is not None else None,
                                  "startedAt": time.time()}  # fmt: skip
        if self._base_file is not None and self._base_file.unchanged():
            file = self._base_file
            header["base"] = {"kind": file.kind, "path": str(file.path), "size": file.size, "mtimeNs": file.mtime_ns}
        else:
            assert self._base_records is not None
            header["words"] = serialize_word_records(self._base_records()).decode("utf-8")
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        try:
            _write_all(descriptor, _encoded(header) + _encoded(first_entry))
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


def splice_of_change(
    transcript: EditableTranscript, start_ticks: int, end_ticks: int, journaled_count: int
) -> tuple[int, int, list[WordRecord]]:
    """(at, remove, inserted) turning the journaled words into the transcript's, when every word changed since
    they were journaled lies within [start_ticks, end_ticks] in both (the span of the changes, combined).

    Words are in (start, end) order and a word lies within the span only if it starts in it, so the words
    starting in the span are the only ones that differ, and as many words follow it in both lists. They are
    built as records alone: a wordId's n counts only words of the same span, which start together.
    """
    at = transcript.first_index_starting_at_or_after(start_ticks)
    end = transcript.first_index_starting_at_or_after(end_ticks + 1)
    words = [transcript[index] for index in range(at, end)]
    remove = journaled_count - len(transcript) + len(words)
    return at, remove, WordRecordCache().records_for(words)


def replay_journal(path: Path, load_base: BaseLoader | None = None) -> ReplayedJournal | None:
    """The words a journal adds up to, or None when it is not one we can trust (it is then left alone).
    `load_base` reads a base file the header names; without it such a journal is not replayed."""
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
        records = _base_records(header, load_base)
        if records is None:
            return None
        words_path, media = Path(header["wordsPath"]), header.get("mediaPath")
        saved_at = float(header["startedAt"])
        edit_count = 0
        joins: Any = None
        for line in complete_lines[1:]:
            entry = loads_bounded(line)
            at, remove = entry["at"], entry["remove"]
            if type(at) is not int or type(remove) is not int or not 0 <= at <= at + remove <= len(records):
                return None
            records[at : at + remove] = _records_of(entry["words"])
            joins = entry.get("joins")
            saved_at = float(entry["savedAt"])
            edit_count += 1
    except (LookupError, TypeError, ValueError, ArithmeticError):  # JsonRefused and ValidationError are ValueErrors
        return None
    if media is not None and not isinstance(media, str):
        return None
    return ReplayedJournal(Path(path), words_path, Path(media) if media else None, saved_at, records, edit_count,
                           word_joins_of(joins, len(records)))  # fmt: skip


def word_joins_of(value: Any, word_count: int) -> WordJoins | None:
    """Split marks as read from a journal or recovery file, or None when absent or not pairs of two distinct word
    indices: the words are kept either way, and a merge of an unmarked split puts a space in."""
    if not isinstance(value, list):
        return None
    pairs = []
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(index) is int for index in pair)):
            return None
        tail, head = pair
        if not (0 <= tail < word_count and 0 <= head < word_count and tail != head):
            return None
        pairs.append((tail, head))
    return tuple(pairs)


def _base_records(header: dict[str, Any], load_base: BaseLoader | None) -> list[WordRecord] | None:
    if "words" in header:
        return _records_of(header["words"].split("\n")[:-1])
    named = header["base"]
    base = JournalBase(named["kind"], Path(named["path"]), int(named["size"]), int(named["mtimeNs"]))
    if load_base is None or base.kind not in ("words", "recovery") or not base.unchanged():
        return None
    loaded = load_base(base.kind, base.path)
    return None if loaded is None else list(loaded)


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
