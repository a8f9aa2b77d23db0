"""A CMX3600 EDL of markers, as DaVinci Resolve writes and reads them: one event a caption.

Each event is one frame long at the caption's start; the comment line after it carries the marker's
colour, name (the caption text) and duration in frames. Times are the clip's timecodes (its start
timecode added), in drop-frame when the clip counts that way.
"""

from __future__ import annotations

import re

from metavis_gui.exports.clip_timing import ClipInfo, parse_timecode
from metavis_gui.exports.export_document import ExportDocument, TimedText

REEL_WIDTH = 8
TITLE_WIDTH = 70  # CMX3600 allows 70 characters of title
MARKER_COLOUR = "ResolveColorBlue"
_EVENT_LINE = re.compile(r"^(\d{3})  (.{8}) (.{5}) (.{4}) {5}(\S{11}) (\S{11}) (\S{11}) (\S{11})\s*$")
_MARKER_LINE = re.compile(r"^ \|C:(\S+) \|M:(.*) \|D:(\d+)$")


def write_edl(document: ExportDocument) -> bytes:
    clip = document.clip
    lines = [
        f"TITLE: {_one_line(clip.stem)[:TITLE_WIDTH]}",
        f"FCM: {'DROP FRAME' if clip.drop_frame else 'NON-DROP FRAME'}",
        "",
    ]
    for number, caption in enumerate(document.captions, start=1):
        start, after = clip.timecode(caption.start_frame), clip.timecode(caption.start_frame + 1)
        lines.append(
            f"{number % 1000:03d}  {'001':<{REEL_WIDTH}} {'V':<5} {'C':<4}     {start} {after} {start} {after}"
        )
        lines.append(f" |C:{MARKER_COLOUR} |M:{_one_line(caption.text)} |D:{max(1, caption.duration_frames)}")
        lines.append("")
    return ("\n".join(lines)).encode("utf-8")


def read_edl(data: bytes, clip: ClipInfo) -> list[TimedText]:
    """Markers back as (start, start + duration, name); events whose fields break the widths are refused."""
    markers: list[TimedText] = []
    start_frame: int | None = None
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if line[:1].isdigit():
            event = _EVENT_LINE.match(line)
            if event is None:
                raise ValueError(f"EDL line {number} does not follow the CMX3600 field widths: {line!r}")
            start_frame = parse_timecode(event.group(7), clip.frame_rate)[0] - clip.start_frame
        elif (marker := _MARKER_LINE.match(line)) is not None and start_frame is not None:
            end_frame = start_frame + int(marker.group(3))
            markers.append(TimedText(clip.ticks_of_frame(start_frame), clip.ticks_of_frame(end_frame), marker.group(2)))
            start_frame = None
    return markers


def _one_line(text: str) -> str:
    # A marker's name ends at the line's end and at the next " |": neither may appear inside it.
    return " ".join(text.split()).replace(" |", " /")
