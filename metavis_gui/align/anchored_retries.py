"""A short run of words the aligner placed badly or not at all, aligned again next to the words beside it.

An engine's time for the first word after music, a tone or noise is often seconds early: whisper stretches
the word back over the non-speech ("And" from 0.0 s over an 8 s tone, spoken at 8.3 s), and the last word
before an outro likewise runs into it. Given that stretch, the aligner fails the word, or finds it where the
engine said, on the tone, seconds away from the next word (the chunks are cut at pauses, so a gap of
seconds inside one is not a pause but sound the text does not hold). Either way the word's time is wrong.
The words beside the run say where it must be: right before them (or right after). So the run is aligned
once more together with up to ANCHOR_WORDS of them, in audio that starts (or ends) only as far from them
as the run's words could take to say. The new times are taken when that alignment is trusted, leaves the
farthest anchor where it was, passes every word check except those against the engine's times (the very
thing found wrong: how far from them, how much shorter or longer), and, for words that had aligned times,
matches the audio at least as well. The nearer anchors take their new times too: one may have held the
run's audio (stretched back over it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from metavis_gui.align.aligned_span_checks import AlignedSpan, SpanCheckLimits, SpanVerdict
from metavis_gui.align.alignment_chunks import SAMPLE_RATE, AlignmentChunk
from metavis_gui.align.chunk_alignment_review import ChunkReview, ReviewedWords
from metavis_gui.align.pronunciation_lexicon import AlignerWord
from metavis_gui.contract.ticks import TICKS_PER_SECOND

ANCHOR_WORDS = 2
MAX_RUN_WORDS = 6  # retried at once; of a longer run (words piled into an intro), those nearest the anchors after it
ROUNDS = 3  # a round's placed words are the next round's anchors
SECONDS_PER_WORD = 0.5  # the most a run's word takes to say, slow speech (2 words a second)
MARGIN_SECONDS = 0.5
# Aligned words this far from their neighbour, in a few words of their own, are a stray group.
ISOLATED_GAP_TICKS = TICKS_PER_SECOND * 3 // 2
ANCHOR_MOVED_TICKS = TICKS_PER_SECOND * 60 // 1000  # an anchor aligned again must stay where it was
# The first word of a retry whose audio starts at a guess (the run's allowance, on non-speech) is stretched
# back to that start when it ends there longer than this a phone: its start is the guess's, not the word's.
SLOWEST_TICKS_PER_PHONE = TICKS_PER_SECOND // 5
FRAME_TICKS = TICKS_PER_SECOND // 100


@dataclass(frozen=True)
class AnchoredRetry:
    chunk: AlignmentChunk  # the run's words and their anchors, in the narrowed audio
    run: tuple[int, ...]  # the run's pronounceable word indices
    anchors: tuple[int, ...]  # the aligned words beside it, the farthest from the run last
    starts_at_guess: bool = False  # the audio starts where the run's allowance ends, not at a placed word


def anchored_retries(
    reviewed: ReviewedWords, aligner_words: Sequence[AlignerWord | None], sample_count: int
) -> list[AnchoredRetry]:
    """One retry for each short run of unplaced or stray words with placed words right after or before it."""
    spans = reviewed.spans
    stray = stray_words(spans)
    retries = []
    for first, end in marked_runs(stray):
        run = tuple(index for index in range(first, end) if aligner_words[index] is not None)
        after = _anchors_from(spans, stray, end, step=1)
        before = _anchors_from(spans, stray, first - 1, step=-1)
        if not run or (len(run) > MAX_RUN_WORDS and not after):
            continue
        if len(run) > MAX_RUN_WORDS:
            # The words nearest the anchors first; the next round has them as its anchors.
            run = run[-MAX_RUN_WORDS:]
            first = run[0]
        allowance = int((SECONDS_PER_WORD * len(run) + MARGIN_SECONDS) * TICKS_PER_SECOND)
        if after:
            previous = spans[first - 1] if first > 0 and not stray[first - 1] else None
            floor = previous.end_ticks if previous is not None else 0
            start = max(floor, spans[after[0]].start_ticks - allowance)
            chunk = AlignmentChunk(first, after[-1] + 1, _sample(start), _sample(spans[after[-1]].end_ticks))
            retries.append(AnchoredRetry(chunk, run, tuple(after), starts_at_guess=start > floor))
        elif before:
            duration = sample_count * TICKS_PER_SECOND // SAMPLE_RATE
            following = spans[end] if end < len(spans) and not stray[end] else None
            ceiling = following.start_ticks if following is not None else duration
            stop = min(ceiling, spans[before[-1]].end_ticks + allowance)
            chunk = AlignmentChunk(before[0], end, _sample(spans[before[0]].start_ticks), _sample(stop))
            retries.append(AnchoredRetry(chunk, run, tuple(reversed(before))))
    return retries


def anchored_rounds(
    reviewed: ReviewedWords,
    aligner_words: Sequence[AlignerWord | None],
    sample_count: int,
    align_again: Callable[[list[AlignmentChunk]], list[ChunkReview]],
) -> int:
    """Up to ROUNDS rounds of retries, each over what the rounds before left unplaced or stray; a round
    stops the rounds when it has no run the rounds before had not tried. Returns the retries made."""
    tried: set[tuple[int, ...]] = set()
    made = 0
    for _ in range(ROUNDS):
        retries = [retry for retry in anchored_retries(reviewed, aligner_words, sample_count) if retry.run not in tried]
        if not retries:
            break
        tried.update(retry.run for retry in retries)
        made += len(retries)
        take_retried(reviewed, retries, align_again([retry.chunk for retry in retries]))
    return made


def retry_limits(limits: SpanCheckLimits) -> SpanCheckLimits:
    """The word checks for a retry: all but those against the engine's times (the very thing found wrong)."""
    never = 1 << 62
    return replace(
        limits, far_from_engine_ticks=never, squeeze_engine_min_ticks=never, too_long_engine_ratio=float(never)
    )


