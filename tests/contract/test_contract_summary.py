import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from metavis_gui.contract import (
    SUMMARY_SCHEMA,
    ToolInfo,
    TranscriptFileInvalid,
    TranscriptSummary,
    read_summary,
    serialize_summary,
    write_summary,
)


def _summary(**overrides: object) -> TranscriptSummary:
    fields: dict[str, object] = {
        "input_file_name": "interview.mov",
        "duration_seconds": 11.0,
        "language": "en",
        "tool": ToolInfo(name="whisper.cpp", version="1.7.4", model="ggml-tiny.en"),
        "word_count": 22,
    }
    fields.update(overrides)
    return TranscriptSummary(**fields)  # type: ignore[arg-type]


def test_exact_bytes_sorted_indented_with_trailing_newline() -> None:
    assert serialize_summary(_summary()).decode("utf-8") == (
        "{\n"
        '  "durationSeconds": 11.0,\n'
        '  "input": "interview.mov",\n'
        '  "language": "en",\n'
        '  "schema": "transcript.summary.v1",\n'
        '  "tool": {\n'
        '    "model": "ggml-tiny.en",\n'
        '    "name": "whisper.cpp",\n'
        '    "version": "1.7.4"\n'
        "  },\n"
        '  "wordCount": 22\n'
        "}\n"
    )


def test_nulls_are_written_and_round_trip(tmp_path: Path) -> None:
    summary = _summary(language=None, tool=ToolInfo(name="whisper", model="tiny"))
    path = tmp_path / "transcript.summary.v1.json"
    write_summary(path, summary)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["language"] is None and document["tool"]["version"] is None
    assert document["schema"] == SUMMARY_SCHEMA
    assert read_summary(path) == summary
    write_summary(tmp_path / "again.json", summary)
    assert (tmp_path / "again.json").read_bytes() == path.read_bytes()


@pytest.mark.parametrize("name", ["/tmp/clip.mov", "media/clip.mov", "C:\\clip.mov", "..", ""])
def test_input_must_be_a_file_name_only(name: str) -> None:
    with pytest.raises(ValidationError):
        _summary(input_file_name=name)


@pytest.mark.parametrize(
    "overrides",
    [{"duration_seconds": float("nan")}, {"duration_seconds": -1.0}, {"word_count": -1}, {"word_count": True}],
)
def test_invalid_numbers_are_rejected(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _summary(**overrides)


def test_reading_reports_the_file_and_the_problem(tmp_path: Path) -> None:
    with pytest.raises(TranscriptFileInvalid, match="missing.json: file not found"):
        read_summary(tmp_path / "missing.json")
    document = json.loads(serialize_summary(_summary()))
    del document["schema"]
    (tmp_path / "no_schema.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(TranscriptFileInvalid, match="no_schema.json: schema: missing"):
        read_summary(tmp_path / "no_schema.json")
    document["schema"] = SUMMARY_SCHEMA
    document["wordCount"] = "22"
    (tmp_path / "bad_count.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(TranscriptFileInvalid, match="bad_count.json: wordCount"):
        read_summary(tmp_path / "bad_count.json")
