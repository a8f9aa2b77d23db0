"""Editing on the real timeline widgets with the mouse and keyboard, on a transcript of jfk.wav from the real engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from metavis_gui.timeline.editable_word import EditableWord
from metavis_gui.ui.timeline import TimelineWindow, timeline_undo_command
from tests.support.timeline_fixtures import drag, lane_y, press_keys, pump, wave_y

pytestmark = pytest.mark.usefixtures("engine_ready")


def gap_index(window: TimelineWindow) -> int:
    """The first word followed by a pause (the engine makes most words touch)."""
    transcript = window.document.transcript
    return next(i for i in range(len(transcript) - 1) if transcript[i + 1].start_ticks > transcript[i].end_ticks)


def open_with_gap_word_selected(open_window, transcript_copy: Path) -> tuple[TimelineWindow, EditableWord]:
    """A window with a word that has a pause after it selected, and the keyboard on the timeline."""
    window = open_window(transcript_copy)
    word = window.document.transcript[gap_index(window)]
    window.document.selection.select_one(word.key)
    window.view.setFocus()
    return window, word


def span_of(word: EditableWord) -> tuple[int, int]:
    return word.start_ticks, word.end_ticks


def zoom_on(window: TimelineWindow, start_ticks: int, end_ticks: int) -> None:
    window.view.scale.fit(start_ticks, end_ticks, 0.3)
    window.view.update()


def test_dragging_an_end_edge_moves_it_by_the_dragged_ticks_and_undo_puts_it_back(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    transcript, scale = window.document.transcript, window.view.scale
    word = transcript[gap_index(window)]
    following = transcript.next_word(word.key)
    zoom_on(window, word.start_ticks, following.end_ticks)
    press_x = round(scale.x_of(word.end_ticks)) - 1  # just inside the word: its end edge
    release_x = press_x + 30
    assert scale.tick_at(release_x) < following.start_ticks, "the drag stays inside the pause"

    drag(window.view, QPoint(press_x, wave_y(window)), QPoint(release_x, wave_y(window)))
    pump(qasync_loop)

    dragged_ticks = scale.tick_at(release_x) - scale.tick_at(press_x)
    moved = transcript.word(word.key)
    assert moved.end_ticks == word.end_ticks + dragged_ticks
    assert abs(dragged_ticks - 30 * scale.ticks_per_pixel) <= scale.ticks_per_pixel
    assert moved.start_ticks == word.start_ticks
    assert window.document.undo_stack.count() == 1 and window.document.is_modified
    assert window.document.selection.keys == (word.key,) and window.document.selection.edge == "end"

    window.document.undo_stack.undo()
    assert transcript.word(word.key) == word
    window.document.undo_stack.redo()
    assert transcript.word(word.key).end_ticks == word.end_ticks + dragged_ticks


def test_a_start_edge_dragged_into_the_previous_word_stops_at_it(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    transcript, scale = window.document.transcript, window.view.scale
    before = transcript[gap_index(window)]
    word = transcript.next_word(before.key)
    zoom_on(window, before.start_ticks, word.end_ticks)
    press_x = round(scale.x_of(word.start_ticks)) + 1
    release_x = round(scale.x_of(before.start_ticks)) + 5  # far into the word before

    drag(window.view, QPoint(press_x, lane_y(window)), QPoint(release_x, lane_y(window)))
    pump(qasync_loop)

    assert transcript.word(word.key).start_ticks == before.end_ticks, "clamped at the neighbour, no overlap"
    assert transcript.word(before.key) == before


def test_ctrl_drag_moves_the_shared_edge_of_two_touching_words(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    transcript, scale = window.document.transcript, window.view.scale
    left, right = transcript[1], transcript[2]
    assert left.end_ticks == right.start_ticks
    zoom_on(window, left.start_ticks, right.end_ticks)
    press_x = round(scale.x_of(left.end_ticks))
    release_x = press_x - 25

    drag(
        window.view, QPoint(press_x, wave_y(window)), QPoint(release_x, wave_y(window)),
        Qt.KeyboardModifier.ControlModifier,
    )  # fmt: skip
    pump(qasync_loop)

    delta = scale.tick_at(release_x) - scale.tick_at(press_x)
    assert delta < 0
    assert transcript.word(left.key).end_ticks == left.end_ticks + delta
    assert transcript.word(right.key).start_ticks == right.start_ticks + delta
    assert window.document.undo_stack.count() == 1
    window.document.undo_stack.undo()
    assert (transcript.word(left.key), transcript.word(right.key)) == (left, right)


def test_dragging_a_word_body_moves_the_whole_word(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    transcript, scale = window.document.transcript, window.view.scale
    before = transcript[gap_index(window)]
    zoom_on(window, before.start_ticks, transcript.next_word(before.key).end_ticks)
    middle = round(scale.x_of((before.start_ticks + before.end_ticks) / 2))

    drag(window.view, QPoint(middle, lane_y(window)), QPoint(middle + 20, lane_y(window)))
    pump(qasync_loop)

    moved = transcript.word(before.key)
    assert moved.start_ticks - before.start_ticks == moved.end_ticks - before.end_ticks > 0


def test_keyboard_nudges_the_picked_edge_by_the_chosen_step_and_undo_redo_keys_work(
    open_window, transcript_copy, qasync_loop
) -> None:
    window, word = open_with_gap_word_selected(open_window, transcript_copy)
    transcript = window.document.transcript
    press_keys(window, Qt.Key.Key_BracketRight)  # pick the end edge
    assert window.document.selection.edge == "end"

    for _ in range(3):
        press_keys(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert transcript.word(word.key).end_ticks == word.end_ticks + 3 * 600  # 3 x 10 ms
    assert window.document.undo_stack.count() == 1  # a burst of nudges is one undo step

    window.nudge_box.setCurrentText("100 ms")
    press_keys(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert transcript.word(word.key).end_ticks == word.end_ticks + 3 * 600 - 6000
    assert window.document.undo_stack.count() == 2  # another step size starts another step

    press_keys(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert transcript.word(word.key).end_ticks == word.end_ticks + 3 * 600
    press_keys(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert transcript.word(word.key).end_ticks == word.end_ticks + 3 * 600 - 6000
    for _ in range(2):
        press_keys(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert transcript.word(word.key) == word and not window.document.is_modified

    window.ruler_box.setCurrentText("Frames 25")
    window.nudge_box.setCurrentText("1 frame")
    press_keys(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert transcript.word(word.key).end_ticks == word.end_ticks + 2400  # 40 ms at 25 fps


def test_nudges_after_a_pause_or_on_another_edge_are_separate_undo_steps(
    open_window, transcript_copy, qasync_loop, monkeypatch
) -> None:
    window, word = open_with_gap_word_selected(open_window, transcript_copy)
    transcript = window.document.transcript
    clock = [1000.0]
    monkeypatch.setattr(timeline_undo_command.time, "monotonic", lambda: clock[0])

    press_keys(window, Qt.Key.Key_BracketRight)  # the end edge
    press_keys(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    clock[0] += timeline_undo_command.BURST_SECONDS + 0.1
    press_keys(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    press_keys(window, Qt.Key.Key_BracketLeft)  # the start edge
    press_keys(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.document.undo_stack.count() == 3

    press_keys(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert span_of(transcript.word(word.key)) == (word.start_ticks, word.end_ticks + 2 * 600)
    press_keys(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert span_of(transcript.word(word.key)) == (word.start_ticks, word.end_ticks + 600)

    window.document.mark_saved()  # nothing merges into the saved state
    press_keys(window, Qt.Key.Key_BracketRight)
    press_keys(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    press_keys(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert span_of(transcript.word(word.key)) == (word.start_ticks, word.end_ticks + 600)
    assert not window.document.is_modified


def test_retype_split_merge_insert_delete_from_the_keyboard_and_undo_all(
    open_window, transcript_copy: Path, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    document, transcript = window.document, window.document.transcript
    original = transcript.to_word_records()
    first = transcript[0]
    document.selection.select_one(first.key)
    window.view.setFocus()

    press_keys(window, Qt.Key.Key_F2)
    assert window.inline_editor.isVisible()
    QTest.keyClicks(window.inline_editor, "Und")
    press_keys(window, Qt.Key.Key_Return)
    assert transcript.word(first.key).text == "Und"

    split_at = (first.start_ticks + first.end_ticks) // 2
    window.player.seek(split_at)
    press_keys(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert [word.text for word in transcript][:2] == ["Un", "d"]
    assert transcript[0].end_ticks == transcript[1].start_ticks == split_at

    document.selection.select_one(transcript[0].key)
    press_keys(window, Qt.Key.Key_M)
    assert transcript[0].text == "Und" and transcript[0].end_ticks == first.end_ticks  # split inside a word

    before = transcript[gap_index(window)]
    window.player.seek(before.end_ticks + 600)
    press_keys(window, Qt.Key.Key_Insert)
    assert window.inline_editor.isVisible()
    QTest.keyClicks(window.inline_editor, "uh")
    press_keys(window, Qt.Key.Key_Return)
    inserted = transcript.next_word(before.key)
    assert inserted.text == "uh" and inserted.start_ticks >= before.end_ticks
    assert document.selection.keys == (inserted.key,)

    press_keys(window, Qt.Key.Key_Delete)
    assert inserted.key not in transcript
    assert document.undo_stack.count() == 5  # retype, split, merge, insert, delete

    while document.undo_stack.canUndo():
        press_keys(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert transcript.to_word_records() == original
    assert window.text_view.toPlainText().startswith("And so my fellow")


def test_a_click_in_the_text_selects_the_word_in_both_views(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    transcript = window.document.transcript
    word = transcript[4]
    start, end = window.text_view.word_range(word.key)
    cursor = window.text_view.textCursor()
    cursor.setPosition((start + end) // 2)
    point = window.text_view.cursorRect(cursor).center()
    QTest.mouseClick(window.text_view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    pump(qasync_loop)

    assert window.document.selection.keys == (word.key,)
    assert window.view.marks.selected_keys == frozenset({word.key})
    assert window.view.scale.start_ticks <= word.start_ticks <= window.view.scale.end_ticks
    # Highlighted as selected, and as the word under the playhead, which the click moved to it.
    assert {item.cursor.selectedText() for item in window.text_view.extraSelections()} == {word.text}
    assert abs(window.player.position_ticks - word.start_ticks) <= 60
