"""Checks the end-to-end tests share: word error rate against a reference, and the contract's invariants."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jiwer

from metavis_gui.contract import read_words_jsonl, validate_words_jsonl


def normalised_words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def word_error_rate(reference: str, hypothesis: str) -> float:
    return float(jiwer.wer(normalised_words(reference), normalised_words(hypothesis)))


def read_valid_words(out_dir: Path) -> list:
    words_path = out_dir / "transcript.words.v1.jsonl"
    problems = validate_words_jsonl(words_path)
    assert problems == [], problems
    return read_words_jsonl(words_path).records


def read_summary_json(out_dir: Path) -> dict:
    return json.loads((out_dir / "transcript.summary.v1.json").read_text(encoding="utf-8"))


def assert_words_ordered_inside(records: list, duration_seconds: float) -> None:
    limit = round(duration_seconds * 60000)
    previous_start = -1
    for record in records:
        assert record.source_time_ticks <= record.source_time_end_ticks, record
        assert record.source_time_ticks >= previous_start, record
        assert record.source_time_end_ticks <= limit, (record, limit)
        previous_start = record.source_time_ticks
