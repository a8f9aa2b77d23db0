"""The final times: aligned words where trusted, the engine's elsewhere, in order and inside the audio.

Aligned words never overlap one another (one chunk's search orders them; chunks do not share audio),
so they are the anchors. A run of engine-timed words between two anchors keeps the engine's times,
clipped into the gap the anchors leave and made non-overlapping in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from metavis_gui.timeline.transcript import TranscriptWord


def ordered_times(
    engine_words: Sequence[TranscriptWord],
    aligned_times: Sequence[tuple[int, int] | None],
    duration_ticks: int,
) -> list[tuple[int, int]]:
    """(start, end) ticks per word: monotonic (start <= end <= next start) and within [0, duration]."""
    times: list[tuple[int, int]] = []
    previous_end = 0
    anchors = _next_anchor_starts(aligned_times, duration_ticks)
    for index, word in enumerate(engine_words):
        aligned = aligned_times[index]
        if aligned is not None:
            start = max(aligned[0], previous_end)
            end = max(min(aligned[1], duration_ticks), start)
        else:
            ceiling = anchors[index]
            start = min(max(word.start_ticks, previous_end), ceiling)
            end = min(max(word.end_ticks, start), ceiling)
        start = min(start, duration_ticks)
        end = min(max(end, start), duration_ticks)
        times.append((start, end))
        previous_end = end
    return times


def _next_anchor_starts(aligned_times: Sequence[tuple[int, int] | None], duration_ticks: int) -> list[int]:
    """For each word, the start of the next aligned word after it (or the audio's end)."""
    ceilings = [duration_ticks] * len(aligned_times)
    ceiling = duration_ticks
    for index in range(len(aligned_times) - 1, -1, -1):
        ceilings[index] = ceiling
        aligned = aligned_times[index]
        if aligned is not None:
            ceiling = min(ceiling, aligned[0])
    return ceilings
