"""Premiere Pro's marker list as CSV (the columns of its Markers panel export): one Comment marker a caption."""

from __future__ import annotations

import csv
import io

from metavis_gui.exports.clip_timing import ClipInfo, parse_timecode, timecode_of_frame
from metavis_gui.exports.export_document import ExportDocument, TimedText

PREMIERE_MARKER_COLUMNS = ("Marker Name", "Description", "In", "Out", "Duration", "Marker Type")


def write_premiere_markers(document: ExportDocument) -> bytes:
    clip = document.clip
    buffer = io.StringIO()
    table = csv.writer(buffer, lineterminator="\n")
    table.writerow(PREMIERE_MARKER_COLUMNS)
    for caption in document.captions:
        table.writerow(
            (
                caption.text,
                caption.speaker_label or "",
                clip.timecode(caption.start_frame),
                clip.timecode(caption.end_frame),
                timecode_of_frame(caption.duration_frames, clip.frame_rate, clip.drop_frame),
                "Comment",
            )
        )
    return buffer.getvalue().encode("utf-8")


def read_premiere_markers(data: bytes, clip: ClipInfo) -> list[TimedText]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8")))
    return [
        TimedText(
            clip.ticks_of_frame(parse_timecode(row["In"], clip.frame_rate)[0] - clip.start_frame),
            clip.ticks_of_frame(parse_timecode(row["Out"], clip.frame_rate)[0] - clip.start_frame),
            row["Marker Name"],
        )
        for row in rows
    ]
