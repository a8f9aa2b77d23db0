"""WebVTT and SRT captions built from word records.

Cues use source times (the captions sit beside the source media). Before each
word a new cue starts when any of the contract's rules holds:
  - the cue already lasts >= 4.0 s, measured from its start to the end of its
    words so far (the previous word's end when words do not overlap);
  - the cue already has 12 words;
  - the gap from the previous word's end to this word's start is >= 0.8 s;
  - the previous word ends a sentence: `.`, `!`, `?` or `…`, maybe followed by closing quotes or brackets;
and also when the speaker (speakerId, speakerLabel) changes, since one cue has one voice.

Milliseconds are rounded half up from ticks (60 ticks = 1 ms); rounding is
monotonic, so a cue's end is never before its start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from metavis_gui.contract.atomic_write import write_bytes_atomic
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.contract.word_record import WordRecord

MAX_CUE_DURATION_TICKS = 4 * TICKS_PER_SECOND
MAX_CUE_WORDS = 12
MIN_GAP_FOR_NEW_CUE_TICKS = 48000  # 0.8 s
SENTENCE_ENDINGS = (".", "!", "?", "…")
_CLOSING_MARKS = "\"')]}»”’"
_TICKS_PER_MILLISECOND = TICKS_PER_SECOND // 1000


@dataclass(frozen=True, slots=True)
class CaptionCue:
    """One caption: its span in ticks, its text, and the speaker's label if known."""

    start_ticks: int
    end_ticks: int
    text: str
    speaker_label: str | None


def build_caption_cues(records: Iterable[WordRecord]) -> list[CaptionCue]:
    """Group words (in file order) into cues by the rules in the module docstring."""
    cues: list[CaptionCue] = []
    current: list[WordRecord] = []
    cue_end = 0
    for record in records:
        if current and _starts_new_cue(current, cue_end, record):
            cues.append(_cue_from_words(current, cue_end))
            current = []
        cue_end = max(cue_end, record.source_time_end_ticks) if current else record.source_time_end_ticks
        current.append(record)
    if current:
        cues.append(_cue_from_words(current, cue_end))
    return cues


def render_webvtt(records: Iterable[WordRecord]) -> str:
    """A WebVTT document: header, then `start --> end` and the text for each cue."""
    blocks = []
    for cue in build_caption_cues(records):
        timing = f"{_timestamp(cue.start_ticks, '.')} --> {_timestamp(cue.end_ticks, '.')}"
        text = _escape_webvtt(cue.text)
        if cue.speaker_label:
            text = f"<v {_escape_webvtt(cue.speaker_label)}>{text}"
        blocks.append(f"{timing}\n{text}\n")
    return "WEBVTT\n\n" + "\n".join(blocks)


def render_srt(records: Iterable[WordRecord]) -> str:
    """An SRT document: numbered cues, `HH:MM:SS,mmm`; a known speaker prefixes `Label: `."""
    blocks = []
    for number, cue in enumerate(build_caption_cues(records), start=1):
        timing = f"{_timestamp(cue.start_ticks, ',')} --> {_timestamp(cue.end_ticks, ',')}"
        text = f"{cue.speaker_label}: {cue.text}" if cue.speaker_label else cue.text
        blocks.append(f"{number}\n{timing}\n{text}\n")
    return "\n".join(blocks)


def write_webvtt(path: Path, records: Iterable[WordRecord]) -> None:
    write_bytes_atomic(Path(path), render_webvtt(records).encode("utf-8"))


def write_srt(path: Path, records: Iterable[WordRecord]) -> None:
    write_bytes_atomic(Path(path), render_srt(records).encode("utf-8"))


def milliseconds_from_ticks(ticks: int) -> int:
    """Round half up to whole milliseconds (ticks are never negative here)."""
    return (ticks + _TICKS_PER_MILLISECOND // 2) // _TICKS_PER_MILLISECOND


def _starts_new_cue(current: Sequence[WordRecord], cue_end: int, word: WordRecord) -> bool:
    previous = current[-1]
    return (
        cue_end - current[0].source_time_ticks >= MAX_CUE_DURATION_TICKS
        or len(current) >= MAX_CUE_WORDS
        or word.source_time_ticks - previous.source_time_end_ticks >= MIN_GAP_FOR_NEW_CUE_TICKS
        or ends_sentence(previous.word)
        or _speaker(word) != _speaker(previous)
    )


def ends_sentence(text: str) -> bool:
    """`country.`, `done?"`, `(gone!)`: a sentence ends with this word."""
    return text.rstrip().rstrip(_CLOSING_MARKS).endswith(SENTENCE_ENDINGS)


def _speaker(record: WordRecord) -> tuple[str | None, str | None]:
    return record.speaker_id, record.speaker_label


def _cue_from_words(words: Sequence[WordRecord], end_ticks: int) -> CaptionCue:
    # A line break inside a word would end a caption early; words are joined by single spaces.
    text = " ".join(" ".join(record.word.split()) for record in words)
    return CaptionCue(
        start_ticks=words[0].source_time_ticks,
        end_ticks=end_ticks,
        text=text,
        speaker_label=words[0].speaker_label,
    )


def _timestamp(ticks: int, decimal_separator: str) -> str:
    total_milliseconds = milliseconds_from_ticks(ticks)
    total_seconds, milliseconds = divmod(total_milliseconds, 1000)
    total_minutes, seconds = divmod(total_seconds, 60)
    hours, minutes = divmod(total_minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{decimal_separator}{milliseconds:03d}"


def _escape_webvtt(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
