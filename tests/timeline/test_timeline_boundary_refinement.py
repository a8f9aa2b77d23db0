"""Snapping to the audio on synthetic signals whose onsets and offsets are known to the sample."""

from __future__ import annotations

import numpy as np
import pytest

from metavis_gui.timeline.boundary_refinement import (
    compute_speech_envelope,
    nearest_pause,
    refine_all,
    snap_boundary,
    snap_edge_command,
)
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord

RATE = 16_000
TICKS_PER_SAMPLE = 60_000 / RATE  # 3.75
# (first sample, end sample) of each burst; deliberately not on 10 ms hop edges.
BURSTS = [(8_123, 14_001), (15_611, 22_950), (28_777, 36_000), (37_123, 44_444)]
LENGTH = 52_000


def tick(sample: int) -> int:
    return (sample * 120_000 + RATE) // (2 * RATE)


def bursts(noise_db: float | None = None, spans: list[tuple[int, int]] = BURSTS) -> np.ndarray:
    """A 4 kHz tone at phase pi/4, so no sample inside a burst is near zero, with digital silence around it."""
    signal = np.zeros(LENGTH, np.float32)
    for first, end in spans:
        signal[first:end] = 0.5 * np.sin(np.pi / 2 * np.arange(end - first) + np.pi / 4)
    if noise_db is not None:
        signal += np.random.default_rng(3).normal(0, 10 ** (noise_db / 20), LENGTH).astype(np.float32)
    return signal


def test_onsets_and_offsets_of_bursts_are_exact_to_the_tick() -> None:
    envelope = compute_speech_envelope(bursts(), RATE)
    assert envelope.onset_ticks.tolist() == [tick(first) for first, _ in BURSTS]
    assert envelope.offset_ticks.tolist() == [tick(end) for _, end in BURSTS]
    assert envelope.duration_ticks == tick(LENGTH)


def test_int16_samples_give_the_same_envelope() -> None:
    as_int16 = np.round(bursts() * 32767).astype(np.int16)
    envelope = compute_speech_envelope(as_int16, RATE)
    assert envelope.onset_ticks.tolist() == [tick(first) for first, _ in BURSTS]


def test_in_noise_the_edges_are_within_one_hop() -> None:
    envelope = compute_speech_envelope(bursts(noise_db=-50), RATE)
    hop_ticks = 600
    assert len(envelope.onset_ticks) == len(BURSTS)
    for found, (first, end) in zip(zip(envelope.onset_ticks, envelope.offset_ticks), BURSTS):
        assert abs(found[0] - tick(first)) <= hop_ticks and abs(found[1] - tick(end)) <= hop_ticks
    assert -62 < envelope.threshold_db < -40  # set from the noise floor, not fixed


def test_short_pauses_are_bridged_and_clicks_dropped() -> None:
    spans = [(1_600, 8_000), (8_320, 16_000), (24_000, 24_080), (32_000, 40_000)]  # 20 ms pause, 5 ms click
    envelope = compute_speech_envelope(bursts(spans=spans), RATE)
    assert envelope.onset_ticks.tolist() == [tick(1_600), tick(32_000)]
    assert envelope.offset_ticks.tolist() == [tick(16_000), tick(40_000)]


def test_silence_has_no_speech_and_snapping_leaves_everything() -> None:
    envelope = compute_speech_envelope(np.zeros(RATE, np.float32), RATE)
    assert envelope.run_count == 0
    assert snap_boundary(5000, "start", envelope) == 5000
    assert nearest_pause(5000, "end", envelope) is None


@pytest.mark.parametrize(
    ("boundary_sample", "kind", "expected_sample"),
    [
        (14_500, "start", 15_611),  # inside the pause before burst 2: forward to its onset
        (16_800, "start", 15_611),  # 74 ms into burst 2: back to its onset
        (19_000, "start", 19_000),  # 212 ms into burst 2 and 249 ms before the next pause: stays
        (21_500, "start", 28_777),  # 91 ms before the pause after burst 2: that pause's onset
        (13_000, "end", 14_001),  # 62 ms before the end of burst 1: forward to its offset
        (15_000, "end", 14_001),  # inside the pause: back to the offset before it
        (17_000, "end", 14_001),  # 87 ms into burst 2: back to the pause before it
        (6_000, "end", 6_000),  # in the leading silence: no offset before it, the next is 500 ms away
        (50_000, "end", 44_444),  # in the trailing silence
        (500, "start", 8_123),  # in the leading silence
    ],
)
def test_snap_boundary_moves_to_the_edge_of_the_nearest_pause_within_150_ms(
    boundary_sample: int, kind: str, expected_sample: int
) -> None:
    envelope = compute_speech_envelope(bursts(), RATE)
    assert snap_boundary(tick(boundary_sample), kind, envelope) == tick(expected_sample)  # type: ignore[arg-type]


