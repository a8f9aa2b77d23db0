"""SRT, ASS and WebVTT through pysubs2: captions out, and read back for round trips."""

from __future__ import annotations

from collections.abc import Callable

from metavis_gui.contract.captions import milliseconds_from_ticks
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.exports.export_document import ExportDocument, TimedText

_TICKS_PER_MILLISECOND = TICKS_PER_SECOND // 1000


def write_srt(document: ExportDocument) -> bytes:
    return _subtitles(document, "srt", lambda label, text: f"{label}: {text}").encode("utf-8")


def write_ass(document: ExportDocument) -> bytes:
    return _subtitles(document, "ass", None).encode("utf-8")


def write_vtt(document: ExportDocument) -> bytes:
    return _subtitles(document, "vtt", lambda label, text: f"<v {_escape_vtt(label)}>{text}").encode("utf-8")


def read_subtitles(data: bytes, clip: ClipInfo) -> list[TimedText]:
    """Any of the three (pysubs2 tells them apart), each event's times and plain text."""
    import pysubs2  # here, not at the top: the command imports this table long before it writes a caption

    subtitles = pysubs2.SSAFile.from_string(data.decode("utf-8"))
    return [
        TimedText(event.start * _TICKS_PER_MILLISECOND, event.end * _TICKS_PER_MILLISECOND, event.plaintext)
        for event in subtitles.events
    ]


def _subtitles(document: ExportDocument, format_id: str, with_speaker: Callable[[str, str], str] | None) -> str:
    import pysubs2

    subtitles = pysubs2.SSAFile()
    subtitles.info["Title"] = document.clip.stem
    for caption in document.captions:
        lines = [_plain(line) for line in caption.lines]
        if format_id == "vtt":
            lines = [_escape_vtt(line) for line in lines]
        text = r"\N".join(lines)
        if caption.speaker_label and with_speaker is not None:
            text = with_speaker(_plain(caption.speaker_label), text)
        subtitles.events.append(
            pysubs2.SSAEvent(
                start=milliseconds_from_ticks(caption.start_ticks),
                end=milliseconds_from_ticks(caption.end_ticks),
                text=text,
                name=caption.speaker_label or "",
            )
        )
    return subtitles.to_string(format_id)


def _plain(text: str) -> str:
    # pysubs2 reads {...} as an override block and a backslash as the start of a tag.
    return text.replace("\\", "/").replace("{", "(").replace("}", ")")


def _escape_vtt(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
