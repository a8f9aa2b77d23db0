"""The hand-built JSONL line is byte for byte what json.dumps with sorted keys writes."""

from __future__ import annotations

import json

import pytest

from metavis_gui.contract import WordDraft, build_word_records, serialize_word_records

AWKWARD_WORDS = ['"quoted"', "back\\\\slash", "tab\there", "Zoë", "東京", "emoji🙂", "line\u2028sep", "<&>", "a\u0001b"]


@pytest.mark.parametrize("confidence", [0.0, 1.0, 0.1 + 0.2, 1e-07, 0.659523, 5e-324, 1])
def test_lines_equal_json_dumps(confidence: float) -> None:
    drafts = [
        WordDraft(
            word=word,
            start_ticks=index * 600,
            end_ticks=index * 600 + 300,
            confidence=confidence,
            segment_id=None if index % 2 else f"s_{index}",
            speaker_id="spk_0" if index % 3 == 0 else None,
            speaker_label="T1" if index % 3 == 0 else None,
            clip_id='clip-"1"' if index % 4 == 0 else None,
            timeline_start_ticks=index * 600 + 7 if index % 4 == 0 else None,
            timeline_end_ticks=index * 600 + 9 if index % 4 == 0 else None,
        )
        for index, word in enumerate(AWKWARD_WORDS)
    ]
    records = build_word_records(drafts)
    expected = "".join(
        json.dumps(record.model_dump(by_alias=True), sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
        for record in records
    ).encode("utf-8")
    assert serialize_word_records(records) == expected
