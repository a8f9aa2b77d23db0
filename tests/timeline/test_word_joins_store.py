"""Split marks kept across save and reopen: restored only onto the words they were saved for."""

from __future__ import annotations

from pathlib import Path

import pytest

from metavis_gui.contract import WordDraft, build_word_records
from metavis_gui.timeline.edit_commands import MergeWithNext, SetWordText, SplitWord
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.word_joins_store import (
    mark_word_joins,
    restore_word_joins,
    save_word_joins,
    word_joins_path,
)


@pytest.fixture(autouse=True)
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METAVIS_DATA_DIR", str(tmp_path / "user-data"))


def transcript_of(*texts: str) -> EditableTranscript:
    drafts = [WordDraft(word=text, start_ticks=30_000 * index, end_ticks=30_000 * index + 24_000)
              for index, text in enumerate(texts)]  # fmt: skip
    return EditableTranscript.from_word_records(build_word_records(drafts))


def split_americans(words_path: Path) -> list:
    transcript = transcript_of("my", "fellow", "Americans", "ask")
    americans = transcript[2]
    SplitWord.create(transcript, americans.key, americans.start_ticks + 9_000, "Ameri", "cans").apply(transcript)
    records = transcript.to_word_records()
    assert save_word_joins(words_path, transcript, records) is not None
    return records


def test_a_saved_split_mark_comes_back_on_the_same_words_and_merges_without_a_space(tmp_path: Path) -> None:
    words_path = tmp_path / "t" / "transcript.words.v1.jsonl"
    records = split_americans(words_path)
    reopened = EditableTranscript.from_word_records(records)
    assert restore_word_joins(words_path, reopened) is None
    MergeWithNext(reopened[2].key).apply(reopened)
    assert [word.text for word in reopened] == ["my", "fellow", "Americans", "ask"]

    elsewhere = EditableTranscript.from_word_records(records)
    assert restore_word_joins(tmp_path / "other.words.jsonl", elsewhere) is None, "marks belong to their file"
    MergeWithNext(elsewhere[2].key).apply(elsewhere)
    assert elsewhere[2].text == "Ameri cans"


def test_a_mark_whose_words_changed_elsewhere_is_dropped(tmp_path: Path) -> None:
    words_path = tmp_path / "transcript.words.v1.jsonl"
    records = split_americans(words_path)
    changed = EditableTranscript.from_word_records(records)
    SetWordText(changed[3].key, "kans").apply(changed)  # the tail retyped by another program
    rewritten = EditableTranscript.from_word_records(changed.to_word_records())
    assert restore_word_joins(words_path, rewritten) is None
    MergeWithNext(rewritten[2].key).apply(rewritten)
    assert rewritten[2].text == "Ameri kans"


def test_no_marks_leave_no_file_and_a_damaged_file_is_named_with_the_fix(tmp_path: Path) -> None:
    words_path = tmp_path / "transcript.words.v1.jsonl"
    split_americans(words_path)
    whole = transcript_of("my", "fellow", "Americans")
    assert save_word_joins(words_path, whole, whole.to_word_records()) is None
    assert not word_joins_path(words_path).exists()

    word_joins_path(words_path).write_text('{"format": "metavis.timeline.word-joins.v1", "joins": [{"wordId": 3}]}')
    problem = restore_word_joins(words_path, whole)
    assert problem is not None and str(word_joins_path(words_path)) in problem and "delete it" in problem


def test_the_transcript_lists_its_marks_by_index_and_marks_given_ones_exactly() -> None:
    transcript = transcript_of("my", "fellow", "Americans", "ask")
    americans = transcript[2]
    assert transcript.word_joins() == []
    SplitWord.create(transcript, americans.key, americans.start_ticks + 9_000, "Ameri", "cans").apply(transcript)
    assert transcript.word_joins() == [(3, 2)]
    reopened = EditableTranscript.from_word_records(transcript.to_word_records())
    mark_word_joins(reopened, [(3, 2)])
    assert reopened.word_joins() == [(3, 2)]
    MergeWithNext(reopened[2].key).apply(reopened)
    assert [word.text for word in reopened] == ["my", "fellow", "Americans", "ask"] and reopened.word_joins() == []

    unmarked = EditableTranscript.from_word_records(transcript.to_word_records())
    mark_word_joins(unmarked, [(3, 2)])
    mark_word_joins(unmarked, [])
    assert unmarked.word_joins() == []
