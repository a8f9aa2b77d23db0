"""Every edit command and its undo, on the edge cases: first/last word, touching neighbours,
zero length, media end, forced overlap."""

from __future__ import annotations

import pytest

from metavis_gui.timeline.edit_commands import (
    CommandBatch,
    DeleteWords,
    EditCommand,
    EmptyWordText,
    InsertWord,
    MergeWithNext,
    MoveSharedEdge,
    MoveWord,
    MoveWordEdge,
    NoNeighbourWord,
    ReplaceText,
    RetimeWords,
    SetWordText,
    SplitWord,
    UnknownWord,
    WordKeyInUse,
    find_words,
)
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord
from metavis_gui.timeline.transcript_change import TranscriptChange

DURATION = 10_000


def transcript_of(*spans: tuple[str, int, int], duration: int = DURATION) -> EditableTranscript:
    words = [EditableWord(key, text, start, end, 0.9, segment_id="s_1") for key, (text, start, end) in enumerate(spans)]
    return EditableTranscript(words, duration)


def three_words() -> EditableTranscript:
    """one [1000, 2000]  two [2000, 3000] (touching)  three [4000, 5000] (gap before it)."""
    return transcript_of(("one", 1000, 2000), ("two", 2000, 3000), ("three", 4000, 5000))


def spans(transcript: EditableTranscript) -> list[tuple[str, int, int]]:
    return [(word.text, word.start_ticks, word.end_ticks) for word in transcript]


def apply_then_undo(transcript: EditableTranscript, command: EditCommand) -> tuple[list, TranscriptChange]:
    """Apply, return the spans after it, and check that its inverse restores every word exactly."""
    before = transcript.words
    applied = command.apply(transcript)
    after = spans(transcript)
    undo_change = applied.inverse.apply(transcript).change
    assert transcript.words == before
    if not applied.change.is_empty:
        assert undo_change.start_ticks <= applied.change.start_ticks
        assert undo_change.end_ticks >= applied.change.end_ticks
    return after, applied.change


# Moving one edge.


@pytest.mark.parametrize(
    ("key", "edge", "delta", "expected"),
    [
        (0, "start", -300, ("one", 700, 2000)),  # plain move
        (0, "start", -5000, ("one", 0, 2000)),  # first word: clamped at the media start
        (0, "start", +5000, ("one", 2000, 2000)),  # past its own end: clamped to zero length
        (0, "end", +500, ("one", 1000, 2000)),  # touching the next word: cannot overlap it
        (1, "end", +5000, ("two", 2000, 4000)),  # stops at the next word's start
        (2, "start", -5000, ("three", 3000, 5000)),  # stops at the previous word's end
        (2, "end", +50_000, ("three", 4000, DURATION)),  # last word: clamped at the media end
        (1, "start", 0, ("two", 2000, 3000)),
    ],
)
def test_move_word_edge_clamps_to_the_nearest_legal_tick(key: int, edge: str, delta: int, expected: tuple) -> None:
    transcript = three_words()
    after, change = apply_then_undo(transcript, MoveWordEdge(key, edge, delta))  # type: ignore[arg-type]
    assert expected in after
    moved = expected != spans(three_words())[key]
    assert change.updated_keys == ({key} if moved else set())
    assert change.is_empty is not moved


def test_forced_edge_move_may_overlap_but_not_leave_the_media() -> None:
    transcript = three_words()
    after, _ = apply_then_undo(transcript, MoveWordEdge(0, "end", +1500, force=True))
    assert ("one", 1000, 3500) in after
    after, _ = apply_then_undo(transcript, MoveWordEdge(2, "end", +50_000, force=True))
    assert ("three", 4000, DURATION) in after
    after, _ = apply_then_undo(transcript, MoveWordEdge(2, "start", -50_000, force=True))
    assert after[0] == ("three", 0, 5000)  # it now starts first: order follows the times


