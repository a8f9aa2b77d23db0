import json
import os
from pathlib import Path

import pytest

from metavis_gui.contract import (
    CAPTIONS_FILE_NAME,
    SUMMARY_FILE_NAME,
    WORDS_FILE_NAME,
    ToolInfo,
    TranscriptBundleInvalid,
    TranscriptSummary,
    WordDraft,
    WordRecord,
    WordRecordsInvalid,
    adjacent_captions_path,
    build_word_records,
    read_summary,
    read_words_jsonl,
    render_webvtt,
    write_transcript_bundle,
)


def _records() -> list[WordRecord]:
    return build_word_records(
        [
            WordDraft(word="And", start_ticks=0, end_ticks=12000),
            WordDraft(word="so.", start_ticks=12000, end_ticks=30000),
        ]
    )


def _summary(word_count: int = 2) -> TranscriptSummary:
    return TranscriptSummary(
        input_file_name="talk.mp4",
        duration_seconds=1.0,
        language="en",
        tool=ToolInfo(name="whisper.cpp", version=None, model="tiny.en"),
        word_count=word_count,
    )


def test_file_names_match_the_contract() -> None:
    assert WORDS_FILE_NAME == "transcript.words.v1.jsonl"
    assert SUMMARY_FILE_NAME == "transcript.summary.v1.json"
    assert CAPTIONS_FILE_NAME == "captions.vtt"
    assert adjacent_captions_path(Path("/media/talk.final.mp4")) == Path("/media/talk.final.captions.vtt")


def test_bundle_writes_the_three_files_and_the_adjacent_captions(tmp_path: Path) -> None:
    media = tmp_path / "media" / "talk.mp4"
    media.parent.mkdir()
    media.write_bytes(b"")
    out_dir = tmp_path / "out" / "nested"
    written = write_transcript_bundle(out_dir, _records(), _summary(), adjacent_captions_for=media)
    assert written == [
        out_dir / WORDS_FILE_NAME,
        out_dir / SUMMARY_FILE_NAME,
        out_dir / CAPTIONS_FILE_NAME,
        tmp_path / "media" / "talk.captions.vtt",
    ]
    assert read_words_jsonl(out_dir / WORDS_FILE_NAME).records == _records()
    assert read_summary(out_dir / SUMMARY_FILE_NAME) == _summary()
    captions = render_webvtt(_records()).encode("utf-8")
    assert (out_dir / CAPTIONS_FILE_NAME).read_bytes() == captions
    assert (tmp_path / "media" / "talk.captions.vtt").read_bytes() == captions
    assert json.loads((out_dir / SUMMARY_FILE_NAME).read_text(encoding="utf-8"))["wordCount"] == 2


def test_without_media_only_the_three_files_are_written(tmp_path: Path) -> None:
    written = write_transcript_bundle(tmp_path, _records(), _summary())
    assert sorted(path.name for path in written) == sorted(os.listdir(tmp_path))
    assert len(written) == 3


def test_an_invalid_record_writes_nothing(tmp_path: Path) -> None:
    records = _records()
    broken = WordRecord.model_construct(**{**records[1].model_dump(), "confidence": float("nan")})
    out_dir = tmp_path / "out"
    with pytest.raises(WordRecordsInvalid):
        write_transcript_bundle(out_dir, [records[0], broken], _summary(), adjacent_captions_for=tmp_path / "m.mp4")
    assert not out_dir.exists()
    assert os.listdir(tmp_path) == []


def test_an_invalid_record_leaves_an_earlier_bundle_untouched(tmp_path: Path) -> None:
    write_transcript_bundle(tmp_path, _records(), _summary())
    before = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    unsorted = list(reversed(_records()))
    with pytest.raises(WordRecordsInvalid):
        write_transcript_bundle(tmp_path, unsorted, _summary())
    assert {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)} == before


def test_word_count_must_match_the_words(tmp_path: Path) -> None:
    with pytest.raises(TranscriptBundleInvalid, match="wordCount is 3 but there are 2 words"):
        write_transcript_bundle(tmp_path / "out", _records(), _summary(word_count=3))
    assert not (tmp_path / "out").exists()


def test_missing_media_folder_is_reported_before_writing(tmp_path: Path) -> None:
    with pytest.raises(TranscriptBundleInvalid, match="does not exist"):
        write_transcript_bundle(
            tmp_path / "out", _records(), _summary(), adjacent_captions_for=tmp_path / "gone" / "a.mp4"
        )
    assert not (tmp_path / "out").exists()
