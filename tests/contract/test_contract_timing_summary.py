"""The summary's `timing`: absent unless alignment ran, one letter per word, counts that agree, a round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from metavis_gui.contract import (
    TimingSummary,
    ToolInfo,
    TranscriptFileInvalid,
    TranscriptSummary,
    WordTimingSource,
    read_summary,
    serialize_summary,
    write_summary,
)

ALIGNED, ENGINE, HAND = WordTimingSource.ALIGNED, WordTimingSource.ENGINE, WordTimingSource.HAND


def _summary(word_count: int, timing: TimingSummary | None) -> TranscriptSummary:
    return TranscriptSummary(
        input="clip.wav",
        duration_seconds=3.0,
        language="en",
        tool=ToolInfo(name="whisper.cpp", version="1.8.5", model="ggml-tiny.en"),
        word_count=word_count,
        timing=timing,
    )


def test_no_timing_writes_the_summary_as_before_alignment_existed() -> None:
    text = serialize_summary(_summary(2, None)).decode()
    assert "timing" not in text
    assert list(__import__("json").loads(text)) == ["durationSeconds", "input", "language", "schema", "tool", "wordCount"]


def test_sources_round_trip_through_the_file(tmp_path: Path) -> None:
    timing = TimingSummary.of_sources([ALIGNED, ENGINE, HAND, ALIGNED], "pocketsphinx 5.1.1", "en-us", "1 word kept")
    assert (timing.aligned, timing.engine_timed, timing.hand_set, timing.word_sources) == (2, 1, 1, "aeha")
    path = tmp_path / "transcript.summary.v1.json"
    write_summary(path, _summary(4, timing))
    read = read_summary(path)
    assert read.timing == timing
    assert read.timing is not None and read.timing.sources() == (ALIGNED, ENGINE, HAND, ALIGNED)
    assert b'"wordSources": "aeha"' in path.read_bytes()


def test_counts_that_disagree_with_the_letters_are_refused() -> None:
    with pytest.raises(ValidationError, match="do not match"):
        TimingSummary(aligned=2, engine_timed=0, word_sources="ae")


def test_one_letter_per_word_or_the_summary_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="3 letters for 2 words"):
        _summary(2, TimingSummary.of_sources([ALIGNED, ALIGNED, ENGINE]))
    path = tmp_path / "transcript.summary.v1.json"
    good = serialize_summary(_summary(2, TimingSummary.of_sources([ALIGNED, ENGINE]))).decode()
    path.write_text(good.replace('"wordSources": "ae"', '"wordSources": "ax"'))
    with pytest.raises(TranscriptFileInvalid, match="wordSources"):
        read_summary(path)
