"""The clip an export describes: its name, frame rate and start timecode, and frame/tick/timecode arithmetic.

Drop-frame timecode comes from the `timecode` package. A clip without video has no frame rate of its own;
its exports use `DEFAULT_FRAME_RATE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from metavis_gui.contract.ticks import TICKS_PER_SECOND

DEFAULT_FRAME_RATE = Fraction(25)
# 29.97 and 59.94 clips without a timecode of their own count in drop-frame, as broadcast does.
_DROP_FRAME_RATES = (Fraction(30000, 1001), Fraction(60000, 1001))
_TIMECODE = re.compile(r"^(\d{2}):(\d{2}):(\d{2})([:;.,])(\d{2,3})$")


class ClipTimingInvalid(ValueError):
    """A frame rate or start timecode an export cannot use."""


@dataclass(frozen=True, slots=True)
class ClipInfo:
    """What the editing-suite formats need to place words on the clip."""

    file_name: str  # "interview.mov": exports are named after its stem
    frame_rate: Fraction = DEFAULT_FRAME_RATE
    drop_frame: bool = False
    start_frame: int = 0  # the start timecode, counted in frames
    duration_ticks: int = 0  # 0: unknown
    media_path: Path | None = None

    @property
    def stem(self) -> str:
        return Path(self.file_name).stem or self.file_name

    @property
    def start_timecode(self) -> str:
        return timecode_of_frame(self.start_frame, self.frame_rate, self.drop_frame)

    def frame_of_ticks(self, ticks: int) -> int:
        """The nearest frame (half up) to a time in the media (integer arithmetic: it runs for every word)."""
        rate = self.frame_rate
        return (2 * ticks * rate.numerator + rate.denominator * TICKS_PER_SECOND) // (
            2 * rate.denominator * TICKS_PER_SECOND
        )

    def ticks_of_frame(self, frame: int) -> int:
        rate = self.frame_rate
        return (2 * frame * TICKS_PER_SECOND * rate.denominator + rate.numerator) // (2 * rate.numerator)

    def timecode(self, frame: int) -> str:
        """The timecode of a frame counted from the media's start (the start timecode is added)."""
        return timecode_of_frame(self.start_frame + frame, self.frame_rate, self.drop_frame)

    @property
    def duration_frames(self) -> int:
        return self.frame_of_ticks(self.duration_ticks)


def clip_info_of(
    media_path: Path,
    frame_rate: str | None = None,
    start_timecode: str | None = None,
    duration_seconds: float = 0.0,
) -> ClipInfo:
    """A clip from what ffprobe says: `frame_rate` as `30000/1001` or `25`, `start_timecode` as `01:00:00;00`."""
    rate = parse_frame_rate(frame_rate) if frame_rate else DEFAULT_FRAME_RATE
    drop_frame = rate in _DROP_FRAME_RATES
    start = 0
    if start_timecode:
        start, drop_frame = parse_timecode(start_timecode, rate)
    return ClipInfo(
        file_name=Path(media_path).name,
        frame_rate=rate,
        drop_frame=drop_frame,
        start_frame=start,
        duration_ticks=round(max(0.0, duration_seconds) * TICKS_PER_SECOND),
        media_path=Path(media_path),
    )


def parse_frame_rate(text: str) -> Fraction:
    try:
        rate = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise ClipTimingInvalid(f"frame rate {text!r} is not a number such as 25 or 30000/1001") from None
    if not 1 <= rate <= 240:
        raise ClipTimingInvalid(f"frame rate {text!r} is outside 1-240 frames a second")
    return rate


def parse_timecode(text: str, frame_rate: Fraction) -> tuple[int, bool]:
    """(frames, drop frame) of `HH:MM:SS:FF`, or `HH:MM:SS;FF` for drop-frame."""
    match = _TIMECODE.fullmatch(text.strip())
    if match is None:
        raise ClipTimingInvalid(f"timecode {text!r} is not HH:MM:SS:FF (or HH:MM:SS;FF for drop-frame)")
    drop_frame = match.group(4) in ";," and frame_rate in _DROP_FRAME_RATES
    from timecode import Timecode  # a second's import, needed only when a timecode is read

    reading = Timecode(_rate_name(frame_rate), text.strip(), force_non_drop_frame=not drop_frame)
    return reading.frames - 1, drop_frame  # the package counts frames from 1


def timecode_of_frame(frame: int, frame_rate: Fraction, drop_frame: bool) -> str:
    """`HH:MM:SS:FF` (`;` before the frames in drop-frame) of a frame counted from 00:00:00:00.

    Written here rather than through the `timecode` package (which reads timecodes, and checks this in the
    tests): exports write thousands of these, and its object per call costs more than the rest of a marker.
    """
    if frame < 0:
        raise ClipTimingInvalid(f"frame {frame} is before 00:00:00:00")
    nominal = round(frame_rate)
    separator = ":"
    if drop_frame and frame_rate in _DROP_FRAME_RATES:
        frame, separator = _drop_frame_label(frame, nominal), ";"
    seconds, frames = divmod(frame, nominal)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours % 24:02d}:{minutes:02d}:{seconds:02d}{separator}{frames:02d}"


def _drop_frame_label(frame: int, nominal: int) -> int:
    """The frame number its drop-frame label counts: labels ;00 and ;01 (;00-;03 at 59.94) are skipped at the
    start of every minute except every tenth."""
    dropped = nominal // 15
    per_ten_minutes = nominal * 600 - dropped * 9
    per_minute = nominal * 60 - dropped
    tens, rest = divmod(frame, per_ten_minutes)
    skipped = dropped * 9 * tens
    if rest > dropped:
        skipped += dropped * ((rest - dropped) // per_minute)
    return frame + skipped


def _rate_name(frame_rate: Fraction) -> str:
    if frame_rate.denominator == 1:
        return str(frame_rate.numerator)
    return f"{frame_rate.numerator}/{frame_rate.denominator}"
