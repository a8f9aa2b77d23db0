"""The pure undo stack: undo, redo, redo discarded by a new edit, the clean marker, the step limit."""

from __future__ import annotations

import pytest

from metavis_gui.timeline.edit_commands import (
    DeleteWords,
    EmptyWordText,
    MoveWordEdge,
    ReplaceText,
    SetWordText,
    SplitWord,
)
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord
from metavis_gui.timeline.undo_history import UndoHistory


def history_of_three_words(limit: int | None = None) -> UndoHistory:
    words = [
        EditableWord(0, "one", 0, 1000, 0.9),
        EditableWord(1, "two", 1000, 2000, 0.9),
        EditableWord(2, "three", 3000, 4000, 0.3),
    ]
    return UndoHistory(EditableTranscript(words, 10_000), limit=limit)


def texts(history: UndoHistory) -> list[str]:
    return [word.text for word in history.transcript]


def test_undo_and_redo_walk_the_steps_both_ways() -> None:
    history = history_of_three_words()
    opened = history.transcript.words
    history.push(SetWordText(0, "won"))
    history.push(MoveWordEdge(2, "start", -500))
    split = SplitWord.create(history.transcript, 1, 1500, "t", "wo")
    history.push(split)
    history.push(SetWordText(split.new_word_key, "oo"))  # edits the word the split created
    after_all = history.transcript.words
    assert history.undo_description == "retype word"
    while history.can_undo:
        history.undo()
    assert history.transcript.words == opened
    assert history.undo() is None and history.redo_description == "retype word"
    while history.can_redo:
        history.redo()
    assert history.transcript.words == after_all  # redo recreated the split word under the same key
    assert texts(history) == ["won", "t", "oo", "three"]


def test_a_new_edit_after_undo_discards_the_redo_steps() -> None:
    history = history_of_three_words()
    history.push(SetWordText(0, "a"))
    history.push(SetWordText(0, "b"))
    history.undo()
    history.push(SetWordText(0, "c"))
    assert not history.can_redo and history.redo() is None
    history.undo()
    assert texts(history)[0] == "a"


def test_the_clean_marker_tracks_unsaved_changes() -> None:
    history = history_of_three_words()
    assert history.is_clean
    history.push(SetWordText(0, "a"))
    assert not history.is_clean
    history.undo()
    assert history.is_clean  # back to what was opened
    history.redo()
    history.mark_clean()  # saved
    history.push(DeleteWords((1,)))
    assert not history.is_clean
    history.undo()
    assert history.is_clean
    history.undo()
    assert not history.is_clean
    history.push(SetWordText(0, "other"))  # the saved state was in the discarded redo steps
    assert not history.is_clean
    history.undo()
    assert not history.is_clean


def test_edits_clamped_to_nothing_and_rejected_edits_are_not_recorded() -> None:
    history = history_of_three_words()
    change = history.push(MoveWordEdge(0, "start", -100))  # already at the media start
    assert change.is_empty and not history.can_undo and history.is_clean
    with pytest.raises(EmptyWordText):
        history.push(SetWordText(0, ""))
    assert not history.can_undo


def test_find_and_replace_undoes_in_one_step() -> None:
    history = history_of_three_words()
    change = history.push(ReplaceText("o", "0"))
    assert texts(history) == ["0ne", "tw0", "three"] and change.updated_keys == {0, 1}
    undo_change = history.undo()
    assert texts(history) == ["one", "two", "three"] and undo_change is not None
    assert undo_change.updated_keys == {0, 1}


def test_the_step_limit_drops_the_oldest_and_the_clean_state_with_it() -> None:
    history = history_of_three_words(limit=2)
    for text in ("a", "b", "c"):
        history.push(SetWordText(0, text))
    history.undo()
    history.undo()
    assert not history.can_undo and texts(history)[0] == "a"
    assert not history.is_clean  # the opened state fell off the stack
