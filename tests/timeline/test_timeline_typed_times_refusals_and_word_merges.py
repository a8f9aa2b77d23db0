"""Typed times, the refusals timing tools give instead of silence, and merges that respect where a word was split."""

from __future__ import annotations

import numpy as np
import pytest

from metavis_gui.contract import TICKS_PER_SECOND
from metavis_gui.contract.captions import build_caption_cues
from metavis_gui.timeline.edit_commands import InsertWord, MergeWithNext, MoveWordEdge, SetWordText, SplitWord
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord
from metavis_gui.timeline.speech_envelope import SpeechEnvelope
from metavis_gui.timeline.time_entry import TimeEntryInvalid, format_time, parse_typed_time
from metavis_gui.timeline.timing_refusals import RefusalReason, edge_move_refusal, snap_refusal, word_move_refusal

SECOND = TICKS_PER_SECOND


def transcript_of(*spans: tuple[str, int, int], duration: int = 10 * SECOND) -> EditableTranscript:
    words = [EditableWord(key, text, start, end, 0.9, segment_id="s_1") for key, (text, start, end) in enumerate(spans)]
    return EditableTranscript(words, duration)


def envelope_of(runs: list[tuple[int, int]], duration_ticks: int = 10 * SECOND) -> SpeechEnvelope:
    onsets = np.array([onset for onset, _ in runs], np.int64)
    offsets = np.array([offset for _, offset in runs], np.int64)
    return SpeechEnvelope(16_000, 160, np.zeros(1), -60.0, onsets, offsets, duration_ticks)


