"""Whatever words come in, the same words come out: count, order, text; times in order, inside the audio."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metavis_gui.align import align_words
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.contract.word_timing import WordTimingSource
from metavis_gui.timeline.transcript import TranscriptWord
from tests.align.conftest import JFK_WAV, read_wav

JFK = read_wav(JFK_WAV)
JFK_TICKS = len(JFK) * TICKS_PER_SECOND // 16000
SAMPLE_WORDS = (
    "And", "so,", "Americans,", "ask", "country", "you,", "1961", "FBI", "well-known", "$5", "--", "[Music]",
    "Ameri-cans", "3.5", "21st", "don't", "Okonkwo",
)  # fmt: skip
WORD_TEXTS = st.one_of(
    st.sampled_from(SAMPLE_WORDS), st.text(min_size=1, max_size=12).filter(lambda text: text.strip() != "")
)


@st.composite
def engine_words(draw: st.DrawFn) -> list[TranscriptWord]:
    count = draw(st.integers(min_value=0, max_value=30))
    words = []
    for index in range(count):
        start = draw(st.integers(min_value=0, max_value=JFK_TICKS + TICKS_PER_SECOND))  # engines overshoot the end
        length = draw(st.integers(min_value=0, max_value=2 * TICKS_PER_SECOND))
        words.append(
            TranscriptWord(
                text=draw(WORD_TEXTS),
                start_ticks=start,
                end_ticks=start + length,
                confidence=draw(st.floats(min_value=0, max_value=1)),
                segment_index=index // draw(st.integers(min_value=1, max_value=10)),
            )
        )
    if draw(st.booleans()):
        words.sort(key=lambda word: word.start_ticks)
    return words


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(engine_words(), st.sampled_from([np.int16, np.float32]))
def test_words_keep_count_order_and_text_and_get_ordered_times(words: list[TranscriptWord], dtype: type) -> None:
    samples = JFK if dtype is np.int16 else JFK.astype(np.float32) / 32768
    result = align_words(samples, words, "en")
    assert [(word.text, word.confidence, word.segment_index) for word in result.words] == [
        (word.text, word.confidence, word.segment_index) for word in words
    ]
    assert len(result.sources) == len(words)
    assert result.aligned_count + result.engine_timed_count == len(words)
    if not words:
        return
    starts = [word.start_ticks for word in result.words]
    ends = [word.end_ticks for word in result.words]
    assert all(0 <= start <= end <= JFK_TICKS for start, end in zip(starts, ends))
    assert all(end <= following for end, following in zip(ends, starts[1:]))
    for word, source in zip(result.words, result.sources):
        assert word.timing_source is source
        if source is WordTimingSource.ALIGNED:
            assert word.end_ticks > word.start_ticks
