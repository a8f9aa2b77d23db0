"""Source times for whisper.cpp's token offsets when it ran with `--vad`.

With VAD, whisper.cpp transcribes the speech segments joined end to end (each but the last with
`--vad-samples-overlap` seconds of its tail, then 0.1 s of silence) and maps *segment* times back to the
source, but leaves every token's `offsets` and `t_dtw` in that joined timeline. It logs the segments it
kept on stderr (`vad_segment_info: orig_start: …, orig_end: …, vad_start: …, vad_end: …`, seconds), which
is all its own mapping is made of: this rebuilds the same piecewise-linear table (whisper.cpp v1.8.5,
`whisper_vad` and `map_processed_to_original_time`) so words land where they were spoken.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

# The overlap the adapter passes explicitly, so the table below matches what whisper.cpp joined.
VAD_SAMPLES_OVERLAP_SECONDS = 0.1
_JOIN_SILENCE_CENTISECONDS = 10

_SEGMENT_INFO = re.compile(
    r"vad_segment_info: orig_start: (?P<orig_start>[\d.]+), orig_end: (?P<orig_end>[\d.]+), "
    r"vad_start: (?P<vad_start>[\d.]+), vad_end: (?P<vad_end>[\d.]+)"
)


@dataclass(frozen=True)
class VadTimeMap:
    """Joined-timeline centiseconds to source centiseconds, as (joined, source) points sorted by joined time."""

    points: tuple[tuple[int, int], ...]

    @cached_property
    def _joined_times(self) -> tuple[int, ...]:
        return tuple(point[0] for point in self.points)

    def source_centiseconds(self, joined: int) -> int:
        if not self.points:
            return joined
        joined_times = self._joined_times
        if joined <= joined_times[0]:
            return self.points[0][1]
        if joined >= joined_times[-1]:
            return self.points[-1][1]
        upper = bisect.bisect_left(joined_times, joined)
        upper_joined, upper_source = self.points[upper]
        if upper_joined == joined:
            return upper_source
        lower_joined, lower_source = self.points[upper - 1]
        # Integer division toward zero, as the C++ does on int64.
        step = (joined - lower_joined) * (upper_source - lower_source)
        return lower_source + int(step / (upper_joined - lower_joined))

    def source_milliseconds(self, joined_milliseconds: int) -> int:
        """Token offsets are milliseconds but whisper.cpp keeps times in centiseconds: map at that grain."""
        if not self.points:
            return joined_milliseconds
        return self.source_centiseconds(joined_milliseconds // 10) * 10


def vad_time_map_from_stderr(stderr: str) -> VadTimeMap | None:
    """The map whisper.cpp used, or None when it logged no speech segments (VAD off, or nothing kept)."""
    segments = [
        tuple(round(float(match[name]) * 100) for name in ("orig_start", "orig_end", "vad_start", "vad_end"))
        for match in _SEGMENT_INFO.finditer(stderr)
    ]
    if not segments:
        return None
    return VadTimeMap(points=_mapping_points(segments))  # type: ignore[arg-type]


def _mapping_points(segments: Sequence[tuple[int, int, int, int]]) -> tuple[tuple[int, int], ...]:
    overlap = round(VAD_SAMPLES_OVERLAP_SECONDS * 100)
    points: list[tuple[int, int]] = []
    for index, (orig_start, orig_end, vad_start, vad_end) in enumerate(segments):
        points += [(vad_start, orig_start), (vad_end, orig_end)]
        if index + 1 < len(segments):
            # The kept overlap maps onto the segment's end; the joining silence onto the pause in the source.
            silence_start = vad_end + overlap
            points += [(silence_start, orig_end), (silence_start + _JOIN_SILENCE_CENTISECONDS, segments[index + 1][0])]
    points.sort(key=lambda point: point[0])
    unique: list[tuple[int, int]] = []
    for point in points:
        if not unique or unique[-1][0] != point[0]:
            unique.append(point)
    return tuple(unique)
