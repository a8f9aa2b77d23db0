"""The transcript every timeline UI test starts from: the real engine's words for jfk.wav, with its summary."""

from __future__ import annotations

from pathlib import Path

from metavis_gui.contract import SUMMARY_FILE_NAME, WORDS_FILE_NAME, read_words_jsonl


def test_the_engine_transcript_has_words_and_a_summary_naming_the_media(generated_transcript: Path) -> None:
    contents = read_words_jsonl(generated_transcript / WORDS_FILE_NAME)
    assert len(contents.records) >= 15 and not contents.problems
    assert (generated_transcript / SUMMARY_FILE_NAME).is_file()
    assert (generated_transcript.parent / "jfk.wav").is_file()
