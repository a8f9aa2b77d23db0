"""Where a tick is on screen: the visible start, the zoom (ticks per pixel), and the ruler's steps and labels."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from metavis_gui.contract import TICKS_PER_SECOND

MIN_TICKS_PER_PIXEL = 15.0  # 0.25 ms a pixel: a 10 ms nudge moves an edge 40 px
READABLE_SHARE = 0.8  # the opening zoom shows this share of the words' labels whole
_TICKS_PER_MILLISECOND = TICKS_PER_SECOND // 1000
_TIME_STEPS_MS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000,
                  120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000)  # fmt: skip
_FRAME_STEPS = (1, 2, 5, 10)
_FRAME_SECOND_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


@dataclass(frozen=True)
class RulerFormat:
    """HH:MM:SS.mmm, or HH:MM:SS:FF when a frame rate is set."""

    frames_per_second: float | None = None

    @property
    def frame_ticks(self) -> float:
        return TICKS_PER_SECOND / (self.frames_per_second or 25.0)

    def label(self, ticks: int) -> str:
        if self.frames_per_second is None:
            milliseconds = round(ticks / _TICKS_PER_MILLISECOND)
            seconds, milliseconds = divmod(milliseconds, 1000)
            return f"{_clock(seconds)}.{milliseconds:03d}"
        frame_number = round(ticks / self.frame_ticks)
        whole_frames = round(self.frames_per_second)
        seconds, frames = divmod(frame_number, whole_frames)
        return f"{_clock(seconds)}:{frames:02d}"

    def step_ticks(self, ticks_per_pixel: float, min_pixels: float) -> float:
        """The smallest round step whose labels are at least `min_pixels` apart."""
        wanted = ticks_per_pixel * min_pixels
        if self.frames_per_second is None:
            candidates = [step * _TICKS_PER_MILLISECOND for step in _TIME_STEPS_MS]
        else:
            candidates = [frames * self.frame_ticks for frames in _FRAME_STEPS]
            candidates += [seconds * round(self.frames_per_second) * self.frame_ticks for seconds in _FRAME_SECOND_STEPS]
        return next((step for step in candidates if step >= wanted), candidates[-1])


def _clock(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


class TimelineScale:
    """Mutable: the view owns one and changes it on scroll and zoom."""

    def __init__(self, duration_ticks: int, width: int = 1000) -> None:
        self.duration_ticks = max(duration_ticks, TICKS_PER_SECOND)
        self.width = max(width, 1)
        self.ticks_per_pixel = self.max_ticks_per_pixel
        self.start_ticks = 0.0

    @property
    def max_ticks_per_pixel(self) -> float:
        return max(MIN_TICKS_PER_PIXEL, self.duration_ticks * 1.02 / self.width)

    @property
    def end_ticks(self) -> float:
        return self.start_ticks + self.width * self.ticks_per_pixel

    def x_of(self, ticks: float) -> float:
        return (ticks - self.start_ticks) / self.ticks_per_pixel

    def tick_at(self, x: float) -> int:
        return max(0, round(self.start_ticks + x * self.ticks_per_pixel))

    def resize(self, width: int) -> None:
        self.width = max(width, 1)
        self.ticks_per_pixel = min(self.ticks_per_pixel, self.max_ticks_per_pixel)
        self.scroll_to(self.start_ticks)

    def scroll_to(self, start_ticks: float) -> None:
        latest = max(0.0, self.duration_ticks - self.width * self.ticks_per_pixel * 0.9)
        self.start_ticks = min(max(0.0, start_ticks), latest)

    def zoom(self, factor: float, anchor_x: float) -> None:
        """Zoom in (factor > 1) or out, keeping the time under `anchor_x` where it is (zoom on the mouse)."""
        anchor_ticks = self.start_ticks + anchor_x * self.ticks_per_pixel
        self.ticks_per_pixel = min(max(self.ticks_per_pixel / factor, MIN_TICKS_PER_PIXEL), self.max_ticks_per_pixel)
        self.scroll_to(anchor_ticks - anchor_x * self.ticks_per_pixel)

    def set_view(self, ticks_per_pixel: float, start_ticks: float) -> None:
        """Zoom and scroll as given (a restored view), within the limits of this width."""
        self.ticks_per_pixel = min(max(ticks_per_pixel, MIN_TICKS_PER_PIXEL), self.max_ticks_per_pixel)
        self.scroll_to(start_ticks)

    def fit(self, start_ticks: int, end_ticks: int, margin_fraction: float = 0.1) -> None:
        span = max(end_ticks - start_ticks, 1)
        total = span * (1 + 2 * margin_fraction)
        self.ticks_per_pixel = min(max(total / self.width, MIN_TICKS_PER_PIXEL), self.max_ticks_per_pixel)
        centre = (start_ticks + end_ticks) / 2
        self.scroll_to(centre - self.width * self.ticks_per_pixel / 2)

    def ensure_visible(self, ticks: int, lead_fraction: float = 0.1) -> bool:
        """Page so `ticks` shows, `lead_fraction` of the width from the left edge; True when it scrolled."""
        if self.start_ticks <= ticks <= self.end_ticks - self.ticks_per_pixel:
            return False
        self.scroll_to(ticks - self.width * self.ticks_per_pixel * lead_fraction)
        return True

    def ruler_steps(self, format_: RulerFormat, min_pixels: float) -> tuple[float, list[float]]:
        """The label step and the label times that fall inside the view."""
        step = format_.step_ticks(self.ticks_per_pixel, min_pixels)
        first = math.floor(self.start_ticks / step) * step
        count = int((self.end_ticks - first) / step) + 2
        return step, [first + index * step for index in range(count)]


def readable_ticks_per_pixel(word_widths: Sequence[tuple[int, float]], share: float = READABLE_SHARE) -> float | None:
    """The zoom at which `share` of the words have room for their whole label.

    `word_widths` holds (duration in ticks, label width in pixels with its padding) per word; a word's label
    fits at any zoom up to duration / width ticks a pixel. None when there are no words.
    """
    fitting = sorted(duration / max(width, 1.0) for duration, width in word_widths if duration > 0)
    if not fitting:
        return None
    return fitting[min(len(fitting) - 1, int(len(fitting) * (1 - share)))]
