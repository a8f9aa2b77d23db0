"""The export-format table: each format once, with its id, file suffix, label, writer and (where one exists) reader.

The window's Export dialog, `--export` on the command and the round-trip tests all read this table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.exports.edl_file import read_edl, write_edl
from metavis_gui.exports.export_document import ExportDocument, TimedText
from metavis_gui.exports.fcpxml_file import read_fcpxml, write_fcpxml
from metavis_gui.exports.otio_file import read_otio, write_otio
from metavis_gui.exports.premiere_markers import read_premiere_markers, write_premiere_markers
from metavis_gui.exports.subtitle_files import read_subtitles, write_ass, write_srt, write_vtt
from metavis_gui.exports.text_files import (
    read_csv,
    read_tsv,
    write_csv,
    write_plain_text,
    write_timed_text,
    write_tsv,
)

ExportWriter = Callable[[ExportDocument], bytes]
ExportReader = Callable[[bytes, ClipInfo], list[TimedText]]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    id: str
    suffix: str  # what follows the clip's stem: `interview.srt`, `interview.timed.txt`
    label: str
    writer: ExportWriter
    reader: ExportReader | None = None  # reads the file back, for round trips
    holds_words: bool = False  # one entry a word; otherwise one a caption (or a caption's marker)


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("srt", ".srt", "SubRip captions (.srt)", write_srt, read_subtitles),
    ExportFormat("ass", ".ass", "Advanced SubStation captions (.ass)", write_ass, read_subtitles),
    ExportFormat("vtt", ".vtt", "WebVTT captions (.vtt)", write_vtt, read_subtitles),
    ExportFormat("txt", ".txt", "Plain text (.txt)", write_plain_text),
    ExportFormat("txt-timed", ".timed.txt", "Plain text with timestamps (.timed.txt)", write_timed_text),
    ExportFormat("tsv", ".words.tsv", "Word table, tab-separated (.words.tsv)", write_tsv, read_tsv, True),
    ExportFormat("csv", ".words.csv", "Word table, comma-separated (.words.csv)", write_csv, read_csv, True),
    ExportFormat("fcpxml", ".fcpxml", "Final Cut Pro XML (.fcpxml)", write_fcpxml, read_fcpxml),
    ExportFormat(
        "premiere-markers-csv",
        ".markers.csv",
        "Premiere Pro markers (.markers.csv)",
        write_premiere_markers,
        read_premiere_markers,
    ),
    ExportFormat("edl", ".edl", "DaVinci Resolve EDL with markers (.edl)", write_edl, read_edl),
    ExportFormat("otio", ".otio", "OpenTimelineIO (.otio)", write_otio, read_otio),
)
_FORMATS_BY_ID = {export_format.id: export_format for export_format in EXPORT_FORMATS}


class UnknownExportFormat(ValueError):
    pass


def find_export_format(format_id: str) -> ExportFormat:
    export_format = _FORMATS_BY_ID.get(format_id.strip().lower())
    if export_format is None:
        known = ", ".join(_FORMATS_BY_ID)
        raise UnknownExportFormat(f"unknown export format {format_id!r}: choose from {known}")
    return export_format


def parse_export_formats(values: Iterable[str]) -> tuple[ExportFormat, ...]:
    """`srt,ass` and `vtt` (from a repeated `--export`) as formats, in table order, each once."""
    chosen = {find_export_format(part).id for value in values for part in value.split(",") if part.strip()}
    return tuple(export_format for export_format in EXPORT_FORMATS if export_format.id in chosen)


def export_file_name(clip: ClipInfo, export_format: ExportFormat) -> str:
    return clip.stem + export_format.suffix


def render_exports(document: ExportDocument, formats: Sequence[ExportFormat]) -> Mapping[str, bytes]:
    """Each format's file name and bytes; nothing is written (the caller writes them with the contract's files)."""
    return {export_file_name(document.clip, export_format): export_format.writer(document) for export_format in formats}
