import json
from pathlib import Path

import pytest

from metavis_gui.contract import (
    LineProblem,
    TranscriptFileInvalid,
    WordDraft,
    WordRecord,
    WordRecordsInvalid,
    build_word_records,
    read_words_jsonl,
    serialize_word_records,
    validate_words_jsonl,
    write_words_jsonl,
)

TWELVE_KEYS_SORTED = [
    "clipId", "confidence", "schema", "segmentId", "sourceTimeEndTicks", "sourceTimeTicks",
    "speakerId", "speakerLabel", "timelineTimeEndTicks", "timelineTimeTicks", "word", "wordId",
]  # fmt: skip


def _records() -> list[WordRecord]:
    return build_word_records(
        [
            WordDraft(word="Ask", start_ticks=0, end_ticks=18000, confidence=0.9123456789),
            WordDraft(word="not", start_ticks=18000, end_ticks=30000, confidence=0.1, speaker_label="T1"),
            WordDraft(word="what", start_ticks=18000, end_ticks=30000, confidence=1.0, speaker_id="spk0"),
            WordDraft(word="café—naïve", start_ticks=30000, end_ticks=42000, confidence=0.5, segment_id="s1"),
        ]
    )


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _good_line(start: int = 0, end: int = 60, n: int = 1, word: str = "ok") -> str:
    return json.dumps(
        {
            "schema": "transcript.word.v1",
            "wordId": f"w_{start}_{end}_{n}",
            "word": word,
            "confidence": 0.5,
            "sourceTimeTicks": start,
            "sourceTimeEndTicks": end,
        }
    )


def test_every_line_has_all_twelve_keys_sorted_compact_and_newline_ended() -> None:
    data = serialize_word_records(_records())
    text = data.decode("utf-8")
    assert text.endswith("\n") and "\n\n" not in text
    lines = text.split("\n")[:-1]
    assert len(lines) == 4
    for line in lines:
        assert ", " not in line and '": ' not in line
        keys = list(json.loads(line))
        assert keys == TWELVE_KEYS_SORTED


def test_exact_bytes_of_one_line() -> None:
    (record,) = build_word_records([WordDraft(word="Ünïcode", start_ticks=5, end_ticks=7, confidence=0.25)])
    assert serialize_word_records([record]) == (
        '{"clipId":null,"confidence":0.25,"schema":"transcript.word.v1","segmentId":null,'
        '"sourceTimeEndTicks":7,"sourceTimeTicks":5,"speakerId":null,"speakerLabel":null,'
        '"timelineTimeEndTicks":7,"timelineTimeTicks":5,"word":"Ünïcode","wordId":"w_5_7_1"}\n'
    ).encode("utf-8")


def test_nulls_are_written_not_omitted() -> None:
    first = json.loads(serialize_word_records(_records()).decode("utf-8").split("\n")[0])
    assert first["speakerId"] is None and first["clipId"] is None and first["segmentId"] is None
    assert first["confidence"] == 0.9123456789


def test_writing_twice_gives_identical_bytes(tmp_path: Path) -> None:
    write_words_jsonl(tmp_path / "a.jsonl", _records())
    write_words_jsonl(tmp_path / "b.jsonl", _records())
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "words.jsonl"
    write_words_jsonl(path, _records())
    contents = read_words_jsonl(path)
    assert contents.problems == []
    assert contents.records == _records()
    assert validate_words_jsonl(path) == []


def test_lines_without_nullable_keys_are_read(tmp_path: Path) -> None:
    path = _write_lines(tmp_path / "old.jsonl", [_good_line(0, 60), _good_line(60, 120)])
    contents = read_words_jsonl(path)
    assert contents.problems == []
    assert [record.word_id for record in contents.records] == ["w_0_60_1", "w_60_120_1"]
    assert contents.records[0].timeline_time_ticks is None
    assert validate_words_jsonl(path) == []


