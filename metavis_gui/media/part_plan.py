"""Which stretches of the audio each engine process hears, and how its times map back to the audio's.

A part is one or more pieces of the audio joined end to end (the speech, with long non-speech left out),
so its engine hears no music or silence but its words are still placed in the source. The kept audio is
shared out evenly by length; each cut goes to a gap between kept spans near the even share when there is
one, else to the quietest moment near it (split_points).
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from metavis_gui.media.decode import ENGINE_SAMPLE_RATE
from metavis_gui.media.split_points import SEARCH_SECONDS, ReadSamples, quietest_sample

if TYPE_CHECKING:
    from metavis_gui.media.sample_span import SampleSpan

SAMPLE_RATE = ENGINE_SAMPLE_RATE


@dataclass(frozen=True)
class PartPiece:
    source_first: int
    count: int
    part_first: int  # where the piece starts in the part's own audio


@dataclass(frozen=True)
class PartPlan:
    pieces: tuple[PartPiece, ...]

    @property
    def sample_count(self) -> int:
        return self.pieces[-1].part_first + self.pieces[-1].count

    @property
    def source_first(self) -> int:
        return self.pieces[0].source_first

    def source_seconds(self, part_seconds: float, *, piece: int | None = None) -> float:
        """A time in the part's audio as a time in the source; `piece` pins it to one piece (a word's
        end stays in the piece of its start)."""
        index = self.piece_at(part_seconds) if piece is None else piece
        chosen = self.pieces[index]
        inside = min(max(part_seconds * SAMPLE_RATE - chosen.part_first, 0.0), float(chosen.count))
        return (chosen.source_first + inside) / SAMPLE_RATE

    def piece_at(self, part_seconds: float) -> int:
        return max(0, bisect.bisect_right(self._piece_starts, part_seconds * SAMPLE_RATE) - 1)

    @functools.cached_property
    def _piece_starts(self) -> list[int]:
        return [piece.part_first for piece in self.pieces]


def whole_audio_plan(total_samples: int) -> PartPlan:
    return PartPlan((PartPiece(0, total_samples, 0),))


def plan_parts(kept: Sequence[SampleSpan], parts: int, read_samples: ReadSamples) -> list[PartPlan]:
    """The kept spans shared out into `parts` parts of about equal length (fewer when cuts coincide)."""
    if not kept:
        return []
    ends = list(itertools.accumulate(span.count for span in kept))
    total = ends[-1]
    cuts = sorted({_cut(kept, ends, total * index // parts, read_samples) for index in range(1, parts)} - {0, total})
    plans = []
    for low, high in itertools.pairwise([0, *cuts, total]):
        pieces: list[PartPiece] = []
        for span, span_end in zip(kept, ends, strict=True):
            span_start = span_end - span.count
            first, end = max(low, span_start), min(high, span_end)
            if first < end:
                part_first = pieces[-1].part_first + pieces[-1].count if pieces else 0
                pieces.append(PartPiece(span.first + first - span_start, end - first, part_first))
        plans.append(PartPlan(tuple(pieces)))
    return plans


def _cut(kept: Sequence[SampleSpan], ends: list[int], target: int, read_samples: ReadSamples) -> int:
    """Where (in kept samples) to cut near target: a gap between spans if one is near, else a quiet moment."""
    search = int(SEARCH_SECONDS * SAMPLE_RATE)
    gap = min(ends[:-1], key=lambda end: abs(end - target), default=None)
    if gap is not None and abs(gap - target) <= search:
        return gap
    index = bisect.bisect_right(ends, target)
    span, span_start = kept[index], ends[index] - kept[index].count
    source = span.first + target - span_start
    first, end = max(span.first, source - search), min(span.end, source + search)
    quiet = first + quietest_sample(read_samples(first, end - first))
    return span_start + quiet - span.first
