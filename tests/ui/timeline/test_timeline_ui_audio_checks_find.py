"""Snap to the audio, refine all, the checks panel with its "next problem" key, and find and replace, on real speech."""

from __future__ import annotations

import wave

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from metavis_gui.timeline.boundary_refinement import (
    compute_speech_envelope,
    refine_all,
    snap_boundary,
)
from metavis_gui.timeline.edit_commands import MoveWordEdge
from metavis_gui.timeline.timing_checks import ProblemKind
from tests.conftest import JFK_WAV
from tests.support.timeline_fixtures import press_keys, pump, run
from tests.support.ui_helpers import wait_until


@pytest.fixture(scope="module")
def jfk_envelope():
    with wave.open(str(JFK_WAV), "rb") as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    return compute_speech_envelope(samples, 16000)


pytestmark = pytest.mark.usefixtures("engine_ready")


def test_snapping_the_picked_edge_moves_it_to_the_speech_onset_and_undoes(
    open_window, transcript_copy, qasync_loop, jfk_envelope
) -> None:
    window = open_window(transcript_copy)
    transcript = window.document.transcript
    first = transcript[0]  # the engine starts it late; a pause lies before it
    expected = snap_boundary(first.start_ticks, "start", jfk_envelope)
    assert expected != first.start_ticks
    window.document.selection.select_one(first.key, "start")

    assert run(qasync_loop, window.snap_selected_boundary())
    assert transcript.word(first.key).start_ticks == expected
    assert transcript.word(first.key).end_ticks == first.end_ticks
    window.document.undo_stack.undo()
    assert transcript.word(first.key) == first

    window.document.selection.select_one(first.key)  # no edge picked: both edges, as one step
    press_keys(window, Qt.Key.Key_A)
    wait_until(qasync_loop, lambda: window.document.undo_stack.count() == 1, 10, "the snap from the A key")
    snapped = transcript.word(first.key)
    assert (snapped.start_ticks, snapped.end_ticks) == (expected, snap_boundary(first.end_ticks, "end", jfk_envelope))
    assert window.document.undo_stack.undoText() == "snap to the audio"


def test_refine_all_is_one_undo_step_and_matches_the_core(
    open_window, transcript_copy, qasync_loop, jfk_envelope
) -> None:
    window = open_window(transcript_copy)
    transcript = window.document.transcript
    before = transcript.to_word_records()
    expected = {key: (start, end) for key, start, end in refine_all(transcript, jfk_envelope).new_times}
    assert expected, "the engine's times leave something to refine"

    assert run(qasync_loop, window.refine_all_boundaries())
    assert window.document.undo_stack.count() == 1
    for key, (start, end) in expected.items():
        assert (transcript.word(key).start_ticks, transcript.word(key).end_ticks) == (start, end)
    window.document.undo_stack.undo()
    assert transcript.to_word_records() == before


def test_checks_list_problems_and_f8_jumps_from_one_to_the_next(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy, wait_for_waveform=False)
    transcript = window.document.transcript
    for index in (3, 9):  # make two zero-length words
        word = transcript[index]
        window.document.push(MoveWordEdge(word.key, "end", -word.duration_ticks))
    wait_until(qasync_loop, lambda: sum(p.kind is ProblemKind.ZERO_LENGTH for p in window.checks.problems) == 2,
               5, "the checks run again after the edits")  # fmt: skip
    assert window.checks.model.rowCount() == len(window.checks.problems)
    window.document.selection.select(())
    window.view.setFocus()

    word_at_tick: dict[int, int] = {}
    for problem in window.checks.problems:
        word_at_tick.setdefault(problem.tick, problem.word_key)  # several problems of one word: one stop
    expected = list(word_at_tick.values())
    jumped = []
    for _ in range(len(expected) + 1):
        press_keys(window, Qt.Key.Key_F8)
        jumped.append(window.document.selection.current_key)
    assert jumped == [*expected, expected[0]], "in time order, then from the top"
    assert transcript[3].key in jumped and transcript[9].key in jumped
    assert abs(window.player.position_ticks - transcript.word(jumped[-1]).start_ticks) <= 60

    last_row = window.checks.model.index(window.checks.model.rowCount() - 1)
    window.checks.list.scrollTo(last_row)
    QTest.mouseClick(window.checks.list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     window.checks.list.visualRect(last_row).center())  # fmt: skip
    assert window.document.selection.current_key == window.checks.problems[-1].word_key


def test_find_and_replace_all_is_one_undoable_step(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy, wait_for_waveform=False)
    transcript, panel = window.document.transcript, window.find_panel
    count_you = sum(word.text == "you" for word in transcript)
    assert count_you >= 2
    press_keys(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.find_edit.hasFocus()
    panel.find_edit.setText("you")
    panel.whole_box.setChecked(True)
    panel.find_next()
    assert transcript.word(window.document.selection.current_key).text == "you"
    panel.replace_edit.setText("thou")
    panel.replace_button.click()

    assert sum(word.text == "thou" for word in transcript) == count_you
    assert "your" in [word.text for word in transcript], "whole words only"
    assert window.document.undo_stack.count() == 1 and "thou" in window.text_view.toPlainText()
    press_keys(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sum(word.text == "you" for word in transcript) == count_you
    pump(qasync_loop)
    assert "thou" not in window.text_view.toPlainText()
