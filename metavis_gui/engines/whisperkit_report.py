"""Parsing whisperkit-cli's JSON report into words.

The report is WhisperKit's `TranscriptionResult` as Swift's JSONEncoder writes it (Sources/WhisperKit/Core/
Models.swift, written by WriteJSON in Sources/WhisperKit/Utilities/ResultWriter.swift): `text`, `language`,
`timings`, and `segments`, each with `start`, `end`, `text` and, with --word-timestamps, `words`: `word` (with
its leading space), `start`, `end` in seconds, `probability`, `tokens`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from metavis_gui.contract.ticks import ticks_from_seconds
from metavis_gui.engines.errors import EngineFailed
from metavis_gui.timeline.transcript import Transcript, TranscriptWord

# Special tokens (<|0.00|>, <|endoftext|>) and annotations ([BLANK_AUDIO], (music)) are not words.
_NOT_SPOKEN = re.compile(r"^(?:<\|.*\|>|[\[(].*[\])])$")


class _ReportWord(BaseModel):
    model_config = ConfigDict(extra="ignore")

    word: str
    start: float
    end: float
    probability: float


class _ReportSegment(BaseModel):
    model_config = ConfigDict(extra="ignore")

    start: float
    end: float
    text: str
    words: list[_ReportWord] | None = None


class _Report(BaseModel):
    model_config = ConfigDict(extra="ignore")

    language: str | None = None
    segments: list[_ReportSegment]


def parse_whisperkit_report(path: Path) -> Transcript:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EngineFailed(f"WhisperKit's report {path} is not readable JSON ({error}).") from error
    try:
        report = _Report.model_validate(document)
    except ValidationError as error:
        raise EngineFailed(f"WhisperKit's report {path} is not a transcription result: {error}") from error
    words: list[TranscriptWord] = []
    previous_end_ticks = 0
    for segment_index, segment in enumerate(report.segments):
        if segment.words is None:
            if _spoken_text(segment.text):
                raise EngineFailed(
                    f"WhisperKit's report {path} has a segment without word times ({segment.text.strip()!r}): "
                    "run whisperkit-cli with --word-timestamps."
                )
            continue
        for word in segment.words:
            text = word.word.strip()
            if not text or _NOT_SPOKEN.match(text):
                continue
            # Word times never run backwards, whatever the DTW gave.
            start_ticks = max(ticks_from_seconds(max(0.0, word.start)), previous_end_ticks)
            end_ticks = max(ticks_from_seconds(max(0.0, word.end)), start_ticks)
            previous_end_ticks = end_ticks
            words.append(
                TranscriptWord(
                    text=text,
                    start_ticks=start_ticks,
                    end_ticks=end_ticks,
                    confidence=min(1.0, max(0.0, word.probability)),
                    segment_index=segment_index,
                )
            )
    return Transcript(words=tuple(words), language=report.language or None)


def _spoken_text(text: str) -> str:
    return " ".join(part for part in re.split(r"(<\|[^|]*\|>)", text) if not _NOT_SPOKEN.match(part.strip())).strip()
