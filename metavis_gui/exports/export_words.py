"""The words an export reads: from the contract's records (the command) or the editable transcript (the window)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from metavis_gui.contract.word_record import WordRecord
from metavis_gui.contract.word_timing import WordTimingSource
from metavis_gui.timeline.editable_word import EditableWord


@dataclass(frozen=True, slots=True)
class ExportWord:
    text: str
    start_ticks: int
    end_ticks: int
    confidence: float = 1.0
    timing_source: WordTimingSource = WordTimingSource.ENGINE
    speaker_label: str | None = None
    key: int | None = None  # the timeline's word key, so a caption problem can point at its word


def export_words_of_records(
    records: Sequence[WordRecord], timing_sources: Sequence[WordTimingSource] | None = None
) -> list[ExportWord]:
    """Words in the file's order; without a source per word (no alignment ran) each is the engine's."""
    if timing_sources is None or len(timing_sources) != len(records):
        timing_sources = [WordTimingSource.ENGINE] * len(records)
    return [
        ExportWord(
            text=record.word,
            start_ticks=record.source_time_ticks,
            end_ticks=record.source_time_end_ticks,
            confidence=record.confidence,
            timing_source=source,
            speaker_label=record.speaker_label,
        )
        for record, source in zip(records, timing_sources, strict=True)
    ]


def export_words_of_timeline(words: Iterable[EditableWord]) -> list[ExportWord]:
    """The editable transcript's words (iterate the transcript: they come in the contract's order)."""
    return [
        ExportWord(
            text=" ".join(word.text.split()),
            start_ticks=word.start_ticks,
            end_ticks=word.end_ticks,
            confidence=word.confidence,
            timing_source=word.timing_source,
            speaker_label=word.speaker_label,
            key=word.key,
        )
        for word in words
    ]
