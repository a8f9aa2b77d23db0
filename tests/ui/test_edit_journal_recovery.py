"""A crash before the autosave loses nothing: every edit was journaled at once, and the next start replays them."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from metavis_gui.contract import WORDS_FILE_NAME, serialize_word_records
from metavis_gui.timeline.autosave_store import journal_path_for, pending_recoveries, recovery_path_for
from metavis_gui.timeline.edit_commands import (
    DeleteWords,
    InsertWord,
    MergeWithNext,
    MoveWord,
    MoveWordEdge,
    ReplaceText,
    RetimeWords,
    SetWordText,
    SplitWord,
)
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.ui.timeline import TimelineWindow, offer_timeline_recovery
from metavis_gui.ui.timeline.timeline_opening import restore_timeline
from tests.support.crashing_editor import run_editor_until_killed
from tests.support.timeline_fixtures import pump

pytestmark = pytest.mark.usefixtures("engine_ready")
# The child edits as a user would, with the autosave held off (the crash comes within its 2 s), reports the
# words it holds the moment the last edit returns, and is then killed.
EDITS_BEFORE_THE_AUTOSAVE = r"""
window.autosave.stop()
window.autosave._after_edit.setInterval(3_600_000)
editor.retype(transcript[0].key, "Und")
selection.select_one(transcript[1].key, "end")
editor.nudge(+1); editor.nudge(+1)
selection.select_one(transcript[5].key)
editor.delete_selected()
editor.insert_word("uh", transcript[0].start_ticks - 12000, transcript[0].start_ticks)
editor.retype(transcript[3].key, "fellows")
report_words("EDITED")
sleep_until_killed()
"""


def run_child_until_edited(transcript_folder: Path) -> bytes:
    return run_editor_until_killed(transcript_folder, EDITS_BEFORE_THE_AUTOSAVE, "EDITED")


def test_a_crash_before_the_autosave_loses_no_edit(transcript_copy: Path, user_folders: Path, qasync_loop) -> None:
    words_path = transcript_copy / WORDS_FILE_NAME
    original = words_path.read_bytes()
    edited_words = run_child_until_edited(transcript_copy)

    assert words_path.read_bytes() == original, "nothing was saved"
    assert not recovery_path_for(words_path).exists(), "the autosave never ran"
    assert journal_path_for(words_path).exists()
    restored: list[TimelineWindow] = []
    prompt = offer_timeline_recovery(on_restored=restored.append)
    assert isinstance(prompt, QMessageBox)
    next(button for button in prompt.buttons() if button.text() == "Restore").click()
    pump(qasync_loop, 0.1)

    (window,) = restored
    try:
        assert serialize_word_records(window.document.records()) == edited_words
        assert [word.text for word in window.document.transcript][:2] == ["uh", "Und"]
        assert window.document.is_modified
    finally:
        window.files._close_answered = True
        window.close()


# The child splits "Americans," between two letters after the last save, then is killed before the autosave
# (the mark is only in the journal) or just after it (the journal is compacted into the recovery file).
SPLIT_INSIDE_A_WORD = r"""
window.autosave.stop()
window.autosave._after_edit.setInterval(3_600_000)
americans = next(word for word in transcript if word.text.startswith("Americans"))
assert editor.split_at_letter(americans.key, americans.text, len("Ameri"), -1)
if sys.argv[2] == "after the autosave":
    window.autosave.write_now()
