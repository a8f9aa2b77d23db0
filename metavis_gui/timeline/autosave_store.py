"""Recovery files: the edited words of an open transcript, written atomically so a crash or kill loses nothing.

One file per transcript (named after its path) in `<user data>/recovery/`. It
holds the edited records as words-file lines plus where they came from, so
the next start can offer to restore them, and the split marks among them
("joins", as in the journal: pairs of word indices). A clean save or a deliberate
discard removes it; a file that remains means edits were not saved.

Beside it, the transcript's edit journal (`edit_journal.py`) holds every edit
made since that file was written; when one is left, it is the newer word.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metavis_gui.app_paths import user_data_dir
from metavis_gui.contract import (
    ContractError,
    WordRecord,
    read_words_jsonl,
    serialize_word_records,
    write_bytes_atomic,
)
from metavis_gui.contract.bounded_reading import (
    MAX_WORDS_FILE_BYTES,
    decode_contract_text,
    loads_bounded,
    read_contract_bytes,
)
from metavis_gui.timeline.edit_journal import BaseKind, WordJoins, replay_journal, word_joins_of

RECOVERY_FORMAT = "metavis.timeline.recovery.v1"
JOURNAL_SUFFIX = ".journal.jsonl"


@dataclass(frozen=True)
class Recovery:
    path: Path
    words_path: Path
    media_path: Path | None
    saved_at: float
    records: list[WordRecord]
    word_joins: WordJoins | None = None  # None: not recorded (an older file): the marks kept at the last save hold


def recovery_dir() -> Path:
    return user_data_dir() / "recovery"


def recovery_path_for(words_path: Path) -> Path:
    return recovery_dir() / f"{_digest(words_path)}.json"


def journal_path_for(words_path: Path) -> Path:
    return recovery_dir() / f"{_digest(words_path)}{JOURNAL_SUFFIX}"


def _digest(words_path: Path) -> str:
    return hashlib.sha256(str(Path(words_path).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:24]


def write_recovery(
    words_path: Path, media_path: Path | None, records: list[WordRecord], word_joins: WordJoins | None = None
) -> Path:
    document: dict[str, Any] = {
        "format": RECOVERY_FORMAT,
        "wordsPath": str(Path(words_path).resolve()),
        "mediaPath": str(media_path) if media_path is not None else None,
        "savedAt": time.time(),
        "words": serialize_word_records(records).decode("utf-8"),
    }
    if word_joins is not None:
        document["joins"] = [[tail, head] for tail, head in word_joins]
    path = recovery_path_for(words_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, json.dumps(document, ensure_ascii=False).encode("utf-8"))
    return path


def read_recovery(path: Path) -> Recovery | None:
    """The recovery, or None when the file is not one we can trust (it is then left alone)."""
    try:
        document = loads_bounded(decode_contract_text(path, read_contract_bytes(path, 2 * MAX_WORDS_FILE_BYTES)))
        if not isinstance(document, dict) or document.get("format") != RECOVERY_FORMAT:
            return None
        records = [WordRecord.model_validate_json(line) for line in document["words"].split("\n") if line]
        media = document.get("mediaPath")
        return Recovery(
            path=Path(path),
            words_path=Path(document["wordsPath"]),
            media_path=Path(media) if media else None,
            saved_at=float(document["savedAt"]),
            records=records,
            word_joins=word_joins_of(document.get("joins"), len(records)),
        )
    except (ContractError, OSError, ValueError, ArithmeticError, LookupError, TypeError, AttributeError):
        return None


def pending_recoveries() -> list[Recovery]:
    """Every readable recovery, newest first; a transcript's journal, when left, wins over its recovery file."""
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    by_words_path: dict[Path, Recovery] = {}
    for path in folder.glob("*.json"):
        recovery = read_recovery(path)
        if recovery is not None:
            by_words_path[recovery.words_path] = recovery
    for path in folder.glob(f"*{JOURNAL_SUFFIX}"):
        journal = replay_journal(path, _journal_base_words)
        if journal is not None and journal.edit_count:
            by_words_path[journal.words_path] = Recovery(
                path=journal.path, words_path=journal.words_path, media_path=journal.media_path,
                saved_at=journal.saved_at, records=journal.records, word_joins=journal.word_joins,
            )  # fmt: skip
    return sorted(by_words_path.values(), key=lambda item: item.saved_at, reverse=True)


def _journal_base_words(kind: BaseKind, path: Path) -> list[WordRecord] | None:
    """The words of the file a journal starts from: the saved words file or the recovery file."""
    if kind == "recovery":
        recovery = read_recovery(path)
        return None if recovery is None else recovery.records
    try:
        return list(read_words_jsonl(path).records)
    except (ContractError, OSError):
        return None


def remove_recovery(words_path: Path) -> None:
    journal_path_for(words_path).unlink(missing_ok=True)
    recovery_path_for(words_path).unlink(missing_ok=True)