def test_the_window_is_a_parameter() -> None:
    envelope = compute_speech_envelope(bursts(), RATE)
    assert snap_boundary(tick(19_000), "start", envelope, window_ticks=15_000) == tick(15_611)
    assert snap_boundary(tick(16_800), "start", envelope, window_ticks=3_000) == tick(16_800)


def words_over_bursts(lag_samples: int) -> EditableTranscript:
    """One word a burst, every boundary `lag_samples` late, each word ending where the next starts (as whisper.cpp does)."""
    starts = [first + lag_samples for first, _ in BURSTS]
    ends = starts[1:] + [BURSTS[-1][1] + lag_samples]
    words = [
        EditableWord(key, f"w{key}", tick(start), tick(end), 0.9) for key, (start, end) in enumerate(zip(starts, ends))
    ]
    return EditableTranscript(words, tick(LENGTH))


def test_refine_all_puts_lagging_touching_boundaries_on_the_bursts_and_undoes_in_one_step() -> None:
    transcript = words_over_bursts(lag_samples=1_200)  # 75 ms late
    before = transcript.words
    command = refine_all(transcript, compute_speech_envelope(bursts(), RATE))
    applied = command.apply(transcript)
    assert [(word.start_ticks, word.end_ticks) for word in transcript] == [(tick(a), tick(b)) for a, b in BURSTS]
    assert applied.change.updated_keys == {0, 1, 2, 3}
    applied.inverse.apply(transcript)
    assert transcript.words == before


def test_refine_all_leaves_boundaries_with_no_pause_in_reach() -> None:
    transcript = words_over_bursts(lag_samples=3_000)  # 187 ms late: every pause is out of reach...
    command = refine_all(transcript, compute_speech_envelope(bursts(), RATE))
    # ...except for the last end, which lies in the trailing silence.
    assert command.new_times == ((3, tick(37_123 + 3_000), tick(44_444)),)


def test_refine_all_leaves_no_speech_without_a_word() -> None:
    # 250 ms late, the first start is 117 ms before the pause after burst 1: snapping it to the
    # onset of burst 2 would leave burst 1 with no word, so it stays.
    transcript = words_over_bursts(lag_samples=4_000)
    command = refine_all(transcript, compute_speech_envelope(bursts(), RATE))
    assert 0 not in {key for key, _, _ in command.new_times}


def test_refine_all_never_crosses_a_neighbour_or_makes_a_word_shorter_than_20_ms() -> None:
    envelope = compute_speech_envelope(bursts(), RATE)
    # "a" would snap to [onset 2, offset 2] but "b" already sits at the start of burst 2 and ends inside it.
    words = [
        EditableWord(0, "a", tick(15_000), tick(15_700), 0.9),
        EditableWord(1, "b", tick(15_700), tick(16_000), 0.9),  # would shrink to nothing at its start snap
        EditableWord(2, "c", tick(28_900), tick(36_100), 0.9),
        EditableWord(3, "tiny", tick(36_100), tick(36_300), 0.9),  # 12.5 ms already: may not get shorter
    ]
    transcript = EditableTranscript(words, tick(LENGTH))
    refine_all(transcript, envelope).apply(transcript)
    previous_end = 0
    for word, original in zip(transcript, words, strict=True):
        assert word.start_ticks >= previous_end
        assert word.end_ticks - word.start_ticks >= min(1_200, original.end_ticks - original.start_ticks)
        previous_end = word.end_ticks
    assert (transcript.word(2).start_ticks, transcript.word(2).end_ticks) == (tick(28_777), tick(36_000))


def test_snap_edge_command_clamps_at_the_neighbour_like_any_edge_move() -> None:
    envelope = compute_speech_envelope(bursts(), RATE)
    words = [
        EditableWord(0, "a", tick(8_123), tick(15_000), 0.9),
        EditableWord(1, "b", tick(16_000), tick(22_000), 0.9),
    ]
    transcript = EditableTranscript(words, tick(LENGTH))
    snap_edge_command(transcript, 1, "start", envelope).apply(transcript)
    assert transcript.word(1).start_ticks == tick(15_611)
    snap_edge_command(transcript, 0, "end", envelope).apply(transcript)
    assert transcript.word(0).end_ticks == tick(14_001)


