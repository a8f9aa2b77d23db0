"""Times as an editor types and reads them: timecode at a frame rate, clock time, or plain seconds.

Accepted (spaces around are ignored):
  - `HH:MM:SS:FF` (or `MM:SS:FF`) timecode, only when a frame rate is known;
  - `HH:MM:SS.mmm`, `MM:SS.mmm`, `SS.mmm`: clock time, the fraction optional;
  - a number of seconds with an optional `s` (`1.25`, `1.25s`).
"""

from __future__ import annotations

import re

from metavis_gui.contract import TICKS_PER_SECOND

_TICKS_PER_MILLISECOND = TICKS_PER_SECOND // 1000
_NUMBER = re.compile(r"^\d+(?:\.\d+)?s?$")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$")
_TIMECODE = re.compile(r"^(?:(\d+):)?(\d+):(\d+):(\d+)$")


class TimeEntryInvalid(ValueError):
    """Typed text that is not a time; the message says what is accepted."""


def parse_typed_time(text: str, frames_per_second: float | None = None) -> int:
    """Ticks for a typed time; raises `TimeEntryInvalid` naming the accepted forms."""
    typed = text.strip()
    if _NUMBER.match(typed):
        return round(float(typed.rstrip("s")) * TICKS_PER_SECOND)
    if match := _TIMECODE.match(typed):
        if frames_per_second is None:
            raise TimeEntryInvalid(
                f"{typed!r} is a timecode, but no frame rate is set: choose one in the Ruler box, "
                "or type seconds (12.5) or a clock time (00:00:12.500)"
            )
        hours, minutes, seconds, frames = (int(part or 0) for part in match.groups())
        whole_frames = round(frames_per_second)
        if frames >= whole_frames or minutes >= 60 or seconds >= 60:
            raise TimeEntryInvalid(
                f"{typed!r} is out of range: minutes and seconds go to 59, frames to {whole_frames - 1} at "
                f"{frames_per_second:g} fps"
            )
        frame_number = (hours * 3600 + minutes * 60 + seconds) * whole_frames + frames
        return round(frame_number * TICKS_PER_SECOND / frames_per_second)
    if match := _CLOCK.match(typed):
        hours, minutes = int(match.group(1) or 0), int(match.group(2))
        seconds = float(match.group(3))
        if minutes >= 60 or seconds >= 60:
            raise TimeEntryInvalid(f"{typed!r} is out of range: minutes and seconds go to 59")
        return round((hours * 3600 + minutes * 60 + seconds) * TICKS_PER_SECOND)
    forms = "seconds (12.5), a clock time (00:00:12.500)"
    if frames_per_second is not None:
        forms += f" or a timecode at {frames_per_second:g} fps (00:00:12:12)"
    raise TimeEntryInvalid(f"{typed!r} is not a time: type {forms}")


def format_time(ticks: int, frames_per_second: float | None = None) -> str:
    """`HH:MM:SS:FF` at the frame rate (the nearest frame), else `HH:MM:SS.mmm`."""
    if frames_per_second is not None:
        whole_frames = round(frames_per_second)
        frame_number = round(ticks * frames_per_second / TICKS_PER_SECOND)
        seconds, frames = divmod(frame_number, whole_frames)
        return f"{_clock(seconds)}:{frames:02d}"
    seconds, milliseconds = divmod(round(ticks / _TICKS_PER_MILLISECOND), 1000)
    return f"{_clock(seconds)}.{milliseconds:03d}"


def format_seconds(ticks: int) -> str:
    """A length as typed back: seconds with milliseconds (`0.320`)."""
    return f"{ticks / TICKS_PER_SECOND:.3f}"


def _clock(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"
