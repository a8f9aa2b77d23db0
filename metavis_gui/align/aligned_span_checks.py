"""Whether an aligned span can be trusted over the engine's own times.

A forced aligner always returns an answer, even for music or the wrong sentence, so the answer is
checked before it replaces anything. A chunk is rejected whole when its words match the audio badly
on average (the acoustic score per frame is relative to the best-matching sound of each frame, so it
sinks when the text is not what was said) or when most of its words fail the word checks. A single
word falls back when its own score is very low, when it lies far from where the engine heard it,
when it was squeezed to the shortest span its phones allow while the engine gave it much more, or
when it runs absurdly long (for its phones, or against the engine's time). A retry that doubts the
engine's times skips the checks against them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.transcript import TranscriptWord

FRAME_TICKS = TICKS_PER_SECOND // 100
FRAMES_PER_PHONE_AT_LEAST = 3  # pocketsphinx's phones are three-state HMMs without skips


class SpanVerdict(str, Enum):
    TRUSTED = "trusted"
    LOW_SCORE = "low score"
    FAR_FROM_ENGINE = "far from the engine's time"
    SQUEEZED = "squeezed"
    TOO_LONG = "too long"


@dataclass(frozen=True)
class SpanCheckLimits:
    chunk_min_score: float = -3.5
    word_min_score: float = -7.0
    edge_word_min_score: float = -4.5
    chunk_max_rejected_fraction: float = 0.5
    far_from_engine_ticks: int = TICKS_PER_SECOND * 3 // 2
    # Engines sometimes pile a run of words into a few ms at a segment's end (whisper.cpp's token
    # times); where the engine gave a word less than this, its position says nothing.
    engine_min_credible_ticks: int = TICKS_PER_SECOND * 60 // 1000
    squeeze_engine_ratio: float = 6.0
    squeeze_engine_min_ticks: int = TICKS_PER_SECOND // 2
    too_long_ticks: int = TICKS_PER_SECOND * 5 // 2
    too_long_engine_ratio: float = 3.0
    # Past too_long_ticks, a word longer than this per phone is too long whatever the engine said: the
    # engine itself stretches the first word after silence or a tone over seconds of it.
    too_long_per_phone_ticks: int = TICKS_PER_SECOND * 4 // 10


DEFAULT_LIMITS = SpanCheckLimits()


@dataclass(frozen=True)
class AlignedSpan:
    """One word as the aligner timed it, in ticks of the whole audio."""

    start_ticks: int
    end_ticks: int
    log_score_per_frame: float
    phone_count: int


def word_verdict(span: AlignedSpan, engine: TranscriptWord, limits: SpanCheckLimits) -> SpanVerdict:
    aligned_length = span.end_ticks - span.start_ticks
    engine_length = engine.end_ticks - engine.start_ticks
    if span.log_score_per_frame < limits.word_min_score:
        return SpanVerdict.LOW_SCORE
    aligned_middle = (span.start_ticks + span.end_ticks) // 2
    engine_middle = (engine.start_ticks + engine.end_ticks) // 2
    engine_credible = engine_length >= limits.engine_min_credible_ticks
    if engine_credible and abs(aligned_middle - engine_middle) > limits.far_from_engine_ticks + engine_length // 2:
        return SpanVerdict.FAR_FROM_ENGINE
    shortest = (FRAMES_PER_PHONE_AT_LEAST * max(1, span.phone_count) + 1) * FRAME_TICKS
    if (
        aligned_length <= shortest
        and engine_length >= limits.squeeze_engine_min_ticks
        and engine_length >= limits.squeeze_engine_ratio * aligned_length
    ):
        return SpanVerdict.SQUEEZED
    if aligned_length > limits.too_long_ticks and (
        aligned_length > limits.too_long_engine_ratio * engine_length
        or aligned_length > limits.too_long_per_phone_ticks * max(1, span.phone_count)
    ):
        return SpanVerdict.TOO_LONG
    return SpanVerdict.TRUSTED


def chunk_trusted(spans: Sequence[AlignedSpan], verdicts: Sequence[SpanVerdict], limits: SpanCheckLimits) -> bool:
    """The chunk's words match the audio well enough, on average and in most words."""
    frames = sum(max(1, (span.end_ticks - span.start_ticks) // FRAME_TICKS) for span in spans)
    if frames == 0:
        return False
    weighted = sum(
        span.log_score_per_frame * max(1, (span.end_ticks - span.start_ticks) // FRAME_TICKS) for span in spans
    )
    if weighted / frames < limits.chunk_min_score:
        return False
    rejected = sum(verdict is not SpanVerdict.TRUSTED for verdict in verdicts)
    return rejected <= limits.chunk_max_rejected_fraction * len(verdicts)
