"""Nothing lost: a timeline process killed with unsaved edits leaves a recovery file, and the next start restores every edit."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from metavis_gui.contract import (
    WORDS_FILE_NAME,
    WordRecord,
    read_words_jsonl,
    serialize_word_records,
)
from metavis_gui.timeline.autosave_store import pending_recoveries, recovery_path_for, write_recovery
from metavis_gui.timeline.edit_commands import SetWordText
from metavis_gui.ui.timeline import TimelineWindow, offer_timeline_recovery
from tests.support.crashing_editor import run_editor_until_killed
from tests.support.timeline_fixtures import pump
from tests.support.ui_helpers import wait_until

pytestmark = pytest.mark.usefixtures("engine_ready")
# The child edits the transcript as a user would (retype, nudge, delete, insert, split), waits for the
# autosave and reports the words it holds, then sleeps until it is killed.
EDITS_THEN_THE_AUTOSAVE = r"""
from metavis_gui.timeline.autosave_store import recovery_path_for
editor.retype(transcript[0].key, "Und")
selection.select_one(transcript[1].key, "end")
editor.nudge(+1); editor.nudge(+1)
selection.select_one(transcript[5].key)
editor.delete_selected()
editor.insert_word("uh", transcript[0].start_ticks - 12000, transcript[0].start_ticks)
editor.split_at((transcript[3].start_ticks + transcript[3].end_ticks) // 2)

async def wait_for_autosave():
    recovery = recovery_path_for(Path(sys.argv[1]) / "transcript.words.v1.jsonl")
    while not recovery.exists():
        await asyncio.sleep(0.05)

loop.run_until_complete(wait_for_autosave())
report_words("AUTOSAVED")
sleep_until_killed()
"""


def run_child_until_autosaved(transcript_folder: Path, environment: dict[str, str]) -> bytes:
    return run_editor_until_killed(transcript_folder, EDITS_THEN_THE_AUTOSAVE, "AUTOSAVED", environment)


def test_a_killed_editor_leaves_its_edits_and_the_next_start_restores_every_one(
    transcript_copy: Path, user_folders: Path, open_window, qasync_loop
) -> None:
    original = (transcript_copy / WORDS_FILE_NAME).read_bytes()
    edited_words = run_child_until_autosaved(transcript_copy, dict(os.environ))

    assert (transcript_copy / WORDS_FILE_NAME).read_bytes() == original, "nothing was saved"
    assert [recovery.words_path for recovery in pending_recoveries()] == [(transcript_copy / WORDS_FILE_NAME).resolve()]
    restored: list[TimelineWindow] = []
    prompt = offer_timeline_recovery(on_restored=restored.append)
    assert isinstance(prompt, QMessageBox) and prompt.isVisible()
    next(button for button in prompt.buttons() if button.text() == "Restore").click()
    pump(qasync_loop, 0.1)

    assert len(restored) == 1
    window = restored[0]
    try:
        assert serialize_word_records(window.document.records()) == edited_words
        texts = [word.text for word in window.document.transcript]
        assert texts[:2] == ["uh", "Und"] and len(texts) == original.count(b"\n") + 1
        assert window.document.is_modified and window.isWindowModified()
        wait_until(qasync_loop, lambda: window.peaks is not None, 20, "the restored window draws its media")

        assert window.files.save()
        assert not recovery_path_for(transcript_copy / WORDS_FILE_NAME).exists(), "a clean save removes it"
        assert serialize_word_records(read_words_jsonl(transcript_copy / WORDS_FILE_NAME).records) == edited_words
        assert offer_timeline_recovery() is None
    finally:
        window.close()


def test_edits_are_autosaved_shortly_after_they_stop_and_undoing_them_all_removes_the_file(
    open_window, transcript_copy: Path, qasync_loop
) -> None:
    window = open_window(transcript_copy, wait_for_waveform=False)
    recovery = recovery_path_for(transcript_copy / WORDS_FILE_NAME)
    window.document.push(SetWordText(window.document.transcript[2].key, "mine"))
    assert not recovery.exists(), "debounced, not written on every change"
    wait_until(qasync_loop, recovery.exists, 10, "the autosave after the edit")

    window.document.undo_stack.undo()
    assert not window.document.is_modified
    assert not recovery.exists(), "back to what is on disk: nothing to recover"


def test_every_transcript_left_unsaved_is_offered_and_restored_or_discarded_together(
    transcript_copy: Path, user_folders: Path, qasync_loop
) -> None:
    second_copy = transcript_copy.parent.parent / "second-project" / transcript_copy.name
    shutil.copytree(transcript_copy.parent, second_copy.parent)
    edited: dict[Path, list[WordRecord]] = {}
    for folder, text in ((transcript_copy, "first"), (second_copy, "second")):
        records = read_words_jsonl(folder / WORDS_FILE_NAME).records
        records[0] = records[0].model_copy(update={"word": text})
        write_recovery(folder / WORDS_FILE_NAME, folder.parent / "jfk.wav", records)
        edited[(folder / WORDS_FILE_NAME).resolve()] = records

    restored: list[TimelineWindow] = []
    prompt = offer_timeline_recovery(on_restored=restored.append)
    assert prompt is not None
    assert "2 transcripts" in prompt.text() and "second-project" in prompt.detailedText()
    next(button for button in prompt.buttons() if button.text() == "Restore all 2").click()
    pump(qasync_loop, 0.1)
    try:
        assert len(restored) == 2
        for window in restored:
            assert window.document.records() == edited[window.document.opened.words_path.resolve()]
            assert window.document.is_modified
    finally:
        for window in restored:
            window.files._close_answered = True
            window.close()

    prompt = offer_timeline_recovery()
    assert prompt is not None, "restored but not saved: still recoverable"
    next(button for button in prompt.buttons() if button.text() == "Discard").click()
    pump(qasync_loop, 0.1)
    assert pending_recoveries() == [] and offer_timeline_recovery() is None
