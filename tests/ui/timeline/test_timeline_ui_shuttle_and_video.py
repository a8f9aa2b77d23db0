"""Loop selection, J/K/L shuttle, hearing the playhead while it is dragged, and the synced video preview."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from metavis_gui.contract import TICKS_PER_SECOND
from tests.conftest import jfk_under_test_picture
from tests.support.timeline_fixtures import press_keys, pump
from tests.support.ui_helpers import wait_until

pytestmark = pytest.mark.usefixtures("engine_ready")


@pytest.fixture(scope="module")
def jfk_testsrc_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JFK speech under ffmpeg's test picture (a frame counter that moves), as a short H.264 clip."""
    return jfk_under_test_picture(tmp_path_factory.mktemp("video") / "jfk testsrc.mp4", "320x240", "25")


def test_loop_selection_from_the_keyboard_replays_the_words_until_turned_off(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    word = window.document.transcript[3]
    window.document.selection.select_one(word.key)
    window.view.setFocus()
    positions: list[int] = []
    window.player.position_changed.connect(positions.append)

    press_keys(window, Qt.Key.Key_L, Qt.KeyboardModifier.ShiftModifier)
    assert window.actions_by_name["loop"].isChecked() and window.player.is_looping
    wait_until(qasync_loop, lambda: sum(later < earlier for earlier, later in pairwise(positions)) >= 2, 10,
               "two rounds of the loop")  # fmt: skip
    assert all(word.start_ticks <= position <= word.end_ticks for position in positions)

    press_keys(window, Qt.Key.Key_L, Qt.KeyboardModifier.ShiftModifier)
    assert not window.actions_by_name["loop"].isChecked() and not window.player.is_looping
    wait_until(qasync_loop, lambda: not window.player.is_playing, 10, "the last round ends")
    assert window.player.position_ticks == word.end_ticks


def test_j_k_l_shuttle_forwards_faster_backwards_and_stops(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    window.view.setFocus()
    window.player.seek(5 * TICKS_PER_SECOND)

    press_keys(window, Qt.Key.Key_L)
    assert window.player.is_playing and window.player.rate == 1.0
    press_keys(window, Qt.Key.Key_L)
    assert window.player.rate == 1.5 and window.speed_box.currentText() == "1.5x"
    press_keys(window, Qt.Key.Key_L)
    press_keys(window, Qt.Key.Key_L)
    assert window.player.rate == 2.0, "the fastest speed holds"
    press_keys(window, Qt.Key.Key_K)
    assert not window.player.is_playing and window.player.rate == 1.0 and window.speed_box.currentText() == "1x"

    stopped_at = window.player.position_ticks
    positions: list[int] = []
    window.player.position_changed.connect(positions.append)
    press_keys(window, Qt.Key.Key_J)
    assert window.shuttle.is_running_backwards and window.player.is_playing, "the first snippet plays at once"
    pump(qasync_loop, 0.8)
    moved_back = stopped_at - window.player.position_ticks
    assert 0.3 * TICKS_PER_SECOND < moved_back < 1.5 * TICKS_PER_SECOND
    forwards = sum(later > earlier for earlier, later in pairwise(positions))
    jumps_back = sum(later < earlier for earlier, later in pairwise(positions))
    assert window.player.has_sound and forwards >= 4 and jumps_back >= 2, (
        "backwards is heard: snippets played forwards, each starting further back"
    )
    press_keys(window, Qt.Key.Key_J)
    assert window.shuttle.speed == -1.5 and window.speed_box.currentText() == "1.5x", "J again: faster back"
    press_keys(window, Qt.Key.Key_K)
    assert not window.shuttle.is_running_backwards
    held = window.player.position_ticks
    pump(qasync_loop, 0.2)
    assert window.player.position_ticks == held


def test_dragging_the_playhead_in_the_ruler_plays_where_it_passes(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    view = window.view
    view.fit_all()
    y = 8  # the ruler
    QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(100, y))
    assert window.player.position_ticks == view.scale.tick_at(100)
    QTest.mouseMove(view, QPoint(300, y))
    assert window.player.is_playing, "the sound under the dragged playhead plays"
    assert abs(window.player.position_ticks - view.scale.tick_at(300)) < TICKS_PER_SECOND // 10
    QTest.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(300, y))
    wait_until(qasync_loop, lambda: not window.player.is_playing, 5, "the scrub's moment of sound ends")


def test_video_media_shows_a_synced_preview_that_can_be_hidden(
    open_window, transcript_copy, qasync_loop, jfk_testsrc_mp4: Path
) -> None:
    window = open_window(transcript_copy, media_path=jfk_testsrc_mp4)
    dock = window.video_dock
    wait_until(qasync_loop, lambda: dock.isVisible(), 20, "the video preview appears")
    assert dock.toggleViewAction().isEnabled() and dock.toggleViewAction().isChecked()
    frames: list[int] = []
    dock.video_widget.videoSink().videoFrameChanged.connect(lambda frame: frames.append(frame.startTime()))

    word = window.document.transcript[5]
    window.document.selection.select_one(word.key)
    window.view.setFocus()
    press_keys(window, Qt.Key.Key_S)
    wait_until(qasync_loop, lambda: not window.player.is_playing, 20, "the word plays")
    assert frames, "the preview was fed frames while the word played"
    last_frame_ticks = frames[-1] * TICKS_PER_SECOND // 1_000_000
    assert abs(last_frame_ticks - word.end_ticks) < TICKS_PER_SECOND // 5, "the picture stops with the playhead"

    dock.toggleViewAction().trigger()
    assert not dock.isVisible()

    window.set_media(transcript_copy.parent / "jfk.wav")
    pump(qasync_loop, 0.5)
    assert not dock.isVisible() and not dock.toggleViewAction().isEnabled()
