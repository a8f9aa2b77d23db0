"""Opening, saving, exporting and closing timeline windows on real engine output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from metavis_gui.contract import (
    CAPTIONS_FILE_NAME,
    SUMMARY_FILE_NAME,
    WORDS_FILE_NAME,
    read_words_jsonl,
    validate_words_jsonl,
)
from metavis_gui.timeline.autosave_store import recovery_path_for
from metavis_gui.timeline.edit_commands import MoveWordEdge, SetWordText
from tests.support.timeline_fixtures import pump
from tests.support.ui_helpers import wait_until

pytestmark = pytest.mark.usefixtures("engine_ready")
BUNDLE = (WORDS_FILE_NAME, SUMMARY_FILE_NAME, CAPTIONS_FILE_NAME)


def test_opening_a_transcript_folder_finds_the_media_and_caches_the_waveform(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    assert window.document.opened.media_path == transcript_copy.parent / "jfk.wav"
    assert window.peaks is not None and not window.audio.peaks_came_from_cache
    assert window.peaks.sample_count == 176_000  # 11 s at 16 kHz
    assert len(window.document.transcript) == len(read_words_jsonl(transcript_copy / WORDS_FILE_NAME).records)

    again = open_window(transcript_copy / WORDS_FILE_NAME)
    assert again.audio.peaks_came_from_cache
    assert all((a == b).all() for a, b in zip(again.peaks.maxima, window.peaks.maxima))


def test_an_unedited_export_gives_the_bytes_that_were_opened(open_window, transcript_copy, tmp_path: Path) -> None:
    window = open_window(transcript_copy, wait_for_waveform=False)
    written = window.files.export_to(tmp_path / "exported")
    assert sorted(path.name for path in written) == sorted(BUNDLE)
    for name in BUNDLE:
        assert (tmp_path / "exported" / name).read_bytes() == (transcript_copy / name).read_bytes(), name


def test_open_edit_save_export_srt_and_reopen_keeps_the_edits(
    open_window, transcript_copy, tmp_path, qasync_loop
) -> None:
    window = open_window(transcript_copy, wait_for_waveform=False)
    document = window.document
    first, second = document.transcript[0], document.transcript[1]
    document.push(SetWordText(first.key, "Und"))
    document.push(MoveWordEdge(first.key, "start", -6000))
    assert window.isWindowModified()

    assert window.files.save()
    assert not document.is_modified and not window.isWindowModified()
    assert validate_words_jsonl(transcript_copy / WORDS_FILE_NAME) == []
    srt = window.files.export_srt_to(tmp_path / "edited.srt")
    start_ms = round((first.start_ticks - 6000) / 60)  # the moved start, as SRT writes it (ticks are 1/60 ms)
    assert srt.read_text(encoding="utf-8").startswith(f"1\n00:00:00,{start_ms:03d} --> ")
    assert "Und so my fellow" in srt.read_text(encoding="utf-8")

    reopened = open_window(transcript_copy, wait_for_waveform=False)
    words = list(reopened.document.transcript)
    assert (words[0].text, words[0].start_ticks, words[0].end_ticks) == (
        "Und",
        first.start_ticks - 6000,
        first.end_ticks,
    )
    assert (words[1].text, words[1].start_ticks) == (second.text, second.start_ticks)
    records = read_words_jsonl(transcript_copy / WORDS_FILE_NAME).records
    assert records[0].word_id == f"w_{first.start_ticks - 6000}_{first.end_ticks}_1"


def test_invalid_lines_are_listed_by_line_number_and_valid_ones_load(open_window, transcript_copy) -> None:
    words_path = transcript_copy / WORDS_FILE_NAME
    lines = words_path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "{not json\n"
    lines[4] = lines[4].replace('"confidence":', '"confidence":7, "was":')
    words_path.write_text("".join(lines), encoding="utf-8")

    window = open_window(transcript_copy, wait_for_waveform=False)
    assert len(window.document.transcript) == len(lines) - 2
    shown = [window.line_problems.item(row).text() for row in range(window.line_problems.count())]
    assert any(text.startswith("line 3:") and "not valid JSON" in text for text in shown), shown
    assert any(text.startswith("line 5") for text in shown), shown
    assert window.side_tabs.currentWidget() is window.line_problems


def test_media_that_is_not_beside_the_transcript_is_asked_for_once_without_blocking(
    open_window, transcript_copy, tmp_path, qasync_loop
) -> None:
    moved = tmp_path / "elsewhere" / "jfk.wav"
    moved.parent.mkdir()
    shutil.move(transcript_copy.parent / "jfk.wav", moved)

    window = open_window(transcript_copy, wait_for_waveform=False)
    dialog = window.files.dialog
    assert window.audio is None and isinstance(dialog, QFileDialog)
    assert dialog.isVisible() and dialog.fileMode() == QFileDialog.FileMode.ExistingFile
    dialog.fileSelected.emit(str(moved))  # what choosing the file does
    dialog.close()
    wait_until(qasync_loop, lambda: window.peaks is not None, 20, "the waveform of the chosen media loads")
    assert window.document.opened.media_path == moved and window.player.has_sound


def test_closing_with_unsaved_edits_asks_and_discard_removes_the_recovery_file(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy, wait_for_waveform=False)
    window.document.push(SetWordText(window.document.transcript[0].key, "Und"))
    window.autosave.write_now()
    recovery = recovery_path_for(transcript_copy / WORDS_FILE_NAME)
    assert recovery.is_file()

    assert not window.close()
    prompt = window.files.close_prompt
    assert isinstance(prompt, QMessageBox) and prompt.isVisible() and window.isVisible()

    prompt.button(QMessageBox.StandardButton.Discard).click()
    pump(qasync_loop)
    assert not window.isVisible()
    assert not recovery.exists()
    assert read_words_jsonl(transcript_copy / WORDS_FILE_NAME).records[0].word == "And"
