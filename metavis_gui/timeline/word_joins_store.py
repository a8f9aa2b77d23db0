"""Which words are the tail of a word split between two letters, kept across saving and reopening.

A merge joins such a tail to its word without a space ("Ameri" + "cans"). The
words file has no room for the mark (its twelve keys are fixed) and the
summary's keys are the contract's, so the marks live in the user's data: one
small JSON file per words file (named by a hash of its path) naming each tail
and the word it continues by wordId and text. A mark whose words are not there
as written (the file was transcribed again or edited elsewhere) is dropped, and
a merge then puts a space in, as it does for engine words.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from metavis_gui.app_paths import user_data_dir
from metavis_gui.contract import WordRecord, write_bytes_atomic
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.transcript_change import WordChanges

WORD_JOINS_FORMAT = "metavis.timeline.word-joins.v1"


def word_joins_path(words_path: Path) -> Path:
    digest = hashlib.sha256(str(Path(words_path).resolve()).encode("utf-8")).hexdigest()[:24]
    return user_data_dir() / "word-joins" / f"{digest}.json"


def save_word_joins(words_path: Path, transcript: EditableTranscript, records: list[WordRecord]) -> Path | None:
    """Keep the transcript's split marks for `words_path`, just saved from `records` (the transcript's, in order);
    None (and no file) when there are none. Raises OSError."""
    joins = []
    for index, word in enumerate(transcript):
        head_key = word.continues_word_key
        if head_key is None or head_key not in transcript:
            continue
        head = records[transcript.index_of(head_key)]
        joins.append({"wordId": records[index].word_id, "word": records[index].word,
                      "continuesWordId": head.word_id, "continuesWord": head.word})  # fmt: skip
    path = word_joins_path(words_path)
    if not joins:
        path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"format": WORD_JOINS_FORMAT, "wordsPath": str(Path(words_path).resolve()), "joins": joins}
    write_bytes_atomic(path, json.dumps(document, ensure_ascii=False).encode("utf-8"))
    return path


def restore_word_joins(words_path: Path, transcript: EditableTranscript) -> str | None:
    """Mark again the tails saved for `words_path` that are still there; a message when the file is unreadable."""
    path = word_joins_path(words_path)
    try:
        document = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return f"{path} is not a word-joins file ({error}); delete it: merges of split words will put a space in"
    try:
        if document["format"] != WORD_JOINS_FORMAT:
            raise ValueError(f"unknown format {document['format']!r}")
        wanted = [(join["wordId"], join["word"], join["continuesWordId"], join["continuesWord"])
                  for join in document["joins"]]  # fmt: skip
        if not all(isinstance(part, str) for row in wanted for part in row):
            raise TypeError("wordIds and words must be strings")
    except (KeyError, TypeError, ValueError) as error:
        return f"{path} is not a word-joins file ({error}); delete it: merges of split words will put a space in"
    records = transcript.to_word_records()
    index_by_id = {(record.word_id, record.word): index for index, record in enumerate(records)}
    marked = []
    for word_id, text, head_id, head_text in wanted:
        tail, head = index_by_id.get((word_id, text)), index_by_id.get((head_id, head_text))
        if tail is not None and head is not None and tail != head:
            marked.append(replace(transcript[tail], continues_word_key=transcript[head].key))
    if marked:
        transcript.apply_word_changes(WordChanges(put_words=tuple(marked)))
    return None


def mark_word_joins(transcript: EditableTranscript, joins: Sequence[tuple[int, int]]) -> None:
    """Make `joins` ((tail index, head index) pairs, as a recovery holds them) the transcript's only split marks."""
    wanted = {tail: transcript[head].key for tail, head in joins}
    changed = [
        replace(word, continues_word_key=wanted.get(index))
        for index, word in enumerate(transcript)
        if word.continues_word_key != wanted.get(index)
    ]
    if changed:
        transcript.apply_word_changes(WordChanges(put_words=tuple(changed)))
