"""Windows of long audio for the aligner: cut in pauses between words, covering every word once."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from metavis_gui.align.alignment_windows import SAMPLE_RATE, alignment_windows
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.transcript import TranscriptWord


def _words(spans: list[tuple[float, float]]) -> list[TranscriptWord]:
    return [
        TranscriptWord(text=f"w{index}", start_ticks=round(start * TICKS_PER_SECOND),
                       end_ticks=round(end * TICKS_PER_SECOND), confidence=1.0)
        for index, (start, end) in enumerate(spans)
    ]  # fmt: skip


def test_a_short_recording_is_one_window() -> None:
    words = _words([(1.0, 1.5), (2.0, 2.4)])
    assert len(alignment_windows(words, 10 * SAMPLE_RATE, window_seconds=60)) == 1


def test_the_cut_takes_the_longest_pause_before_the_window_ends() -> None:
    # Words every second; one long pause at 50-53 s, inside the two minutes before a 60 s window ends.
    spans = [(second + 0.1, second + 0.8) for second in range(0, 50)] + [(s + 0.1, s + 0.8) for s in range(53, 100)]
    windows = alignment_windows(_words(spans), 100 * SAMPLE_RATE, window_seconds=60)
    first_cut = windows[1].first_sample / SAMPLE_RATE
    assert 50 < first_cut < 53 and windows[0].end_word == 50


@given(
    gaps=st.lists(st.floats(min_value=0.0, max_value=30.0), min_size=1, max_size=200),
    lengths=st.lists(st.floats(min_value=0.05, max_value=2.0), min_size=200, max_size=200),
    window=st.floats(min_value=10.0, max_value=120.0),
)
def test_windows_cover_every_word_once_in_order_and_never_cut_a_word(gaps, lengths, window) -> None:  # type: ignore[no-untyped-def]
    spans, cursor = [], 0.0
    for gap, length in zip(gaps, lengths):
        spans.append((cursor + gap, cursor + gap + length))
        cursor += gap + length
    total = int((cursor + 5) * SAMPLE_RATE)
    words = _words(spans)
    windows = alignment_windows(words, total, window_seconds=window)
    assert windows[0].first_word == 0 and windows[-1].end_word == len(words)
    assert windows[0].first_sample == 0 and sum(w.sample_count for w in windows) == total
    for before, after in zip(windows, windows[1:]):
        assert before.end_word == after.first_word
        assert before.first_sample + before.sample_count == after.first_sample
    for window_ in windows:
        low, high = window_.first_sample, window_.first_sample + window_.sample_count
        for word in words[window_.first_word : window_.end_word]:
            start = word.start_ticks * SAMPLE_RATE // TICKS_PER_SECOND
            end = word.end_ticks * SAMPLE_RATE // TICKS_PER_SECOND
            assert low <= start and end <= high, (window_, word)
