"""Recovery files: the edited words of an open transcript, written atomically so a crash or kill loses nothing.

One file per transcript (named after its path) in `<user data>/recovery/`. It
holds the edited records as words-file lines plus where they came from, so
the next start can offer to restore them. A clean save or a deliberate
discard removes it; a file that remains means edits were not saved.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from metavis_gui.app_paths import user_data_dir
from metavis_gui.contract import WordRecord, serialize_word_records, write_bytes_atomic

RECOVERY_FORMAT = "metavis.timeline.recovery.v1"


@dataclass(frozen=True)
class Recovery:
    path: Path
    words_path: Path
    media_path: Path | None
    saved_at: float
    records: list[WordRecord]


def recovery_dir() -> Path:
    return user_data_dir() / "recovery"


def recovery_path_for(words_path: Path) -> Path:
    digest = hashlib.sha256(str(Path(words_path).resolve()).encode("utf-8")).hexdigest()[:24]
    return recovery_dir() / f"{digest}.json"


def write_recovery(words_path: Path, media_path: Path | None, records: list[WordRecord]) -> Path:
    document = {
        "format": RECOVERY_FORMAT,
        "wordsPath": str(Path(words_path).resolve()),
        "mediaPath": str(media_path) if media_path is not None else None,
        "savedAt": time.time(),
        "words": serialize_word_records(records).decode("utf-8"),
    }
    path = recovery_path_for(words_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, json.dumps(document, ensure_ascii=False).encode("utf-8"))
    return path


def read_recovery(path: Path) -> Recovery | None:
    """The recovery, or None when the file is not one we can trust (it is then left alone)."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        if document.get("format") != RECOVERY_FORMAT:
            return None
        records = [WordRecord.model_validate_json(line) for line in document["words"].splitlines()]
        media = document.get("mediaPath")
        return Recovery(
            path=Path(path),
            words_path=Path(document["wordsPath"]),
            media_path=Path(media) if media else None,
            saved_at=float(document["savedAt"]),
            records=records,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ValidationError):
        return None


def pending_recoveries() -> list[Recovery]:
    """Every readable recovery file, newest first."""
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    found = [read_recovery(path) for path in folder.glob("*.json")]
    return sorted((item for item in found if item is not None), key=lambda item: item.saved_at, reverse=True)


def remove_recovery(words_path: Path) -> None:
    recovery_path_for(words_path).unlink(missing_ok=True)