def take_retried(reviewed: ReviewedWords, retries: Sequence[AnchoredRetry], results: Sequence[ChunkReview]) -> None:
    """Each retried run's words (and its nearer anchors) into `reviewed` where its retry holds."""
    for retry, review in zip(retries, results, strict=True):
        if not review.trusted or len(review.spans) != len(review.word_indices):
            continue
        found = dict(zip(review.word_indices, zip(review.spans, review.phones, review.verdicts, strict=True)))
        farthest, *_ = reversed(retry.anchors)
        taken = (*retry.run, *retry.anchors[:-1])
        if farthest not in found or _moved(reviewed, farthest, found[farthest][0]):
            continue
        if any(index not in found or found[index][2] is not SpanVerdict.TRUSTED for index in taken):
            continue
        before = [reviewed.spans[index] for index in retry.run if reviewed.spans[index] is not None]
        if before and _mean_score([found[index][0] for index in retry.run]) < _mean_score(before):
            continue  # the stray words matched the audio better where they were
        for index in taken:
            span, phones, _ = found[index]
            if index == retry.run[0] and retry.starts_at_guess and _stretched_to_start(span, phones, retry.chunk):
                continue  # words_before_speech places it
            reviewed.aligned_later(index, span, phones)


def stray_words(spans: Sequence[AlignedSpan | None]) -> list[bool]:
    """Unplaced words, and groups of at most MAX_RUN_WORDS aligned words cut off from the next group by more
    than ISOLATED_GAP_TICKS of audio holding no other word (unplaced words between two groups may fill it)."""
    groups: list[list[int]] = []
    for index in (index for index, span in enumerate(spans) if span is not None):
        if groups and (index > groups[-1][-1] + 1 or _gap(spans, groups[-1][-1], index) <= ISOLATED_GAP_TICKS):
            groups[-1].append(index)
        else:
            groups.append([index])
    stray = [span is None for span in spans]
    for group in (group for group in groups if len(groups) > 1 and len(group) <= MAX_RUN_WORDS):
        for index in group:
            stray[index] = True
    return stray


def _gap(spans: Sequence[AlignedSpan | None], left: int, right: int) -> int:
    before, after = spans[left], spans[right]
    assert before is not None and after is not None, "gaps are between aligned words"
    return after.start_ticks - before.end_ticks


def marked_runs(marks: Sequence[bool]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, marked in enumerate([*marks, False]):
        if marked and start is None:
            start = index
        elif not marked and start is not None:
            runs.append((start, index))
            start = None
    return runs


def _anchors_from(spans: Sequence[AlignedSpan | None], stray: Sequence[bool], index: int, step: int) -> list[int]:
    """Up to ANCHOR_WORDS consecutive placed words from `index` on, going `step` (+1 or -1), in order."""
    found: list[int] = []
    while 0 <= index < len(spans) and not stray[index] and spans[index] is not None and len(found) < ANCHOR_WORDS:
        found.append(index)
        index += step
    return found if step > 0 else found[::-1]


def _moved(reviewed: ReviewedWords, index: int, aligned_again: AlignedSpan) -> bool:
    span = reviewed.spans[index]
    assert span is not None, "an anchor is an aligned word"
    return max(abs(span.start_ticks - aligned_again.start_ticks), abs(span.end_ticks - aligned_again.end_ticks)) > (
        ANCHOR_MOVED_TICKS
    )


def _stretched_to_start(span: AlignedSpan, phones: tuple[str, ...], chunk: AlignmentChunk) -> bool:
    starts_at_chunk = span.start_ticks - chunk.start_sample * TICKS_PER_SECOND // SAMPLE_RATE <= FRAME_TICKS
    return starts_at_chunk and span.end_ticks - span.start_ticks > SLOWEST_TICKS_PER_PHONE * max(1, len(phones))


def _mean_score(spans: Sequence[AlignedSpan]) -> float:
    return sum(span.log_score_per_frame for span in spans) / len(spans)


def _sample(ticks: int) -> int:
    return ticks * SAMPLE_RATE // TICKS_PER_SECOND
