import os
from pathlib import Path

import pytest

from metavis_gui.contract import (
    WordDraft,
    WordRecord,
    WordRecordsInvalid,
    atomic_write,
    build_word_records,
    write_bytes_atomic,
    write_words_jsonl,
)


def test_writes_new_file_and_replaces_existing(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_bytes_atomic(target, b"first")
    write_bytes_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


def test_failed_replace_keeps_old_file_and_removes_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")

    def refuse_replace(source: object, destination: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic_write.os, "replace", refuse_replace)
    with pytest.raises(OSError, match="disk full"):
        write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


def test_failed_fsync_keeps_old_file_and_removes_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")

    def failing_fsync(file_descriptor: int) -> None:
        raise OSError("I/O error")

    monkeypatch.setattr(atomic_write.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="I/O error"):
        write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


def test_failed_serialization_touches_nothing(tmp_path: Path) -> None:
    target = tmp_path / "transcript.words.v1.jsonl"
    target.write_bytes(b"old words\n")
    good = build_word_records([WordDraft(word="ok", start_ticks=0, end_ticks=1)])[0]
    broken = WordRecord.model_construct(**{**good.model_dump(), "word": ""})
    with pytest.raises(WordRecordsInvalid):
        write_words_jsonl(target, [good, broken])
    assert target.read_bytes() == b"old words\n"
    assert sorted(os.listdir(tmp_path)) == ["transcript.words.v1.jsonl"]


def test_non_bytes_are_refused_before_any_file_exists(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_bytes_atomic(tmp_path / "out.txt", "text")  # type: ignore[arg-type]
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX permissions only")
def test_replacing_keeps_the_existing_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_bytes_atomic(target, b"new")
    assert target.stat().st_mode & 0o777 == 0o640
