"""The export files of one transcription run, as names and bytes for the contract's one-unit commit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from metavis_gui.contract.word_record import WordRecord
from metavis_gui.contract.word_timing import WordTimingSource
from metavis_gui.exports.caption_rules import find_caption_preset
from metavis_gui.exports.clip_timing import ClipInfo, ClipTimingInvalid, clip_info_of
from metavis_gui.exports.export_document import ExportDocument
from metavis_gui.exports.export_formats import parse_export_formats, render_exports
from metavis_gui.exports.export_words import export_words_of_records


def run_export_files(
    media_path: Path,
    records: Sequence[WordRecord],
    timing_sources: Sequence[WordTimingSource] | None,
    format_ids: Sequence[str],
    caption_preset: str,
    frame_rate: str | None = None,
    start_timecode: str | None = None,
    duration_seconds: float = 0.0,
) -> dict[str, bytes]:
    """`interview.srt` and the like for each chosen format; nothing when none is chosen."""
    formats = parse_export_formats(format_ids)
    if not formats:
        return {}
    document = ExportDocument(
        export_words_of_records(records, timing_sources),
        _clip(media_path, frame_rate, start_timecode, duration_seconds),
        find_caption_preset(caption_preset).rules,
    )
    return dict(render_exports(document, formats))


def _clip(media_path: Path, frame_rate: str | None, start_timecode: str | None, duration_seconds: float) -> ClipInfo:
    try:
        return clip_info_of(media_path, frame_rate, start_timecode, duration_seconds)
    except ClipTimingInvalid:
        # A timecode tag no editor could use should not cost the run its exports: count from zero instead.
        return clip_info_of(media_path, None, None, duration_seconds)
