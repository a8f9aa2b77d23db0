"""The word inspector, typed times, refusals in the status bar and word-respecting splits, by keyboard and mouse,
on a transcript of jfk.wav from the real engine."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from metavis_gui.contract import TICKS_PER_SECOND
from metavis_gui.timeline.edit_commands import SplitWord
from metavis_gui.timeline.speech_envelope import compute_speech_envelope
from metavis_gui.timeline.time_entry import format_time, parse_typed_time
from metavis_gui.timeline.timing_refusals import RefusalReason, snap_refusal
from metavis_gui.ui.timeline import TimelineWindow
from tests.conftest import JFK_WAV, jfk_under_test_picture
from tests.support.timeline_fixtures import press_keys, pump
from tests.support.ui_helpers import wait_until

pytestmark = pytest.mark.usefixtures("engine_ready")
TEN_MS = TICKS_PER_SECOND // 100


def type_into(field, text: str) -> None:
    """Click the field, select what it shows, type over it, Enter: as a user types a time."""
    QTest.mouseClick(field, Qt.MouseButton.LeftButton)
    field.selectAll()
    QTest.keyClicks(field, text)
    QTest.keyClick(field, Qt.Key.Key_Return)


def gap_after(window: TimelineWindow) -> int:
    transcript = window.document.transcript
    return next(i for i in range(len(transcript) - 1) if transcript[i + 1].start_ticks - transcript[i].end_ticks > 6000)


def test_stepping_with_the_keyboard_brings_each_word_into_view(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    transcript, scale = window.document.transcript, window.view.scale
    scale.fit(transcript[0].start_ticks, transcript[1].end_ticks, 0.1)  # zoomed in on the first two words
    window.view.setFocus()
    for word in transcript:
        press_keys(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
        assert window.document.selection.current_key == word.key
        assert scale.start_ticks <= word.start_ticks and word.end_ticks <= scale.end_ticks, word.text
    for word in reversed(transcript[:-1]):
        press_keys(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
        assert scale.start_ticks <= word.start_ticks and word.end_ticks <= scale.end_ticks, word.text


def test_the_inspector_follows_the_keyboard_selection_and_shows_the_words_times(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    transcript, inspector = window.document.transcript, window.inspector
    assert inspector.isVisible() and inspector.word_label.text() == "No word selected"
    assert not inspector.start_field.isEnabled()
    window.view.setFocus()

    for index in range(3):
        press_keys(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
        word = transcript[index]
        assert inspector.word_label.text() == f"“{word.text}”"
        assert inspector.start_field.text() == format_time(word.start_ticks)
        assert inspector.end_field.text() == format_time(word.end_ticks)
        assert inspector.duration_field.text() == f"{word.duration_ticks / TICKS_PER_SECOND:.3f}"
        assert inspector.confidence_label.text() == f"Confidence {word.confidence:.2f}"
        assert inspector.source_label.text().startswith("Timing: ")

    window.ruler_box.setCurrentText("Frames 25")
    assert inspector.start_field.text() == format_time(transcript[2].start_ticks, 25.0)
    assert inspector.start_field.text().count(":") == 3
    shown = transcript[2]
    for field in (inspector.start_field, inspector.end_field, inspector.duration_field):
        QTest.mouseClick(field, Qt.MouseButton.LeftButton)
        QTest.keyClick(field, Qt.Key.Key_Return)
    assert transcript.word(shown.key) == shown, "Enter on the rounded time as shown moves nothing"
    assert window.document.undo_stack.count() == 0


def test_a_typed_start_is_one_undo_step_and_undo_restores_it(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    transcript, inspector = window.document.transcript, window.inspector
    before = transcript[gap_after(window)]
    word = transcript.next_word(before.key)
    window.document.selection.select_one(word.key)
    typed = f"{(word.start_ticks - 2 * TEN_MS) / TICKS_PER_SECOND:.3f}"
    wanted = parse_typed_time(typed)
    assert wanted > before.end_ticks

    type_into(inspector.start_field, typed)

    assert transcript.word(word.key).start_ticks == wanted
    assert transcript.word(word.key).end_ticks == word.end_ticks
    assert transcript.word(word.key).timing_source.value == "hand"
    assert inspector.source_label.text() == "Timing: set by hand"
    assert window.document.undo_stack.count() == 1
    window.view.setFocus()
    press_keys(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert transcript.word(word.key) == word
    assert inspector.start_field.text() == format_time(word.start_ticks)

    # A timecode at the ruler's frame rate, and a duration, each one step.
    window.ruler_box.setCurrentText("Frames 25")
    frame_ticks = TICKS_PER_SECOND // 25
    frame = round(word.end_ticks / frame_ticks) - 1
    seconds, frames = divmod(frame, 25)
    type_into(inspector.end_field, f"00:00:{seconds:02d}:{frames:02d}")
    assert transcript.word(word.key).end_ticks == frame * frame_ticks
    type_into(inspector.duration_field, "0.1")
    assert transcript.word(word.key).end_ticks == word.start_ticks + TICKS_PER_SECOND // 10
    assert window.document.undo_stack.count() == 2


def test_a_typed_time_that_is_not_a_time_or_runs_into_a_neighbour_says_why(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    transcript, inspector = window.document.transcript, window.inspector
    left, right = transcript[1], transcript[2]
    assert left.end_ticks == right.start_ticks, "whisper.cpp makes most words touch"
    window.document.selection.select_one(left.key)

    type_into(inspector.end_field, "soon")
    assert "is not a time" in window.status_label.text() and "End time" in window.status_label.text()
    assert inspector.end_field.text() == format_time(left.end_ticks), "the shown time comes back"

    type_into(inspector.end_field, format_time(right.end_ticks))
    assert transcript.word(left.key) == left and window.document.undo_stack.count() == 0
    assert f"would overlap the next word {right.text!r}" in window.status_label.text()


def test_nudge_buttons_move_by_a_frame_and_by_10_ms_and_name_their_shortcuts(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    transcript, inspector = window.document.transcript, window.inspector
    word = transcript[gap_after(window)]
    window.document.selection.select_one(word.key, "end")
    tips = [button.toolTip() for button in inspector.nudge_buttons]
    assert tips == ["Nudge left 1 frame (Ctrl+Shift+Left)", "Nudge right 1 frame (Ctrl+Shift+Right)",
                    "Nudge left 10 ms (Shift+Left)", "Nudge right 10 ms (Shift+Right)"]  # fmt: skip
    assert all(button.accessibleName() for button in inspector.nudge_buttons)

    QTest.mouseClick(inspector.nudge_buttons[3], Qt.MouseButton.LeftButton)
    assert transcript.word(word.key).end_ticks == word.end_ticks + TEN_MS
    window.ruler_box.setCurrentText("Frames 25")
    QTest.mouseClick(inspector.nudge_buttons[1], Qt.MouseButton.LeftButton)
    assert transcript.word(word.key).end_ticks == word.end_ticks + TEN_MS + TICKS_PER_SECOND // 25
    window.view.setFocus()
    press_keys(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    press_keys(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert transcript.word(word.key).end_ticks == word.end_ticks
    assert inspector.end_field.text() == format_time(word.end_ticks, 25.0)


def test_a_nudge_into_the_next_word_is_refused_in_the_status_bar(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    transcript = window.document.transcript
    left, right = transcript[1], transcript[2]
    window.document.selection.select_one(left.key)
    window.view.setFocus()
    press_keys(window, Qt.Key.Key_BracketRight)

    press_keys(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)

    assert transcript.word(left.key) == left and window.document.undo_stack.count() == 0
    assert window.status_label.text().startswith(f"{left.text!r}'s end stops at {format_time(left.end_ticks)}")
    assert f"the next word {right.text!r}" in window.status_label.text()

    window.document.selection.select(())
    press_keys(window, Qt.Key.Key_M)
    assert window.status_label.text().startswith("Select a word first")


def test_a_snap_with_no_pause_in_reach_says_so_in_the_status_bar(open_window, transcript_copy, qasync_loop) -> None:
    with wave.open(str(JFK_WAV), "rb") as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    envelope = compute_speech_envelope(samples, 16000)
    window = open_window(transcript_copy)
    transcript = window.document.transcript
    refused = [(word, edge, refusal) for word in transcript for edge in ("start", "end")
               if (refusal := snap_refusal(transcript, word.key, edge, envelope)) is not None
               and refusal.reason is RefusalReason.NO_PAUSE_IN_REACH]  # fmt: skip
    assert refused, "mid-sentence boundaries in running speech have no pause near them"
    word, edge, refusal = refused[0]
    window.document.selection.select_one(word.key, edge)
    window.view.setFocus()

    press_keys(window, Qt.Key.Key_A)
    wait_until(qasync_loop, lambda: window.status_label.text() != "", 20, "the snap's answer")

    assert window.status_label.text() == refusal.message
    assert "no pause in the speech within 150 ms" in refusal.message
    assert transcript.word(word.key) == word and window.document.undo_stack.count() == 0


def test_a_word_split_at_a_chosen_letter_merges_back_into_one_word(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    transcript = window.document.transcript
    word = next(word for word in transcript if word.text.startswith("Americans"))
    window.document.selection.select_one(word.key)
    window.player.seek(0)  # the playhead is outside the word: the cut goes at the letter's share of its time
    window.view.setFocus()

    press_keys(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    editor = window.inline_editor
    assert editor.isVisible() and editor.text() == word.text
    QTest.keyClick(editor, Qt.Key.Key_Home)
    for _ in range(5):
        QTest.keyClick(editor, Qt.Key.Key_Right)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    pump(qasync_loop)

    left = transcript.word(word.key)
    right = transcript.next_word(word.key)
    assert (left.text, right.text) == ("Ameri", word.text[5:])
    assert left.end_ticks == right.start_ticks == word.start_ticks + round(word.duration_ticks * 5 / len(word.text))

    window.document.selection.select_one(left.key)
    press_keys(window, Qt.Key.Key_M)
    merged = transcript.word(word.key)
    assert merged.text == word.text and (merged.start_ticks, merged.end_ticks) == (word.start_ticks, word.end_ticks)
    assert window.text_view.toPlainText().count(word.text) == 1


def test_a_split_inside_a_word_still_merges_without_a_space_after_save_and_reopen(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    transcript = window.document.transcript
    word = next(word for word in transcript if word.text.startswith("Americans"))
    cut = word.start_ticks + word.duration_ticks // 2
    assert window.document.push(SplitWord.create(transcript, word.key, cut, word.text[:5], word.text[5:]))
    window.view.setFocus()
    press_keys(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.status_label.text().startswith("Saved"), window.status_label.text()
    window.files._close_answered = True
    window.close()

    reopened = open_window(transcript_copy)
    transcript = reopened.document.transcript
    left = next(word for word in transcript if word.text == "Ameri")
    assert transcript.next_word(left.key).text == word.text[5:]
    reopened.document.selection.select_one(left.key)
    reopened.view.setFocus()
    press_keys(reopened, Qt.Key.Key_M)
    assert transcript.word(left.key).text == word.text, "joined without a space, as before the save"


@pytest.fixture(scope="module")
def jfk_50fps_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JFK speech under a 50 fps test picture: a rate none of the ruler's choices has."""
    return jfk_under_test_picture(tmp_path_factory.mktemp("video-50") / "jfk 50fps.mp4", "160x120", "50")


