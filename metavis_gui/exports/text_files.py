"""Plain text (with and without timestamps, paragraphs at long pauses) and the word table (TSV and CSV)."""

from __future__ import annotations

import csv
import io

from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.contract.word_timing import WordTimingSource
from metavis_gui.exports.caption_building import Caption
from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.exports.export_document import ExportDocument, TimedText

# A pause at least this long between two captions starts a new paragraph.
PARAGRAPH_PAUSE_TICKS = 2 * TICKS_PER_SECOND
_TICKS_PER_MILLISECOND = TICKS_PER_SECOND // 1000
WORD_TABLE_COLUMNS = ("word", "start", "end", "confidence", "timing_source")


def write_plain_text(document: ExportDocument) -> bytes:
    paragraphs = [" ".join(caption.text for caption in paragraph) for paragraph in _paragraphs(document)]
    return _lines_bytes("\n\n".join(paragraphs))


def write_timed_text(document: ExportDocument) -> bytes:
    """`[H:MM:SS.mmm] caption` a line; a blank line between paragraphs."""
    paragraphs = [
        "\n".join(f"[{_clock(caption.start_ticks)}] {caption.text}" for caption in paragraph)
        for paragraph in _paragraphs(document)
    ]
    return _lines_bytes("\n\n".join(paragraphs))


def write_tsv(document: ExportDocument) -> bytes:
    return _word_table(document, "\t")


def write_csv(document: ExportDocument) -> bytes:
    return _word_table(document, ",")


def read_tsv(data: bytes, clip: ClipInfo) -> list[TimedText]:
    return _read_word_table(data, "\t")


def read_csv(data: bytes, clip: ClipInfo) -> list[TimedText]:
    return _read_word_table(data, ",")


def _paragraphs(document: ExportDocument) -> list[list[Caption]]:
    paragraphs: list[list[Caption]] = []
    previous_end: int | None = None
    for caption in document.captions:
        if previous_end is None or caption.start_ticks - previous_end >= PARAGRAPH_PAUSE_TICKS:
            paragraphs.append([])
        paragraphs[-1].append(caption)
        previous_end = caption.end_ticks
    return paragraphs


def _word_table(document: ExportDocument, delimiter: str) -> bytes:
    buffer = io.StringIO()
    table = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    table.writerow(WORD_TABLE_COLUMNS)
    source_names = {source: source.value for source in WordTimingSource}
    table.writerows(
        (
            word.text,
            _seconds(word.start_ticks),
            _seconds(word.end_ticks),
            f"{word.confidence:.3f}",
            source_names[word.timing_source],
        )
        for word in document.words
    )
    return buffer.getvalue().encode("utf-8")


def _read_word_table(data: bytes, delimiter: str) -> list[TimedText]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter=delimiter)
    return [
        TimedText(
            round(float(row["start"]) * TICKS_PER_SECOND), round(float(row["end"]) * TICKS_PER_SECOND), row["word"]
        )
        for row in rows
    ]


def _seconds(ticks: int) -> str:
    seconds, milliseconds = divmod((ticks + _TICKS_PER_MILLISECOND // 2) // _TICKS_PER_MILLISECOND, 1000)
    return f"{seconds}.{milliseconds:03d}"


def _clock(ticks: int) -> str:
    milliseconds = (ticks * 1000 + TICKS_PER_SECOND // 2) // TICKS_PER_SECOND
    seconds, milliseconds = divmod(milliseconds, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{milliseconds:03d}"


def _lines_bytes(text: str) -> bytes:
    return (text + "\n").encode("utf-8") if text else b""