def samples_of_ms(spans_ms: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(first * RATE // 1000, end * RATE // 1000) for first, end in spans_ms]


def refined_ms(spans_ms: list[tuple[int, int]], words_ms: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """refine_all on bursts at `spans_ms` of words at `words_ms`; the words' times after it, in ms."""
    envelope = compute_speech_envelope(bursts(spans=samples_of_ms(spans_ms)), RATE)
    words = [
        EditableWord(key, f"w{key}", tick(start * RATE // 1000), tick(end * RATE // 1000), 0.9)
        for key, (start, end) in enumerate(words_ms)
    ]
    transcript = EditableTranscript(words, tick(LENGTH))
    refine_all(transcript, envelope).apply(transcript)
    return [(word.start_ticks / 60, word.end_ticks / 60) for word in transcript]


def mirrored(spans_ms: list[tuple[int, int]], total_ms: int = 2_300) -> list[tuple[int, int]]:
    return [(total_ms - end, total_ms - start) for start, end in reversed(spans_ms)]


# Five words over five bursts, each boundary 75 ms late (as whisper.cpp's DTW times run), except two:
# w1|w2 is 160 ms into w2's burst (past the 150 ms window) and 140 ms before its end, and w2|w3 220 ms
# into w3's burst with its end 280 ms away.
LATE_BURSTS_MS = [(100, 400), (500, 800), (860, 1_160), (1_300, 1_800), (1_900, 2_200)]
LATE_WORDS_MS = [(175, 575), (575, 1_020), (1_020, 1_520), (1_520, 1_975), (1_975, 2_275)]


@pytest.mark.parametrize("engine", ["late", "early"])
def test_a_boundary_later_than_the_window_does_not_jump_to_the_next_words_pause(engine: str) -> None:
    # The nearest pause to w1|w2 is the one after w2's burst: snapping there would hand w2's speech to w1 and
    # start w2 inside w3. The other boundaries move back over speech, so the engine runs late, and this
    # one would move forward over speech into w2, whose end is at no pause: both edges stay. An engine
    # that runs early is the same case in a mirror.
    expected = [(100, 400), (500, 1_020), (1_020, 1_520), (1_520, 1_800), (1_900, 2_200)]
    if engine == "late":
        assert refined_ms(LATE_BURSTS_MS, LATE_WORDS_MS) == expected
    else:
        assert refined_ms(mirrored(LATE_BURSTS_MS), mirrored(LATE_WORDS_MS)) == mirrored(expected)


@pytest.mark.parametrize(
    ("last_end_ms", "expected_ms"),
    [
        (1_975, [(100, 400), (500, 1_200), (1_300, 1_900)]),  # w2's end snaps to the pause after its burst
        (1_600, [(100, 400), (500, 1_170), (1_170, 1_600)]),  # w2's end is 300 ms inside its burst
    ],
)
def test_a_move_against_the_engines_lean_is_kept_only_for_a_word_pinned_at_its_other_edge(
    last_end_ms: int, expected_ms: list[tuple[int, int]]
) -> None:
    # The engine runs late (w0's edges and w1's start move back 75 ms over speech); w1|w2 is 30 ms before
    # the end of w1's burst, and moving it forward takes 30 ms of speech from w2. With w2's end at a
    # pause, w2 is pinned there and the move is kept; with w2's end inside speech, nothing says where w2 is.
    spans = [(100, 400), (500, 1_200), (1_300, 1_900)]
    words = [(175, 575), (575, 1_170), (1_170, last_end_ms)]
    assert refined_ms(spans, words) == expected_ms


@pytest.mark.parametrize(
    ("words_ms", "expected_ms"),
    [
        # b starts 10 ms before the end of the middle burst, which a does not reach: moving b's start to the
        # next onset would leave that burst with no word, so it stays.
        ([(100, 400), (790, 1_160)], [(100, 400), (790, 1_160)]),
        # a ends 10 ms into the middle burst, which b does not reach: a's end stays too.
        ([(100, 510), (860, 1_160)], [(100, 510), (860, 1_160)]),
        # With b reaching into the middle burst, a's end may leave it.
        ([(100, 510), (700, 1_160)], [(100, 400), (700, 1_160)]),
    ],
)
def test_refine_all_leaves_no_run_of_speech_without_a_word(
    words_ms: list[tuple[int, int]], expected_ms: list[tuple[int, int]]
) -> None:
    assert refined_ms([(100, 400), (500, 800), (860, 1_160)], words_ms) == expected_ms