report_words("SPLIT")
sleep_until_killed()
"""


@pytest.mark.parametrize("crash", ["before the autosave", "after the autosave"])
def test_a_word_split_after_the_last_save_merges_back_without_a_space_after_a_crash(
    transcript_copy: Path, user_folders: Path, qasync_loop, crash: str
) -> None:
    words_path = transcript_copy / WORDS_FILE_NAME
    split_words = run_editor_until_killed(transcript_copy, SPLIT_INSIDE_A_WORD, "SPLIT", extra_arguments=[crash])
    assert journal_path_for(words_path).exists() == (crash == "before the autosave")
    assert recovery_path_for(words_path).exists() == (crash == "after the autosave")

    (recovery,) = pending_recoveries()
    window = restore_timeline(recovery, show=False)
    try:
        assert serialize_word_records(window.document.records()) == split_words
        transcript = window.document.transcript
        head = next(word for word in transcript if word.text == "Ameri")
        assert transcript.next_word(head.key).text.startswith("cans")
        window.document.selection.select_one(head.key)
        assert window.editor.merge_with_next()
        assert transcript[transcript.index_of(head.key)].text.startswith("Americans"), "not 'Ameri cans'"
    finally:
        window.files._close_answered = True
        window.close()


def test_each_edit_is_in_the_journal_before_the_next_and_the_autosave_compacts_it(
    open_window, transcript_copy: Path, qasync_loop
) -> None:
    window: TimelineWindow = open_window(transcript_copy, wait_for_waveform=False)
    words_path = transcript_copy / WORDS_FILE_NAME
    journal = journal_path_for(words_path)
    assert not journal.exists(), "opening writes nothing"
    for index, text in enumerate(["Und", "so", "meine"]):
        window.document.push(SetWordText(window.document.transcript[index].key, text))
        (recovery,) = pending_recoveries()  # what a new window would be given after a crash right now
        assert recovery.records == window.document.records()

    window.document.undo_stack.undo()
    assert pending_recoveries()[0].records == window.document.records(), "undo is journaled too"

    window.autosave.write_now()
    assert recovery_path_for(words_path).exists() and not journal.exists(), "the autosave is the compaction"
    window.document.push(SetWordText(window.document.transcript[5].key, "Amerikaner"))
    assert journal.exists() and pending_recoveries()[0].records == window.document.records()

    assert window.files.save()
    assert not journal.exists() and not recovery_path_for(words_path).exists() and pending_recoveries() == []


def test_a_new_window_after_a_crash_gets_the_journaled_edits(open_window, transcript_copy: Path, qasync_loop) -> None:
    """In-process kill: the first window is dropped without closing, its autosave never ran."""
    first: TimelineWindow = open_window(transcript_copy, wait_for_waveform=False)
    first.autosave.stop()
    first.autosave._after_edit.setInterval(3_600_000)
    first.document.push(SetWordText(first.document.transcript[0].key, "Und"))
    first.document.push(SetWordText(first.document.transcript[1].key, "so"))
    edited = first.document.records()
    first.autosave.stop()
    first.hide()  # what a crash leaves: no close, no save, no discard

    (recovery,) = pending_recoveries()
    restored = restore_timeline(recovery, show=False)
    try:
        assert restored.document.records() == edited and restored.document.is_modified
    finally:
        restored.files._close_answered = True
        restored.close()


def test_every_kind_of_edit_is_journaled_as_only_the_words_it_changed(
    open_window, transcript_copy: Path, qasync_loop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After each edit, undo and redo the journal adds up to the window's words, and no edit exports the
    whole transcript to journal itself (what made one edit cost 17 ms on 30,000 words)."""
    window: TimelineWindow = open_window(transcript_copy, wait_for_waveform=False)
    document, transcript = window.document, window.document.transcript
    journal = journal_path_for(transcript_copy / WORDS_FILE_NAME)
    whole_exports: list[int] = []
    real_to_word_records = EditableTranscript.to_word_records
    monkeypatch.setattr(EditableTranscript, "to_word_records",
                        lambda self: whole_exports.append(len(self)) or real_to_word_records(self))  # fmt: skip

    def journaled_words() -> list:
        with monkeypatch.context() as unpatched:
            unpatched.setattr(EditableTranscript, "to_word_records", real_to_word_records)
            (recovery,) = pending_recoveries()
            return recovery.records, document.records()

    first, third, last = transcript[0], transcript[2], transcript[len(transcript) - 1]
    gap_start = transcript[3].end_ticks
    edits = [
        SetWordText(first.key, "Und"),
        SplitWord.create(transcript, third.key, (third.start_ticks + third.end_ticks) // 2, "fi", "rst"),
        MergeWithNext(third.key),
        InsertWord.create(transcript, "uh", gap_start, gap_start + 600),
        DeleteWords((transcript[6].key, transcript[7].key)),
        MoveWord(transcript[8].key, 3_000, force=True),
        # Two words with one span (wordIds _1 and _2), then one of them retyped, then one moved far away.
        RetimeWords(((transcript[10].key, transcript[9].start_ticks, transcript[9].end_ticks),)),
        SetWordText(transcript[9].key, "twin"),
        RetimeWords(((last.key, transcript[1].start_ticks, transcript[1].end_ticks),)),
        ReplaceText("e", "E"),
    ]
    for edit in edits:
        assert document.push(edit), edit
        recovered, words = journaled_words()
        assert recovered == words, f"after {edit}"
    document.preview(MoveWordEdge(transcript[12].key, "end", 1_200, force=True))
    document.cancel_preview()
    for _ in range(3):
        document.undo_stack.undo()
        recovered, words = journaled_words()
        assert recovered == words, "undo"
    document.undo_stack.redo()
    assert document.push(SetWordText(transcript[4].key, "after"))
    recovered, words = journaled_words()
    assert recovered == words, "redo, a cancelled preview, then an edit"
    assert whole_exports == [], "an edit is journaled without exporting every word"

    lines = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()[1:]]
    retype = lines[0]
    # The retyped word, and the next when it starts where this one ends (the span's end is inclusive).
    assert retype["at"] == 0 and retype["remove"] == len(retype["words"]) <= 2, "a retype is its word"
    assert max(len(line["words"]) for line in lines[:-3]) < 40, "a line holds only the words an edit spans"


def test_when_the_words_file_changes_before_the_first_edit_the_journal_holds_the_words_itself(
    open_window, transcript_copy: Path, qasync_loop
) -> None:
    """The journal's base is the words as they were opened, not the changed file: its first line copies them."""
    window: TimelineWindow = open_window(transcript_copy, wait_for_waveform=False)
    words_path = transcript_copy / WORDS_FILE_NAME
    opened = window.document.records()
    words_path.write_bytes(words_path.read_bytes() + b"")
    os.utime(words_path, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))  # another program wrote it
    assert window.document.push(SetWordText(window.document.transcript[2].key, "edited"))

    header = json.loads(journal_path_for(words_path).read_text(encoding="utf-8").splitlines()[0])
    assert "words" in header and "base" not in header
    (recovery,) = pending_recoveries()
    assert recovery.records == window.document.records() != opened
    assert recovery.records[:2] == opened[:2] and recovery.records[2].word == "edited"
