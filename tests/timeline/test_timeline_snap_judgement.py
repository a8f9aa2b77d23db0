"""The judgement behind refine_all's refusals, on envelopes built by hand."""

from __future__ import annotations

import numpy as np
import pytest

from metavis_gui.timeline.boundary_refinement import refine_all
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord
from metavis_gui.timeline.snap_judgement import _speech_before, engine_lean
from metavis_gui.timeline.speech_envelope import SpeechEnvelope


def envelope_of(runs: list[tuple[int, int]], duration_ticks: int = 200_000) -> SpeechEnvelope:
    onsets = np.array([onset for onset, _ in runs], np.int64)
    offsets = np.array([offset for _, offset in runs], np.int64)
    return SpeechEnvelope(16_000, 160, np.zeros(1), -60.0, onsets, offsets, duration_ticks)


def test_speech_before_agrees_with_the_envelopes_own_count() -> None:
    envelope = envelope_of([(6_000, 24_000), (30_000, 48_000), (51_000, 51_700), (90_000, 120_000)])
    ticks = np.random.default_rng(5).integers(-1_000, 130_000, size=(500, 2))
    counted = _speech_before(ticks[:, 1], envelope) - _speech_before(ticks[:, 0], envelope)
    expected = [
        envelope.speech_ticks_between(int(a), int(b)) - envelope.speech_ticks_between(int(b), int(a)) for a, b in ticks
    ]
    assert counted.tolist() == expected


def test_the_lean_is_the_way_at_least_twice_as_many_moves_over_speech_go() -> None:
    envelope = envelope_of([(0, 100_000)])
    original = [(10_000, 20_000), (30_000, 40_000), (50_000, 60_000)]

    def lean(moves: list[int]) -> int:
        proposed = [[start + move, end] for (start, end), move in zip(original, moves)]
        return engine_lean(original, proposed, envelope)

    assert lean([-6_000, -6_000, 6_000]) == -1
    assert lean([6_000, 6_000, -6_000]) == 1
    assert lean([-6_000, 0, 6_000]) == 0
    # Moves over 40 ms of speech are under the tolerance and not counted; one counted move is no lean.
    assert lean([-6_000, -6_000, 2_400]) == -1
    assert lean([-2_400, -2_400, 6_000]) == 0


RUN_ONSETS = [index * 30_000 + 6_000 for index in range(11)]  # a run every 500 ms, 400 ms long
RUN_OFFSETS = [onset + 24_000 for onset in RUN_ONSETS]


def refined_times(words: list[tuple[int, int]]) -> list[tuple[int, int]]:
    envelope = envelope_of(list(zip(RUN_ONSETS, RUN_OFFSETS)), duration_ticks=RUN_OFFSETS[-1] + 30_000)
    transcript = EditableTranscript(
        [EditableWord(key, f"w{key}", start, end, 0.9) for key, (start, end) in enumerate(words)],
        envelope.duration_ticks,
    )
    refine_all(transcript, envelope).apply(transcript)
    return [(word.start_ticks, word.end_ticks) for word in transcript]


@pytest.mark.parametrize("last_end_at_a_pause", [True, False])
def test_a_chain_of_moves_against_the_lean_stands_or_falls_with_the_word_it_ends_at(last_end_at_a_pause: bool) -> None:
    # w0-w5 come 80 ms late (the lean); w6-w9 10 ms early, so each of their boundaries moves forward over
    # 10 ms of the next word's speech, and each word is pinned only by its end's move onto the next word.
    late = [(RUN_ONSETS[index] + 4_800, RUN_ONSETS[index + 1] + 4_800) for index in range(5)]
    early = [(RUN_OFFSETS[index - 1] - 600, RUN_OFFSETS[index] - 600) for index in range(6, 10)]
    last_end = RUN_OFFSETS[9] + 1_200 if last_end_at_a_pause else RUN_ONSETS[9] + 12_000
    words = [*late, (late[-1][1], early[0][0]), *early[:-1], (early[-1][0], last_end)]
    snapped = [(onset, offset) for onset, offset in zip(RUN_ONSETS, RUN_OFFSETS)][:10]
    if last_end_at_a_pause:
        assert refined_times(words) == snapped
    else:
        assert refined_times(words) == [*snapped[:5], (RUN_ONSETS[5], early[0][0]), *words[6:]]
