"""Where to cut long audio into chunks the aligner takes one at a time.

Cost stays linear and one bad chunk (music, a misheard sentence) cannot drag the rest: the words are
split into phrases, each cut at the first clear pause after 1.5 s (or the clearest before 20 s), in the
longest pause found near the engine's gap between two words, so each chunk's audio starts and ends in
silence; short chunks also keep a word from being aligned into the neighbouring sentence.
A cut must fall between the middles of the two words, so a pause next to a short word is not taken for
the gap on its other side. Each chunk also keeps at most a margin of audio before its first and after
its last word, so a long stretch of music between two segments is not handed to the aligner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.transcript import TranscriptWord

FindPauses = Callable[[int, int], list[tuple[int, int]]]  # (low, high) ticks -> pauses (start, end) in it

SAMPLE_RATE = 16000
MIN_CHUNK_TICKS = TICKS_PER_SECOND * 3 // 2
MAX_CHUNK_TICKS = 20 * TICKS_PER_SECOND
# How far a pause may lie from the engine's gap between two words and still be that gap (engines'
# word times are off by up to a few hundred ms).
PAUSE_SEARCH_TICKS = TICKS_PER_SECOND * 300 // 1000
GOOD_PAUSE_TICKS = TICKS_PER_SECOND * 250 // 1000
MIN_CUT_PAUSE_TICKS = TICKS_PER_SECOND * 80 // 1000
MARGIN_TICKS = TICKS_PER_SECOND  # audio kept before a chunk's first and after its last word
_SAMPLE_STEP = 4  # cuts on multiples of 4 samples are whole ticks (60000 / 16000 = 15 / 4)


@dataclass(frozen=True)
class AlignmentChunk:
    first_word: int
    end_word: int  # exclusive
    start_sample: int
    end_sample: int

    @property
    def start_ticks(self) -> int:
        return self.start_sample * TICKS_PER_SECOND // SAMPLE_RATE


@dataclass(frozen=True)
class _Cut:
    ticks: int
    pause_ticks: int  # length of the pause the cut sits in; 0 when no pause was found


def plan_chunks(words: Sequence[TranscriptWord], find_pauses: FindPauses, sample_count: int) -> list[AlignmentChunk]:
    """Consecutive chunks covering every word once, in order."""
    if not words:
        return []
    duration = sample_count * TICKS_PER_SECOND // SAMPLE_RATE

    @cache
    def cut_before(index: int) -> _Cut:
        return _cut_between(words[index - 1], words[index], find_pauses)

    chunks: list[AlignmentChunk] = []
    first = 0
    start_ticks = 0
    while first < len(words):
        end = _chunk_end(words, cut_before, first)
        end_ticks = cut_before(end).ticks if end < len(words) else duration
        end_ticks = max(end_ticks, start_ticks)
        audio_start = max(start_ticks, words[first].start_ticks - MARGIN_TICKS)
        audio_end = min(end_ticks, max(words[end - 1].end_ticks, audio_start) + MARGIN_TICKS, duration)
        chunks.append(AlignmentChunk(first, end, _sample_of(audio_start), min(sample_count, _sample_of(audio_end))))
        first, start_ticks = end, end_ticks
    return chunks


def _chunk_end(words: Sequence[TranscriptWord], cut_before: Callable[[int], _Cut], first: int) -> int:
    """Exclusive end of the chunk starting at word `first`: the first good pause after the minimum
    length, or else the best pause before the maximum length."""
    chunk_start = words[first].start_ticks
    best: int | None = None
    for end in range(first + 1, len(words)):
        if words[end].start_ticks - chunk_start < MIN_CHUNK_TICKS:
            continue
        cut = cut_before(end)
        if cut.ticks - chunk_start > MAX_CHUNK_TICKS and best is not None:
            return best
        segment_changes = words[end].segment_index != words[end - 1].segment_index
        if cut.pause_ticks >= GOOD_PAUSE_TICKS or (segment_changes and cut.pause_ticks >= GOOD_PAUSE_TICKS // 2):
            return end
        if best is None or cut.pause_ticks > cut_before(best).pause_ticks:
            best = end
    return len(words)


def _cut_between(before: TranscriptWord, after: TranscriptWord, find_pauses: FindPauses) -> _Cut:
    low = min(before.end_ticks, after.start_ticks) - PAUSE_SEARCH_TICKS
    high = max(before.end_ticks, after.start_ticks) + PAUSE_SEARCH_TICKS
    earliest = (before.start_ticks + before.end_ticks) // 2
    latest = (after.start_ticks + after.end_ticks) // 2
    candidates = [
        (end - start, (start + end) // 2)
        for start, end in find_pauses(low, high)
        if earliest < (start + end) // 2 < latest
    ]
    if not candidates:
        return _Cut(max(earliest, min(latest, (before.end_ticks + after.start_ticks) // 2)), 0)
    length, middle = max(candidates)
    return _Cut(middle, length)


def _sample_of(ticks: int) -> int:
    sample = max(0, ticks) * SAMPLE_RATE // TICKS_PER_SECOND
    return sample - sample % _SAMPLE_STEP