def test_reader_reports_line_and_field_for_each_bad_line_and_keeps_good_lines(tmp_path: Path) -> None:
    bad_fields = json.loads(_good_line(60, 120))
    bad_fields.update(confidence=7, sourceTimeEndTicks=1.5, colour="red")
    missing_word = json.loads(_good_line(120, 180))
    del missing_word["word"]
    path = _write_lines(
        tmp_path / "mixed.jsonl",
        [
            _good_line(0, 60),  # 1
            json.dumps(bad_fields),  # 2
            "{not json",  # 3
            "",  # 4
            "[1, 2]",  # 5
            json.dumps(missing_word),  # 6
            _good_line(180, 240).replace('"w_180_240_1"', '"w_180_241_1"'),  # 7
            '{"word": "a", "word": "b"}',  # 8
            _good_line(240, 300),  # 9
            '{"confidence": NaN}',  # 10
        ],
    )
    contents = read_words_jsonl(path)
    assert [record.word_id for record in contents.records] == ["w_0_60_1", "w_240_300_1"]
    located = [(problem.line_number, problem.field) for problem in contents.problems]
    assert located == [
        (2, "confidence"),
        (2, "sourceTimeEndTicks"),
        (2, "colour"),
        (3, None),
        (4, None),
        (5, None),
        (6, "word"),
        (7, "wordId"),
        (8, "word"),
        (10, None),
    ]
    messages = {(problem.line_number, problem.field): problem.message for problem in contents.problems}
    assert "less than or equal to 1" in messages[(2, "confidence")] and "7" in messages[(2, "confidence")]
    assert "unknown key" in messages[(2, "colour")]
    assert "not valid JSON" in messages[(3, None)]
    assert "blank line" in messages[(4, None)]
    assert "JSON object" in messages[(5, None)]
    assert messages[(6, "word")] == "missing required key"
    assert "w_180_240_<n>" in messages[(7, "wordId")]
    assert "more than once" in messages[(8, "word")]
    assert "NaN" in messages[(10, None)]
    assert str(contents.problems[0]).startswith("line 2, confidence: ")


def test_missing_or_non_utf8_file_raises_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(TranscriptFileInvalid, match="nope.jsonl: file not found"):
        read_words_jsonl(missing)
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes((_good_line() + "\n").encode("utf-8") + '{"word": "caf\xe9"}\n'.encode("latin-1"))
    with pytest.raises(TranscriptFileInvalid, match=r"latin1\.jsonl: is not UTF-8.*line 2"):
        read_words_jsonl(latin1)
    with pytest.raises(TranscriptFileInvalid):
        validate_words_jsonl(latin1)


def test_empty_file_has_no_words_and_no_problems(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    assert read_words_jsonl(path).records == []
    assert validate_words_jsonl(path) == []


def test_validate_reports_order_numbering_and_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text(
        "\n".join(
            [
                _good_line(60, 120),  # 1
                _good_line(0, 60),  # 2 out of order
                _good_line(120, 180, n=1),  # 3
                _good_line(120, 180, n=1, word="dup"),  # 4 should be _2
                _good_line(180, 240, n=2),  # 5 should be _1
            ]
        ),
        encoding="utf-8",
    )
    assert read_words_jsonl(path).problems == []  # file-level rules are validate's job
    problems = validate_words_jsonl(path)
    assert [(problem.line_number, problem.field) for problem in problems] == [
        (2, "sourceTimeTicks"),
        (4, "wordId"),
        (5, "wordId"),
        (5, None),
    ]
    assert "'w_120_180_2'" in problems[1].message
    assert "newline" in problems[3].message


def test_numbering_counts_invalid_lines_of_the_same_span(tmp_path: Path) -> None:
    invalid_first = json.loads(_good_line(0, 60, n=1))
    invalid_first["confidence"] = 3
    path = _write_lines(tmp_path / "count.jsonl", [json.dumps(invalid_first), _good_line(0, 60, n=2)])
    problems = validate_words_jsonl(path)
    assert [(problem.line_number, problem.field) for problem in problems] == [(1, "confidence")]
    assert isinstance(problems[0], LineProblem)


def test_validate_reports_crlf_and_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(("\ufeff" + _good_line(0, 60) + "\r\n" + _good_line(60, 120) + "\r\n").encode("utf-8"))
    assert [record.word_id for record in read_words_jsonl(path).records] == ["w_0_60_1", "w_60_120_1"]
    messages = [(problem.line_number, problem.message) for problem in validate_words_jsonl(path)]
    assert len(messages) == 3
    assert "byte order mark" in messages[0][1]
    assert [line for line, message in messages if "\\r\\n" in message] == [1, 2]


def test_serializing_unsorted_or_misnumbered_records_is_refused() -> None:
    records = _records()
    with pytest.raises(WordRecordsInvalid, match="out of order"):
        serialize_word_records(list(reversed(records)))
    with pytest.raises(WordRecordsInvalid, match="w_18000_30000_2"):
        serialize_word_records([records[0], records[1], records[1]])


def test_serializing_a_record_that_skipped_validation_is_refused() -> None:
    broken = WordRecord.model_construct(**{**_records()[0].model_dump(), "confidence": 2.0})
    with pytest.raises(WordRecordsInvalid, match="record 1 is invalid: confidence: "):
        serialize_word_records([broken])