def test_zero_length_word_edges_keep_start_before_end() -> None:
    transcript = transcript_of(("a", 1000, 2000), ("dot", 2000, 2000), ("b", 2000, 3000))
    after, change = apply_then_undo(transcript, MoveWordEdge(1, "start", +100))
    assert ("dot", 2000, 2000) in after and change.is_empty
    after, change = apply_then_undo(transcript, MoveWordEdge(1, "end", -100))
    assert ("dot", 2000, 2000) in after and change.is_empty


def test_nudge_is_an_edge_move_by_the_step_and_to_tick_sets_it_at_the_playhead() -> None:
    transcript = three_words()
    ten_milliseconds = 600
    after, _ = apply_then_undo(transcript, MoveWordEdge(2, "start", -ten_milliseconds))
    assert ("three", 3400, 5000) in after
    command = MoveWordEdge.to_tick(transcript, 2, "end", 4700)
    assert command.delta_ticks == -300
    after, _ = apply_then_undo(transcript, command)
    assert ("three", 4000, 4700) in after


def test_an_existing_overlap_may_stay_but_never_grows() -> None:
    transcript = transcript_of(("a", 1000, 2500), ("b", 2000, 3000))
    after, change = apply_then_undo(transcript, MoveWordEdge(0, "end", +200))
    assert change.is_empty and after[0] == ("a", 1000, 2500)
    after, _ = apply_then_undo(transcript, MoveWordEdge(0, "end", -200))
    assert after[0] == ("a", 1000, 2300)
    after, change = apply_then_undo(transcript, MoveWordEdge(1, "start", -300))
    assert change.is_empty


def test_timeline_ticks_move_with_the_source_edge() -> None:
    word = EditableWord(0, "clip", 1000, 2000, 0.9, timeline_start_ticks=61_000, timeline_end_ticks=62_000)
    transcript = EditableTranscript([word], DURATION)
    MoveWordEdge(0, "start", -400).apply(transcript)
    assert (transcript[0].timeline_start_ticks, transcript[0].timeline_end_ticks) == (60_600, 62_000)


# Moving a whole word and a shared edge.


@pytest.mark.parametrize(
    ("key", "delta", "expected"),
    [
        (2, -300, ("three", 3700, 4700)),
        (2, -5000, ("three", 3000, 4000)),  # stops against the previous word
        (2, +50_000, ("three", 9000, DURATION)),  # stops at the media end, length kept
        (0, -5000, ("one", 0, 1000)),  # first word: stops at the media start
        (1, +500, ("two", 2500, 3500)),  # touching on the left, free on the right: moves right
        (1, -500, ("two", 2000, 3000)),  # touching on the left: cannot move left
    ],
)
def test_move_word_keeps_its_length_and_stays_between_its_neighbours(key: int, delta: int, expected: tuple) -> None:
    transcript = three_words()
    after, _ = apply_then_undo(transcript, MoveWord(key, delta))
    assert expected in after


def test_forced_move_word_passes_its_neighbour() -> None:
    transcript = three_words()
    after, _ = apply_then_undo(transcript, MoveWord(2, -3500, force=True))
    assert after == [("three", 500, 1500), ("one", 1000, 2000), ("two", 2000, 3000)]


def test_move_shared_edge_moves_both_words_and_keeps_them_touching() -> None:
    transcript = three_words()
    after, change = apply_then_undo(transcript, MoveSharedEdge(0, -400))
    assert after[:2] == [("one", 1000, 1600), ("two", 1600, 3000)]
    assert change.updated_keys == {0, 1} and (change.start_ticks, change.end_ticks) == (1000, 3000)
    after, _ = apply_then_undo(transcript, MoveSharedEdge(0, +5000))
    assert after[:2] == [("one", 1000, 3000), ("two", 3000, 3000)]  # clamped at the end of "two"
    after, _ = apply_then_undo(transcript, MoveSharedEdge(0, -5000))
    assert after[:2] == [("one", 1000, 1000), ("two", 1000, 3000)]
    with pytest.raises(NoNeighbourWord):
        MoveSharedEdge(2, 100).apply(transcript)


