"""A crash before the autosave loses nothing: every edit was journaled at once, and the next start replays them."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from metavis_gui.contract import WORDS_FILE_NAME, serialize_word_records
from metavis_gui.timeline.autosave_store import journal_path_for, pending_recoveries, recovery_path_for
from metavis_gui.timeline.edit_commands import SetWordText
from metavis_gui.ui.timeline import TimelineWindow, offer_timeline_recovery
from metavis_gui.ui.timeline.timeline_opening import restore_timeline
from tests.conftest import REPO_ROOT
from tests.support.timeline_fixtures import pump

pytestmark = pytest.mark.usefixtures("engine_ready")
CHILD_TIMEOUT_SECONDS = 60

# The child edits as a user would, with the autosave held off (the crash comes within its 2 s), prints
# the words it holds the moment the last edit returns, and is then killed.
CHILD_PROGRAM = r"""
import asyncio, os, sys
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["QT_API"] = "pyside6"
import qasync
from PySide6.QtWidgets import QApplication
application = QApplication([])
loop = qasync.QEventLoop(application)
asyncio.set_event_loop(loop)
from metavis_gui.contract import serialize_word_records
from metavis_gui.ui.timeline import open_timeline

window = open_timeline(Path(sys.argv[1]))
window.autosave.stop()
window.autosave._after_edit.setInterval(3_600_000)
editor, transcript, selection = window.editor, window.document.transcript, window.document.selection
editor.retype(transcript[0].key, "Und")
selection.select_one(transcript[1].key, "end")
editor.nudge(+1); editor.nudge(+1)
selection.select_one(transcript[5].key)
editor.delete_selected()
editor.insert_word("uh", transcript[0].start_ticks - 12000, transcript[0].start_ticks)
editor.retype(transcript[3].key, "fellows")
print("EDITED " + serialize_word_records(window.document.records()).hex(), flush=True)
loop.run_until_complete(asyncio.sleep(3600))
"""


def run_child_until_edited(transcript_folder: Path) -> bytes:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD_PROGRAM, str(transcript_folder)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO_ROOT, env=dict(os.environ),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + CHILD_TIMEOUT_SECONDS
        buffered = b""
        while b"\n" not in buffered:
            remaining = deadline - time.monotonic()
            assert remaining > 0, "the child never finished its edits"
            ready, _, _ = select.select([child.stdout], [], [], remaining)
            if ready:
                chunk = os.read(child.stdout.fileno(), 1 << 16)
                assert chunk, f"the child ended early with {child.poll()}"
                buffered += chunk
        line = buffered.split(b"\n", 1)[0].decode()
        assert line.startswith("EDITED "), line
        return bytes.fromhex(line.split(" ", 1)[1])
    finally:
        child.send_signal(signal.SIGKILL)  # a crash: no autosave, no close, no clean-up
        child.wait(10)


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
