"""Speakers in the text view: a paragraph ends where the speaker changes and starts with the speaker's label."""

from __future__ import annotations

from pathlib import Path

import pytest

from metavis_gui.contract import WORDS_FILE_NAME, read_words_jsonl, write_words_jsonl
from metavis_gui.timeline.edit_commands import SetWordText
from tests.support.timeline_fixtures import pump

pytestmark = pytest.mark.usefixtures("engine_ready")


def label_speakers(transcript_folder: Path) -> int:
    """Words before the middle are T1's, the rest T2's (speaker ids as a diarizer would write them)."""
    words_path = transcript_folder / WORDS_FILE_NAME
    records = read_words_jsonl(words_path).records
    middle = len(records) // 2
    records = [
        record.model_copy(
            update={"speaker_id": f"spk_{index >= middle}", "speaker_label": "T2" if index >= middle else "T1"}
        )
        for index, record in enumerate(records)
    ]
    write_words_jsonl(words_path, records)
    return middle


def test_each_speaker_turn_is_a_labelled_paragraph_and_its_words_stay_clickable(
    open_window, transcript_copy, qasync_loop
) -> None:
    middle = label_speakers(transcript_copy)
    window = open_window(transcript_copy)
    transcript = window.document.transcript
    lines = window.text_view.toPlainText().split("\n")
    assert lines[0].startswith("T1: ") and lines[-1].startswith("T2: ")
    assert sum(line.startswith("T2: ") for line in lines) >= 1

    second_speaker_first_word = transcript[middle]
    start, end = window.text_view.word_range(second_speaker_first_word.key)
    text = window.text_view.toPlainText()
    assert text[start:end] == second_speaker_first_word.text
    assert text[start - 4 : start] == "T2: ", "the turn starts a paragraph with its label"
    assert window.text_view.key_at_position(start - 2) is None, "the label is no word"

    window.document.push(SetWordText(second_speaker_first_word.key, "Indeed"))
    pump(qasync_loop)
    start, end = window.text_view.word_range(second_speaker_first_word.key)
    text = window.text_view.toPlainText()
    assert text[start - 4 : end] == "T2: Indeed"

    exported = window.document.records()
    assert [record.speaker_label for record in exported] == ["T1"] * middle + ["T2"] * (len(exported) - middle)