# Text commands.


def test_set_word_text_trims_and_rejects_empty_text() -> None:
    transcript = three_words()
    after, change = apply_then_undo(transcript, SetWordText(1, "  too  "))
    assert ("too", 2000, 3000) in after and change.updated_keys == {1}
    with pytest.raises(EmptyWordText, match="delete the word"):
        SetWordText(1, "   ").apply(transcript)
    assert spans(transcript) == spans(three_words())


def test_split_word_at_a_tick_with_the_callers_texts() -> None:
    transcript = transcript_of(("lighthouse", 1000, 3000))
    command = SplitWord.create(transcript, 0, 1800, "light", "house")
    after, change = apply_then_undo(transcript, command)
    assert after == [("light", 1000, 1800), ("house", 1800, 3000)]
    assert change.inserted_keys == {command.new_word_key} and change.updated_keys == {0}
    after, _ = apply_then_undo(transcript, SplitWord.create(transcript, 0, 99_999, "a", "b"))
    assert after == [("a", 1000, 3000), ("b", 3000, 3000)]  # the cut is clamped into the word
    with pytest.raises(EmptyWordText):
        SplitWord.create(transcript, 0, 1800, "light", " ").apply(transcript)
    with pytest.raises(WordKeyInUse):
        SplitWord(0, 1800, "a", "b", new_word_key=0).apply(transcript)


def test_split_word_divides_the_timeline_span_at_the_same_offset() -> None:
    word = EditableWord(0, "ab", 1000, 3000, 0.4, "s_1", timeline_start_ticks=11_000, timeline_end_ticks=13_000)
    transcript = EditableTranscript([word], DURATION)
    SplitWord(0, 2500, "a", "b", 7).apply(transcript)
    assert [(w.timeline_start_ticks, w.timeline_end_ticks, w.confidence) for w in transcript] == [
        (11_000, 12_500, 0.4),
        (12_500, 13_000, 0.4),
    ]


def test_merge_with_next_spans_both_and_keeps_the_lower_confidence() -> None:
    transcript = transcript_of(("light", 1000, 1800), ("house", 1900, 3000))
    after, change = apply_then_undo(transcript, MergeWithNext(0, separator=""))
    assert after == [("lighthouse", 1000, 3000)]
    assert change.removed_keys == {1} and change.updated_keys == {0}
    with pytest.raises(NoNeighbourWord):
        MergeWithNext(1).apply(transcript)
    MergeWithNext(0).apply(transcript)
    assert transcript[0].text == "light house"


def test_insert_word_is_clamped_into_the_gap_and_inherits_the_sentence() -> None:
    transcript = three_words()
    after, change = apply_then_undo(transcript, InsertWord.create(transcript, " and ", 3200, 3800))
    assert after[2] == ("and", 3200, 3800) and len(change.inserted_keys) == 1
    after, _ = apply_then_undo(transcript, InsertWord.create(transcript, "and", 3500, 4500))
    assert after[2] == ("and", 3500, 4000)  # end clamped at the next word
    after, _ = apply_then_undo(transcript, InsertWord.create(transcript, "so", 2500, 2800))
    assert ("so", 3000, 3000) in after  # start inside "two": moved to the gap after it, no room left
    after, _ = apply_then_undo(transcript, InsertWord.create(transcript, "end", 9500, 12_000))
    assert after[-1] == ("end", 9500, DURATION)
    after, _ = apply_then_undo(transcript, InsertWord.create(transcript, "over", 2500, 2800, force=True))
    assert ("over", 2500, 2800) in after
    command = InsertWord.create(transcript, "x", 3200, 3300)
    command.apply(transcript)
    assert transcript.word(command.new_word_key).segment_id == "s_1"
    with pytest.raises(EmptyWordText):
        InsertWord.create(transcript, "", 3400, 3500).apply(transcript)


