"""From the chunks' raw alignments to one trusted span (or none) per word, and what to tell the user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from metavis_gui.align.aligned_span_checks import (
    FRAME_TICKS,
    AlignedSpan,
    SpanCheckLimits,
    SpanVerdict,
    chunk_trusted,
    word_verdict,
)
from metavis_gui.align.alignment_chunks import AlignmentChunk
from metavis_gui.align.chunk_workers import ChunkOutcome
from metavis_gui.align.pronunciation_lexicon import AlignerWord
from metavis_gui.timeline.transcript import TranscriptWord


@dataclass(frozen=True)
class ChunkReview:
    chunk: AlignmentChunk
    word_indices: tuple[int, ...]  # the chunk's pronounceable words
    spans: tuple[AlignedSpan, ...]  # parallel to word_indices; empty when the search failed
    phones: tuple[tuple[str, ...], ...]
    verdicts: tuple[SpanVerdict, ...]
    trusted: bool

    @property
    def failed(self) -> bool:
        return bool(self.word_indices) and not self.trusted

    @property
    def trusted_words(self) -> int:
        """Words this review times (none when the chunk failed)."""
        return sum(verdict is SpanVerdict.TRUSTED for verdict in self.verdicts) if self.trusted else 0

    def doubtful(self, limits: SpanCheckLimits) -> bool:
        """Its first or last word matches the audio poorly, or some word failed a check: the
        usual signs of a cut on the wrong side of a word (the word squeezed into the pause its audio is
        not in, or pushed onto the next word's audio)."""
        if not self.spans:
            return False
        edge_score = min(self.spans[0].log_score_per_frame, self.spans[-1].log_score_per_frame)
        return edge_score < limits.edge_word_min_score or any(v is not SpanVerdict.TRUSTED for v in self.verdicts)


def review_chunk(
    words: Sequence[TranscriptWord],
    aligner_words: Sequence[AlignerWord | None],
    chunk: AlignmentChunk,
    outcome: ChunkOutcome,
    limits: SpanCheckLimits,
) -> ChunkReview:
    indices = tuple(index for index in range(chunk.first_word, chunk.end_word) if aligner_words[index])
    if outcome.alignment is None:
        return ChunkReview(chunk, indices, (), (), (), trusted=not indices)
    frames = outcome.alignment.words
    spans = tuple(
        AlignedSpan(
            chunk.start_ticks + word.start_frame * FRAME_TICKS,
            chunk.start_ticks + word.end_frame * FRAME_TICKS,
            word.log_score_per_frame,
            len(word.phones),
        )
        for word in frames
    )
    verdicts = tuple(word_verdict(span, words[index], limits) for span, index in zip(spans, indices, strict=True))
    phones = tuple(word.phones for word in frames)
    return ChunkReview(chunk, indices, spans, phones, verdicts, chunk_trusted(spans, verdicts, limits))


class KeptBecause(Enum):
    """Why a pronounceable word kept the engine's times."""

    FAILED_STRETCH = "failed stretch"  # its chunk's search failed or was not trusted
    IMPLAUSIBLE = "implausible"  # its own aligned span failed a word check


@dataclass
class ReviewedWords:
    spans: list[AlignedSpan | None]  # the trusted aligned span of each word, None where the engine's times stay
    phones: list[tuple[str, ...]]  # the phones the aligner chose for each aligned word
    kept_because: list[KeptBecause | None]  # for each word kept at the engine's times, why (None: aligned)
    stretch_of: list[int | None]  # for each word of a failed stretch, that stretch's number
    unpronounceable_words: int = 0
    moved_before_speech: int = 0  # of the words kept, those then laid right before the speech (words_before_speech)

    @classmethod
    def of(cls, word_count: int, unpronounceable: int, reviews: Sequence[ChunkReview]) -> ReviewedWords:
        reviewed = cls(
            spans=[None] * word_count,
            phones=[()] * word_count,
            kept_because=[None] * word_count,
            stretch_of=[None] * word_count,
            unpronounceable_words=unpronounceable,
        )
        for number, review in enumerate(reviews):
            if review.failed:
                for index in review.word_indices:
                    reviewed.kept_because[index] = KeptBecause.FAILED_STRETCH
                    reviewed.stretch_of[index] = number
                continue
            for index, span, phones, verdict in zip(review.word_indices, review.spans, review.phones, review.verdicts):
                if verdict is SpanVerdict.TRUSTED:
                    reviewed.spans[index] = span
                    reviewed.phones[index] = phones
                else:
                    reviewed.kept_because[index] = KeptBecause.IMPLAUSIBLE
        return reviewed

    def aligned_later(self, index: int, span: AlignedSpan, phones: tuple[str, ...]) -> None:
        """A word kept at first is aligned after all (by a later pass)."""
        self.spans[index], self.phones[index] = span, phones
        self.kept_because[index] = self.stretch_of[index] = None

    def not_aligned_after_all(self, index: int) -> None:
        """A word whose aligned span no later pass could confirm (a stray group's) keeps no aligned time."""
        if self.spans[index] is not None:
            self.spans[index], self.phones[index] = None, ()
            self.kept_because[index] = KeptBecause.IMPLAUSIBLE

    @property
    def failed_chunks(self) -> int:
        return len({number for number in self.stretch_of if number is not None})

    @property
    def words_in_failed_chunks(self) -> int:
        return self.kept_because.count(KeptBecause.FAILED_STRETCH)

    @property
    def implausible_words(self) -> int:
        return self.kept_because.count(KeptBecause.IMPLAUSIBLE)

    def notice(self) -> str | None:
        reasons = []
        if self.words_in_failed_chunks:
            stretches = "1 stretch" if self.failed_chunks == 1 else f"{self.failed_chunks} stretches"
            reasons.append(
                f"{_words(self.words_in_failed_chunks)} in {stretches} where the audio did not match the text"
            )
        if self.implausible_words:
            reasons.append(f"{_words(self.implausible_words)} whose aligned times were implausible")
        if self.unpronounceable_words:
            reasons.append(f"{_words(self.unpronounceable_words)} with nothing to pronounce")
        if not reasons:
            return None
        kept = self.words_in_failed_chunks + self.implausible_words + self.unpronounceable_words
        notice = f"{_words(kept)} kept the engine's times: " + "; ".join(reasons)
        if self.moved_before_speech:
            moved = self.moved_before_speech
            notice += (
                f"; {moved} of them, put by the engine on music or a tone, now {'sits' if moved == 1 else 'sit'} "
                "right before the speech after it"
            )
        return notice


def merged_retries(reviews: Sequence[ChunkReview], limits: SpanCheckLimits) -> list[tuple[int, int]]:
    """Runs [first, end) of chunk indices to align again as one: each failed or doubtful chunk with its
    neighbours. A cut in the wrong place (engine times a second off) fails or squeezes the chunks on
    both sides of it, or leaves a word's audio in the pause at the end of one chunk while the next
    pushes that word onto the following ones; aligned together the cut is gone. Where nothing was
    trusted the audio is not speech that matches the text, and a retry would only cost time."""
    if not any(review.trusted and review.word_indices for review in reviews):
        return []
    runs = [
        (max(0, index - 1), min(len(reviews), index + 2))
        for index, review in enumerate(reviews)
        if review.failed or review.doubtful(limits)
    ]
    return _joined(runs)


def merged_review_better(merged: ChunkReview, originals: Sequence[ChunkReview]) -> bool:
    """The merged alignment is trusted and times at least as many words as the chunks it replaces."""
    return merged.trusted and merged.trusted_words >= sum(review.trusted_words for review in originals)


def _joined(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for first, end in runs:
        if joined and first < joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((first, end))
    return joined


def _words(count: int) -> str:
    return "1 word" if count == 1 else f"{count} words"