@pytest.mark.parametrize(
    ("typed", "fps", "ticks"),
    [
        ("1.5", None, 90_000),
        (" 1.5s ", None, 90_000),
        ("00:00:01.500", None, 90_000),
        ("01:02.25", None, 62.25 * SECOND),
        ("00:00:01:12", 25.0, (25 + 12) * SECOND // 25),
        ("00:01:00:00", 30000 / 1001, round(60 * 30 * SECOND * 1001 / 30000)),
    ],
)
def test_typed_times_in_every_accepted_form(typed: str, fps: float | None, ticks: int) -> None:
    assert parse_typed_time(typed, fps) == ticks


@pytest.mark.parametrize(
    ("typed", "fps", "hint"),
    [
        ("00:00:01:12", None, "no frame rate is set"),
        ("00:00:01:25", 25.0, "frames to 24"),
        ("00:61.0", None, "out of range"),
        ("one second", None, "not a time"),
    ],
)
def test_a_bad_typed_time_names_what_is_accepted(typed: str, fps: float | None, hint: str) -> None:
    with pytest.raises(TimeEntryInvalid, match=hint):
        parse_typed_time(typed, fps)


@pytest.mark.parametrize("fps", [None, 24000 / 1001, 25.0, 30000 / 1001])
def test_a_shown_time_reads_back_as_the_same_time(fps: float | None) -> None:
    for ticks in (0, 61_234, 3_601 * SECOND + 17 * 2002):
        shown = format_time(ticks, fps)
        step = 60 if fps is None else SECOND / fps
        assert abs(parse_typed_time(shown, fps) - ticks) <= step / 2 + 1, shown


def test_an_edge_move_into_a_neighbour_or_past_the_media_says_what_stopped_it() -> None:
    transcript = transcript_of(("one", 1000, 2000), ("two", 2000, 3000), ("three", 4000, 5000), duration=6000)
    assert edge_move_refusal(transcript, 2, "start", 3500) is None
    next_word = edge_move_refusal(transcript, 1, "end", 4600)
    assert next_word is not None and next_word.reason is RefusalReason.NEXT_WORD and "'three'" in next_word.message
    assert edge_move_refusal(transcript, 1, "start", 1500).reason is RefusalReason.PREVIOUS_WORD
    assert edge_move_refusal(transcript, 0, "start", -10).reason is RefusalReason.MEDIA_START
    assert edge_move_refusal(transcript, 2, "end", 7000).reason is RefusalReason.MEDIA_END
    assert edge_move_refusal(transcript, 2, "end", 3900).reason is RefusalReason.OWN_OTHER_EDGE
    assert edge_move_refusal(transcript, 1, "end", 4600, force=True) is None
    # The refusal agrees with the command: where the message says the edge stops, it stops.
    MoveWordEdge.to_tick(transcript, 1, "end", 4600).apply(transcript)
    assert transcript.word(1).end_ticks == 4000


def test_a_whole_word_move_into_a_neighbour_is_refused_with_its_name() -> None:
    transcript = transcript_of(("one", 1000, 2000), ("two", 2000, 3000), ("three", 4000, 5000))
    assert word_move_refusal(transcript, 1, +1600) is not None
    assert word_move_refusal(transcript, 1, +1600).reason is RefusalReason.NEXT_WORD
    assert word_move_refusal(transcript, 1, -600).reason is RefusalReason.PREVIOUS_WORD
    assert word_move_refusal(transcript, 2, -600) is None
    assert word_move_refusal(transcript, 0, -2000).reason is RefusalReason.MEDIA_START


def test_a_snap_with_no_pause_in_reach_or_already_at_it_is_refused_with_the_reason() -> None:
    transcript = transcript_of(("one", 60_000, 90_000), ("two", 150_000, 170_000))
    envelope = envelope_of([(60_000, 90_000), (100_000, 200_000)])
    far = snap_refusal(transcript, 1, "start", envelope)
    assert far is not None and far.reason is RefusalReason.NO_PAUSE_IN_REACH
    assert "150 ms" in far.message and "50" in far.message
    assert snap_refusal(transcript, 0, "start", envelope).reason is RefusalReason.ALREADY_AT_PAUSE
    assert snap_refusal(transcript, 0, "start", envelope_of([])).reason is RefusalReason.NO_SPEECH
    moving = transcript_of(("one", 63_000, 90_000))
    assert snap_refusal(moving, 0, "start", envelope) is None  # 50 ms from its onset: it snaps


def test_merging_the_parts_of_a_word_split_between_letters_gives_the_word_back() -> None:
    transcript = transcript_of(("Americans", 1000, 3000), ("light house", 4000, 6000))
    SplitWord.create(transcript, 0, 2000, "Ameri", "cans").apply(transcript)
    SplitWord.create(transcript, 1, 5000, "light", "house").apply(transcript)
    assert [word.text for word in transcript] == ["Ameri", "cans", "light", "house"]

    MergeWithNext(0).apply(transcript)
    MergeWithNext(1).apply(transcript)
    assert [word.text for word in transcript] == ["Americans", "light house"]


def test_engine_words_and_inserted_words_merge_with_a_space() -> None:
    transcript = transcript_of(("ask", 1000, 2000), ("not", 2000, 3000))
    SplitWord.create(transcript, 0, 1500, "as", "k").apply(transcript)
    tail = transcript[1]
    MergeWithNext(tail.key).apply(transcript)  # "k" continues "as", not "not"
    assert [word.text for word in transcript] == ["as", "k not"]
    InsertWord.create(transcript, "so", 5000, 6000).apply(transcript)
    assert transcript[-1].continues_word_key is None
    undo = MergeWithNext(0).apply(transcript).inverse
    assert transcript[0].text == "ask not"
    undo.apply(transcript)
    MergeWithNext(0).apply(transcript)
    assert transcript[0].text == "ask not", "undo restored the parts as they were: merged again, they rejoin"


def cue_texts(transcript: EditableTranscript) -> list[str]:
    return [cue.text for cue in build_caption_cues(transcript.to_word_records())]


def test_captions_regroup_at_the_sentence_ends_an_edit_makes_or_removes() -> None:
    transcript = transcript_of(*((text, 6000 * i, 6000 * i + 5000) for i, text in
                                 enumerate(["He", "said", "“stop”", "and", "left", "then", "came", "back"])))  # fmt: skip
    assert cue_texts(transcript) == ["He said “stop” and left then came back"]
    SetWordText(2, "“stop.”").apply(transcript)  # a sentence ending inside closing quotes
    SetWordText(4, "left!").apply(transcript)
    assert cue_texts(transcript) == ["He said “stop.”", "and left!", "then came back"]
    MergeWithNext(2).apply(transcript)  # "“stop.” and": the word no longer ends the sentence
    assert cue_texts(transcript) == ["He said “stop.” and left!", "then came back"]
    SplitWord.create(transcript, 4, 27_000, "left", "!").apply(transcript)
    assert cue_texts(transcript) == ["He said “stop.” and left !", "then came back"]