def test_insert_into_an_empty_transcript() -> None:
    transcript = EditableTranscript([], DURATION)
    after, _ = apply_then_undo(transcript, InsertWord.create(transcript, "hello", 100, 900))
    assert after == [("hello", 100, 900)]


def test_delete_words_first_last_and_all() -> None:
    transcript = three_words()
    after, change = apply_then_undo(transcript, DeleteWords((0,)))
    assert [text for text, _, _ in after] == ["two", "three"] and change.removed_keys == {0}
    after, change = apply_then_undo(transcript, DeleteWords((2, 0, 1)))
    assert after == [] and change.removed_keys == {0, 1, 2}
    assert (change.start_ticks, change.end_ticks) == (1000, 5000)
    with pytest.raises(UnknownWord):
        DeleteWords((0, 99)).apply(transcript)
    assert len(transcript) == 3  # all or nothing


def test_replace_text_across_words_is_one_undoable_step() -> None:
    transcript = transcript_of(("Teh", 0, 100), ("cat", 100, 200), ("teh", 200, 300), ("tehran", 300, 400))
    after, change = apply_then_undo(transcript, ReplaceText("teh", "the", case_sensitive=False, whole_word=True))
    assert [text for text, _, _ in after] == ["the", "cat", "the", "tehran"]
    assert change.updated_keys == {0, 2}
    after, _ = apply_then_undo(transcript, ReplaceText("teh", "the"))
    assert [text for text, _, _ in after] == ["Teh", "cat", "the", "theran"]
    after, _ = apply_then_undo(transcript, ReplaceText("a", r"\1"))
    assert after[1][0] == r"c\1t"  # the replacement is literal text, not a regex template
    assert find_words(transcript, "TEH", case_sensitive=False) == [0, 2, 3]


def test_replace_text_that_empties_a_word_changes_nothing() -> None:
    transcript = transcript_of(("uh", 0, 100), ("um", 100, 200), ("uh-huh", 200, 300))
    with pytest.raises(EmptyWordText, match="'uh'"):
        ReplaceText("uh", "").apply(transcript)
    assert [word.text for word in transcript] == ["uh", "um", "uh-huh"]
    _, change = apply_then_undo(transcript, ReplaceText("zzz", "y"))
    assert change.is_empty


def test_retime_words_and_batches_undo_as_one() -> None:
    transcript = three_words()
    after, change = apply_then_undo(transcript, RetimeWords(((0, 900, 1900), (2, 4100, 4900))))
    assert after == [("one", 900, 1900), ("two", 2000, 3000), ("three", 4100, 4900)]
    assert change.updated_keys == {0, 2}
    batch = CommandBatch((SetWordText(0, "won"), DeleteWords((1,)), MoveWord(2, -500)))
    after, change = apply_then_undo(transcript, batch)
    assert after == [("won", 1000, 2000), ("three", 3500, 4500)]
    assert change.removed_keys == {1} and change.updated_keys == {0, 2}


def test_a_failing_batch_leaves_the_transcript_untouched() -> None:
    transcript = three_words()
    with pytest.raises(EmptyWordText):
        CommandBatch((DeleteWords((1,)), SetWordText(0, ""))).apply(transcript)
    assert spans(transcript) == spans(three_words())


def test_commands_are_frozen_values_and_redo_recreates_the_same_keys() -> None:
    transcript = three_words()
    command = SplitWord.create(transcript, 2, 4500, "thr", "ee")
    with pytest.raises(AttributeError):
        command.at_tick = 1  # type: ignore[misc]
    first = command.apply(transcript)
    first.inverse.apply(transcript)
    again = command.apply(transcript)
    assert again.change == first.change
    assert transcript.word(command.new_word_key).text == "ee"
