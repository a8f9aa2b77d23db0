"""The checks an aligned word and a retried stretch must pass, on spans made by hand."""

from __future__ import annotations

from metavis_gui.align.aligned_span_checks import DEFAULT_LIMITS, AlignedSpan, SpanVerdict, word_verdict
from metavis_gui.align.alignment_chunks import AlignmentChunk
from metavis_gui.align.anchored_retries import retry_limits
from metavis_gui.align.chunk_alignment_review import ChunkReview, merged_retries, merged_review_better
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.transcript import TranscriptWord


def _ticks(seconds: float) -> int:
    return int(seconds * TICKS_PER_SECOND)


def _engine(start: float, end: float) -> TranscriptWord:
    return TranscriptWord(text="and", start_ticks=_ticks(start), end_ticks=_ticks(end), confidence=0.9)


def _span(start: float, end: float, phones: int = 3, score: float = -1.0) -> AlignedSpan:
    return AlignedSpan(_ticks(start), _ticks(end), score, phones)


def test_a_short_word_held_for_seconds_is_too_long_even_where_the_engine_stretched_it_too() -> None:
    """whisper stretches the first word after silence over seconds of it; the aligner following it there
    (on silence that scores well) is no better."""
    stretched = _engine(0.0, 11.0)
    assert word_verdict(_span(0.3, 11.5), stretched, DEFAULT_LIMITS) is SpanVerdict.TOO_LONG
    assert word_verdict(_span(0.3, 11.5), stretched, retry_limits(DEFAULT_LIMITS)) is SpanVerdict.TOO_LONG
    assert word_verdict(_span(0.3, 0.7), _engine(0.3, 0.6), DEFAULT_LIMITS) is SpanVerdict.TRUSTED
    long_word = _span(0.0, 2.8, phones=9)  # "Americans," drawn out: 0.31 s a phone
    assert word_verdict(long_word, _engine(0.0, 2.6), DEFAULT_LIMITS) is SpanVerdict.TRUSTED


def test_a_retry_does_not_judge_words_by_the_engine_times_it_doubts() -> None:
    """The engine gave "Dr." 1.5 s of room tone; aligned next to its neighbours it takes its 0.13 s."""
    squeezed = _span(12.87, 13.0, phones=4)
    engine = _engine(8.0, 9.5)
    assert word_verdict(squeezed, engine, DEFAULT_LIMITS) is not SpanVerdict.TRUSTED
    assert word_verdict(squeezed, engine, retry_limits(DEFAULT_LIMITS)) is SpanVerdict.TRUSTED


def _review(first_word: int, verdicts: list[SpanVerdict], start: float, trusted: bool = True) -> ChunkReview:
    count = len(verdicts)
    chunk = AlignmentChunk(first_word, first_word + count, int(start * 16000), int((start + count) * 16000))
    spans = tuple(_span(start + index, start + index + 0.5) for index in range(count))
    return ChunkReview(
        chunk, tuple(range(first_word, first_word + count)), spans, ((),) * count, tuple(verdicts), trusted
    )


def test_a_chunk_with_a_word_that_failed_its_checks_is_aligned_again_with_its_neighbours() -> None:
    """Its cut may be on the wrong side of a word, whose audio then lay in the pause before the cut."""
    ok, low = SpanVerdict.TRUSTED, SpanVerdict.LOW_SCORE
    reviews = [_review(0, [ok, ok], 0.0), _review(2, [ok, low, ok, ok], 2.0), _review(6, [ok, ok], 6.0)]
    assert merged_retries(reviews, DEFAULT_LIMITS) == [(0, 3)]
    assert merged_retries([_review(0, [ok, ok], 0.0), _review(2, [ok, ok], 2.0)], DEFAULT_LIMITS) == []


def test_a_merged_alignment_replaces_the_chunks_only_when_it_times_at_least_as_many_words() -> None:
    ok, low = SpanVerdict.TRUSTED, SpanVerdict.LOW_SCORE
    originals = [_review(0, [ok, ok], 0.0), _review(2, [ok, low, ok], 2.0)]
    assert merged_review_better(_review(0, [ok, ok, ok, ok, ok], 0.0), originals)
    assert not merged_review_better(_review(0, [ok, low, low, ok, ok], 0.0), originals)
    assert not merged_review_better(_review(0, [ok, ok, ok, ok, ok], 0.0, trusted=False), originals)
