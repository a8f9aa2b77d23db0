"""The frame ruler and the frame nudges count the clip's own frames (29.97 fps here), unless the user picked a rate,
on a transcript of jfk.wav from the real engine under a real NTSC-rate video."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from metavis_gui.contract import TICKS_PER_SECOND
from metavis_gui.timeline.time_entry import format_time
from metavis_gui.ui.timeline import TimelineWindow
from tests.conftest import jfk_under_test_picture
from tests.support.timeline_fixtures import press_keys, pump
from tests.support.ui_helpers import wait_until

pytestmark = pytest.mark.usefixtures("engine_ready")
NTSC = 30000 / 1001
NTSC_FRAME_TICKS = 2002  # 60,000 ticks a second * 1001 / 30,000
PAL_FRAME_TICKS = 2400


@pytest.fixture(scope="module")
def jfk_ntsc_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return jfk_under_test_picture(tmp_path_factory.mktemp("video-2997") / "jfk 29.97.mp4", "160x120", "30000/1001")


def open_with_clip_rate(open_window, transcript_copy: Path, video: Path, qasync_loop) -> TimelineWindow:
    window: TimelineWindow = open_window(transcript_copy, media_path=video)
    wait_until(qasync_loop, lambda: window.clip_frames_per_second is not None, 20, "ffprobe reads the frame rate")
    return window


def box_entries(window: TimelineWindow) -> list[str]:
    return [window.ruler_box.itemText(index) for index in range(window.ruler_box.count())]


def nudge_end_by_a_frame(window: TimelineWindow, word_key: int) -> int:
    """Select the word's end, press Ctrl+Shift+Right (one frame later); how far the end moved, then undo."""
    transcript = window.document.transcript
    before = transcript.word(word_key).end_ticks
    window.document.selection.select_one(word_key, "end")
    window.view.setFocus()
    press_keys(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    moved = transcript.word(word_key).end_ticks - before
    window.document.undo_stack.undo()
    return moved


def word_with_room_after(window: TimelineWindow) -> int:
    transcript = window.document.transcript
    index = next(i for i in range(len(transcript) - 1)
                 if transcript[i + 1].start_ticks - transcript[i].end_ticks > 4 * PAL_FRAME_TICKS)  # fmt: skip
    return transcript[index].key


def test_a_video_clips_ruler_and_frame_nudges_count_its_own_frames(
    open_window, transcript_copy: Path, qasync_loop, jfk_ntsc_mp4: Path
) -> None:
    window = open_with_clip_rate(open_window, transcript_copy, jfk_ntsc_mp4, qasync_loop)
    assert window.clip_frames_per_second == pytest.approx(NTSC)
    assert box_entries(window)[:2] == ["Time (ms)", "Clip rate (29.97 fps)"]
    assert window.ruler_box.currentText() == "Clip rate (29.97 fps)", "the default once the clip's rate is known"
    box = window.ruler_box
    assert box.sizeHint().width() > box.fontMetrics().horizontalAdvance(box.currentText()), "the entry shows whole"
    ruler = window.view.ruler_format
    assert ruler.frames_per_second == pytest.approx(NTSC)
    assert ruler.label(TICKS_PER_SECOND) == "00:00:01:00" and ruler.label(NTSC_FRAME_TICKS * 29) == "00:00:00:29"

    key = word_with_room_after(window)
    assert nudge_end_by_a_frame(window, key) == NTSC_FRAME_TICKS
    window.nudge_box.setCurrentText("1 frame")
    assert window.editor.nudge_step_ticks == NTSC_FRAME_TICKS, "the nudge step of one frame is a clip frame"
    word = window.document.transcript.word(key)
    window.document.selection.select_one(key)
    assert window.inspector.start_field.text() == format_time(word.start_ticks, NTSC)


def test_a_rate_the_user_picks_is_kept_over_the_clips_and_comes_back_with_the_clip(
    open_window, transcript_copy: Path, qasync_loop, jfk_ntsc_mp4: Path
) -> None:
    window = open_with_clip_rate(open_window, transcript_copy, jfk_ntsc_mp4, qasync_loop)
    window.ruler_box.setCurrentText("Frames 25")
    assert window.view.ruler_format.frames_per_second == 25.0
    assert nudge_end_by_a_frame(window, word_with_room_after(window)) == PAL_FRAME_TICKS, "a frame of the ruler"
    window.set_media(jfk_ntsc_mp4)  # the media read again (chosen again, say): the rate arrives a second time
    wait_until(qasync_loop, lambda: window.clip_frames_per_second is not None, 20, "ffprobe reads the frame rate")
    assert window.ruler_box.currentText() == "Frames 25", "the clip's rate does not take the user's choice over"

    window.close()
    pump(qasync_loop)
    again = open_with_clip_rate(open_window, transcript_copy, jfk_ntsc_mp4, qasync_loop)
    assert again.ruler_box.currentText() == "Frames 25" and "Clip rate (29.97 fps)" in box_entries(again)

    again.ruler_box.setCurrentText("Clip rate (29.97 fps)")
    assert again.view.ruler_format.frames_per_second == pytest.approx(NTSC)
    assert nudge_end_by_a_frame(again, word_with_room_after(again)) == NTSC_FRAME_TICKS


def test_audio_has_no_clip_rate_entry_and_its_ruler_shows_clock_time(
    open_window, transcript_copy: Path, qasync_loop
) -> None:
    window = open_window(transcript_copy)  # jfk.wav: no video
    pump(qasync_loop, 0.5)  # time for a rate to arrive, were there one
    assert window.clip_frames_per_second is None
    assert window.ruler_box.currentText() == "Time (ms)" and not any(
        entry.startswith("Clip rate") for entry in box_entries(window)
    )
    assert window.view.ruler_format.frames_per_second is None
