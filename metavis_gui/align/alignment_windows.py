"""Windows of long audio that the aligner takes one at a time, each cut in a pause between two words.

The aligner holds its whole audio as 16-bit samples; a window bounds that (20 minutes: 38 MB) however long
the media. A cut sits in the middle of the longest gap between the engine's words in the last two minutes
before the window would end, so no word is split and each window starts in a pause.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from metavis_gui.align.alignment_chunks import SAMPLE_RATE
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.transcript import TranscriptWord

ALIGNMENT_WINDOW_SECONDS = 20 * 60.0
_CUT_SEARCH_SECONDS = 120.0


@dataclass(frozen=True)
class AlignmentWindow:
    first_word: int
    end_word: int  # one past the last
    first_sample: int
    sample_count: int


def alignment_windows(
    words: Sequence[TranscriptWord], total_samples: int, window_seconds: float = ALIGNMENT_WINDOW_SECONDS
) -> list[AlignmentWindow]:
    window_samples = int(window_seconds * SAMPLE_RATE)
    cuts: list[tuple[int, int]] = []  # (first word after the cut, sample of the cut)
    start_sample, start_word = 0, 0
    while total_samples - start_sample > window_samples:
        cut = _cut_before(words, start_word, start_sample + window_samples)
        if cut is None or cut[1] <= start_sample:
            break
        cuts.append(cut)
        start_word, start_sample = cut
    bounds = [(0, 0), *cuts, (len(words), total_samples)]
    return [
        AlignmentWindow(first_word, end_word, first_sample, end_sample - first_sample)
        for (first_word, first_sample), (end_word, end_sample) in itertools.pairwise(bounds)
    ]


def _cut_before(words: Sequence[TranscriptWord], first_word: int, limit_sample: int) -> tuple[int, int] | None:
    """The longest gap between words whose middle lies in the search stretch before limit_sample."""
    search_from = limit_sample - int(_CUT_SEARCH_SECONDS * SAMPLE_RATE)
    best: tuple[int, int, int] | None = None  # (gap, next word, middle sample)
    for index in range(max(1, first_word + 1), len(words)):
        end, start = _sample(words[index - 1].end_ticks), _sample(words[index].start_ticks)
        middle = (end + max(end, start)) // 2
        if middle > limit_sample:
            break
        if middle >= search_from and (best is None or start - end > best[0]):
            best = (start - end, index, middle)
    if best is not None:
        return best[1], best[2]
    # No pause between words there (a long stretch without speech): cut at the limit, between words.
    following = next(
        (index for index in range(first_word, len(words)) if _sample(words[index].start_ticks) >= limit_sample),
        len(words),
    )
    if following > 0 and _sample(words[following - 1].end_ticks) > limit_sample:
        return None
    return following, limit_sample


def _sample(ticks: int) -> int:
    return ticks * SAMPLE_RATE // TICKS_PER_SECOND