def test_typed_and_shown_timecodes_are_at_the_clips_frame_rate(
    open_window, transcript_copy, qasync_loop, jfk_50fps_mp4: Path
) -> None:
    window = open_window(transcript_copy, media_path=jfk_50fps_mp4)
    wait_until(qasync_loop, lambda: window.clip_frames_per_second is not None, 20, "ffprobe reads the frame rate")
    assert window.clip_frames_per_second == 50.0
    transcript, inspector = window.document.transcript, window.inspector
    frame = TICKS_PER_SECOND // 50
    # A word whose start moved two frames later has a frame number of 25 or more: no timecode at 25 fps.
    word = next(word for word in transcript
                if word.duration_ticks > 6 * frame and (round(word.start_ticks / frame) + 2) % 50 >= 25)  # fmt: skip
    target_frame = round(word.start_ticks / frame) + 2
    typed = f"00:00:{target_frame // 50:02d}:{target_frame % 50:02d}"
    window.document.selection.select_one(word.key)
    assert window.ruler_box.currentText() == "Clip rate (50 fps)"
    window.ruler_box.setCurrentText("Time (ms)")  # the user's choice: the ruler counts no frames, the clip does

    type_into(inspector.start_field, typed)
    moved = window.document.transcript.word(word.key)
    assert moved.start_ticks == target_frame * frame, f"{typed} read at 50 fps"
    assert inspector.start_field.text() == format_time(moved.start_ticks), "shown as clock time, as the ruler is"

    window.ruler_box.setCurrentText("Frames 25")
    assert inspector.start_field.text() == typed, "a frame ruler shows timecode at the clip's 50 fps, not its 25"
    window.document.undo_stack.undo()
    assert window.document.transcript.word(word.key).start_ticks == word.start_ticks
