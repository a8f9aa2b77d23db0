from typing import Any

import pytest
from pydantic import ValidationError

from metavis_gui.contract import (
    WORD_SCHEMA,
    WordDraft,
    WordRecord,
    build_word_records,
    format_word_id,
    parse_word_id,
)


def _line(**overrides: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "schema": WORD_SCHEMA,
        "wordId": "w_100_200_1",
        "word": "hello",
        "confidence": 0.9,
        "sourceTimeTicks": 100,
        "sourceTimeEndTicks": 200,
    }
    line.update(overrides)
    return {key: value for key, value in line.items() if value is not ...}


def _error_fields(line: dict[str, Any]) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        WordRecord.model_validate(line)
    return {str(error["loc"][0]) for error in caught.value.errors()}


def test_a_line_without_nullable_keys_reads_with_nulls() -> None:
    record = WordRecord.model_validate(_line())
    assert record.speaker_id is None
    assert record.speaker_label is None
    assert record.timeline_time_ticks is None
    assert record.timeline_time_end_ticks is None
    assert record.clip_id is None
    assert record.segment_id is None


def test_dump_by_alias_has_exactly_the_twelve_contract_keys() -> None:
    dumped = WordRecord.model_validate(_line()).model_dump(by_alias=True)
    assert set(dumped) == {
        "schema", "wordId", "word", "confidence", "sourceTimeTicks", "sourceTimeEndTicks",
        "speakerId", "speakerLabel", "timelineTimeTicks", "timelineTimeEndTicks", "clipId", "segmentId",
    }  # fmt: skip


def test_records_are_frozen() -> None:
    record = WordRecord.model_validate(_line())
    with pytest.raises(ValidationError):
        record.word = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"schema": "transcript.word.v2"}, "schema"),
        ({"word": ""}, "word"),
        ({"word": " hello"}, "word"),
        ({"word": "hello\n"}, "word"),
        ({"confidence": 1.01}, "confidence"),
        ({"confidence": -0.1}, "confidence"),
        ({"confidence": float("nan")}, "confidence"),
        ({"confidence": "0.5"}, "confidence"),
        ({"sourceTimeTicks": -1}, "sourceTimeTicks"),
        ({"sourceTimeTicks": 100.0}, "sourceTimeTicks"),
        ({"sourceTimeTicks": True}, "sourceTimeTicks"),
        ({"sourceTimeEndTicks": "200"}, "sourceTimeEndTicks"),
        ({"sourceTimeEndTicks": 99, "wordId": "w_100_99_1"}, "sourceTimeEndTicks"),
        ({"timelineTimeTicks": 5, "timelineTimeEndTicks": 4}, "timelineTimeEndTicks"),
        ({"timelineTimeTicks": False}, "timelineTimeTicks"),
        ({"wordId": "w_100_200_0"}, "wordId"),
        ({"wordId": "w_100_201_1"}, "wordId"),
        ({"wordId": "w_0100_200_1"}, "wordId"),
        ({"wordId": "w_100_200_1\n"}, "wordId"),
        ({"wordId": "100_200_1"}, "wordId"),
        ({"speakerLabel": 1}, "speakerLabel"),
        ({"word": "\ud800"}, "word"),
        ({"colour": "red"}, "colour"),
        ({"word": ...}, "word"),
        ({"schema": ...}, "schema"),
    ],
)
def test_each_contract_rule_rejects_its_field(overrides: dict[str, Any], field: str) -> None:
    assert _error_fields(_line(**overrides)) == {field}


def test_timeline_end_may_equal_start_and_either_may_be_null() -> None:
    WordRecord.model_validate(_line(timelineTimeTicks=5, timelineTimeEndTicks=5))
    WordRecord.model_validate(_line(timelineTimeTicks=5, timelineTimeEndTicks=None))
    WordRecord.model_validate(_line(sourceTimeEndTicks=100, wordId="w_100_100_3"))


def test_integer_confidence_is_a_float_after_reading() -> None:
    record = WordRecord.model_validate(_line(confidence=1))
    assert isinstance(record.confidence, float)


def test_word_id_helpers_round_trip() -> None:
    assert format_word_id(0, 12, 2) == "w_0_12_2"
    assert parse_word_id("w_0_12_2") == (0, 12, 2)
    assert parse_word_id("w_0_12_0") is None
    assert parse_word_id("w_1_2_3_4") is None


def test_build_sorts_by_start_then_end_then_input_order_and_numbers_same_spans() -> None:
    drafts = [
        WordDraft(word="late", start_ticks=500, end_ticks=900),
        WordDraft(word="first-of-pair", start_ticks=100, end_ticks=200),
        WordDraft(word="long", start_ticks=100, end_ticks=300),
        WordDraft(word="second-of-pair", start_ticks=100, end_ticks=200),
        WordDraft(word="early", start_ticks=0, end_ticks=50),
        WordDraft(word="third-of-pair", start_ticks=100, end_ticks=200),
    ]
    records = build_word_records(drafts)
    assert [(record.word, record.word_id) for record in records] == [
        ("early", "w_0_50_1"),
        ("first-of-pair", "w_100_200_1"),
        ("second-of-pair", "w_100_200_2"),
        ("third-of-pair", "w_100_200_3"),
        ("long", "w_100_300_1"),
        ("late", "w_500_900_1"),
    ]


def test_build_trims_words_and_defaults_timeline_to_source_times() -> None:
    (record,) = build_word_records([WordDraft(word="  Hello,\t", start_ticks=60, end_ticks=120, confidence=0.25)])
    assert record.word == "Hello,"
    assert record.schema_name == WORD_SCHEMA
    assert record.confidence == 0.25
    assert (record.timeline_time_ticks, record.timeline_time_end_ticks) == (60, 120)
    assert record.speaker_id is None and record.clip_id is None and record.segment_id is None


def test_build_keeps_given_timeline_and_ids() -> None:
    draft = WordDraft(
        word="cut",
        start_ticks=60,
        end_ticks=120,
        timeline_start_ticks=1000,
        timeline_end_ticks=1060,
        clip_id="clip-1",
        segment_id="seg-1",
        speaker_id="spk-0",
        speaker_label="T1",
    )
    (record,) = build_word_records([draft])
    assert (record.timeline_time_ticks, record.timeline_time_end_ticks) == (1000, 1060)
    assert (record.clip_id, record.segment_id, record.speaker_id, record.speaker_label) == (
        "clip-1",
        "seg-1",
        "spk-0",
        "T1",
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"word": "   ", "start_ticks": 0, "end_ticks": 1},
        {"word": "a", "start_ticks": 2, "end_ticks": 1},
        {"word": "a", "start_ticks": -1, "end_ticks": 1},
        {"word": "a", "start_ticks": 0.5, "end_ticks": 1},
        {"word": "a", "start_ticks": 0, "end_ticks": 1, "confidence": 2.0},
        {"word": "a", "start_ticks": 0, "end_ticks": 1, "timeline_start_ticks": 5},
        {"word": "a", "start_ticks": 0, "end_ticks": 1, "timeline_start_ticks": 5, "timeline_end_ticks": 4},
    ],
)
def test_invalid_drafts_are_rejected(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        WordDraft(**fields)
