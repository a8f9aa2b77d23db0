"""The edit journal: every edit appended and fsynced the moment it is made, so a crash loses nothing typed.

The autosave (a whole recovery file, written a moment after edits stop) is the
compaction: once it is written, or the transcript is saved, the journal is
removed and the next edit starts a new one. Its first line says which words it
starts from: a file that holds exactly them (the words file as saved, or the
recovery file just written), named with its size and modification time, so
starting a journal costs no serialising of 30,000 words; only when no file
holds them (a transcript opened from a recovery, say) are the words written
into the header. Each later line is one edit as a splice of the word list (the
words between a common prefix and a common suffix), which works for any edit
command, today's or tomorrow's. A base file that changed since is not trusted:
the journal is then ignored, and the newer file holds the edits anyway.

Lines (JSON, one a line, `\\n`-ended):
- header: {"format", "wordsPath", "mediaPath", "startedAt", and either "words": the words file's text, or
  "base": {"kind": "words" | "recovery", "path", "size", "mtimeNs"}}
- edit:   {"at": index, "remove": count, "words": [record lines], "savedAt": seconds since the epoch}
A torn last line (the crash came mid-write) is ignored: every line before it was fsynced whole.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
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

JOURNAL_FORMAT = "metavis.timeline.journal.v1"


BaseKind = Literal["words", "recovery"]
# Reads the words of a journal's base file by its kind, or None when it cannot be read.
BaseLoader = Callable[[BaseKind, Path], "list[WordRecord] | None"]


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


class EditJournal:
    """One transcript's journal; `record` after every change, `clear` once the autosave or a save holds it all."""

    def __init__(self, path: Path, words_path: Path, media_path: Path | None) -> None:
        self.path = Path(path)
        self.words_path = Path(words_path)
        self.media_path = media_path
        self._base: list[WordRecord] | None = None
        self._base_file: JournalBase | None = None
        self._journaled: list[WordRecord] | None = None  # what the file's lines add up to; None: no file

    def start_from(self, records: list[WordRecord], base_file: JournalBase | None = None) -> None:
        """The words the next journal starts from (as on disk, or as last autosaved); nothing is written yet.
        `base_file`: a file holding exactly these words, which the header then names instead of copying them."""
        self._base = list(records)
        self._base_file = base_file

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

    def clear(self, records: list[WordRecord] | None = None, base_file: JournalBase | None = None) -> None:
        """The edits are safe elsewhere (autosave, save) or dropped; the next journal starts from `records`."""
        self.path.unlink(missing_ok=True)
        self._journaled = None
        if records is not None:
            self.start_from(records, base_file)

    def _create(self, base: list[WordRecord]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        header: dict[str, Any] = {"format": JOURNAL_FORMAT, "wordsPath": str(self.words_path.resolve()),
                                  "mediaPath": str(self.media_path) if self.media_path is not None else None,
                                  "startedAt": time.time()}  # fmt: skip
        if self._base_file is not None and self._base_file.unchanged():
            file = self._base_file
            header["base"] = {"kind": file.kind, "path": str(file.path), "size": file.size, "mtimeNs": file.mtime_ns}
        else:
            header["words"] = serialize_word_records(base).decode("utf-8")
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
