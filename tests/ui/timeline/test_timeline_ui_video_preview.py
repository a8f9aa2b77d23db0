"""The video preview shows the frame at the playhead while paused: on opening, stepping, seeking; whole, letterboxed.

Offscreen, QVideoWidget draws nothing a grab can read (its picture goes to a
native window), so the frames are read from its QVideoSink: the sink holds
what the widget shows. The clip's brightness says its time, so a frame's
pixels tell where it is. The letterboxing itself shows only on a real
display (checked by eye under Xvfb); here, its mode and the dock's sizes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtTest import QTest

from metavis_gui.contract import TICKS_PER_SECOND
from metavis_gui.ui.timeline.video_preview import PREVIEW_SIZE
from tests.conftest import JFK_WAV, run_ffmpeg
from tests.support.timeline_fixtures import press_keys, pump
from tests.support.ui_helpers import wait_until

pytestmark = pytest.mark.usefixtures("engine_ready")

_LUMA_PER_SECOND = 18  # the clip's luma is 16 + 18 * t: black at 0 s, light grey at 11 s
_FRAME_MICROSECONDS = 1_001_000 // 30  # 29.97 fps, as a broadcast clip
_TICKS_PER_MICROSECOND = TICKS_PER_SECOND / 1_000_000


@pytest.fixture(scope="module")
def jfk_brightening_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JFK speech under a 16:9, 29.97 fps picture that brightens steadily, so each frame's grey says its time."""
    target = tmp_path_factory.mktemp("video") / "jfk brightening.mp4"
    picture = f"color=c=black:s=320x180:r=30000/1001,format=yuv420p,geq=lum='16+T*{_LUMA_PER_SECOND}':cb=128:cr=128"
    run_ffmpeg("-f", "lavfi", "-i", picture, "-i", str(JFK_WAV), "-shortest", "-c:v", "libx264", "-preset",
               "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", str(target))  # fmt: skip
    return target


def shown_frame(window) -> QVideoFrame:
    return window.video_dock.video_widget.videoSink().videoFrame()


def seconds_by_brightness(frame: QVideoFrame) -> float:
    """The time the clip's picture says, from the grey at the centre (studio range: luma 16 is black)."""
    image = frame.toImage()
    grey = image.pixelColor(image.width() // 2, image.height() // 2).green()
    return grey * 219 / 255 / _LUMA_PER_SECOND


def assert_shows_the_frame_at(frame: QVideoFrame, ticks: int) -> None:
    assert frame.isValid(), "the preview shows a picture, not black"
    start, at_microseconds = frame.startTime(), ticks / _TICKS_PER_MICROSECOND
    assert start - 1_000 <= at_microseconds < start + 2 * _FRAME_MICROSECONDS, "the frame at the playhead (or 1 later)"
    # Luma is a whole number (1/18 s a step) and the RGB conversion rounds: a wrong frame is seconds off.
    assert abs(seconds_by_brightness(frame) - frame.startTime() / 1_000_000) < 0.12, "the picture is that frame's"


def frame_at(window, qasync_loop, ticks: int) -> QVideoFrame:
    def arrived() -> bool:
        frame = shown_frame(window)
        return frame.isValid() and abs(frame.startTime() * _TICKS_PER_MICROSECOND - ticks) < TICKS_PER_SECOND / 10

    wait_until(qasync_loop, arrived, 10, f"the frame at {ticks / TICKS_PER_SECOND:.2f} s")
    return shown_frame(window)


def test_the_preview_shows_the_first_frame_as_the_clip_opens(
    open_window, transcript_copy, qasync_loop, jfk_brightening_mp4: Path
) -> None:
    window = open_window(transcript_copy, media_path=jfk_brightening_mp4)
    wait_until(qasync_loop, lambda: window.video_dock.isVisible(), 20, "the video preview appears")
    wait_until(qasync_loop, lambda: shown_frame(window).isValid(), 10, "the first frame, before anything plays")
    assert not window.player.is_playing
    assert_shows_the_frame_at(shown_frame(window), 0)
    frame = shown_frame(window)
    assert frame.width() * 9 == frame.height() * 16, "the whole 16:9 picture reaches the widget"


def test_a_playhead_moved_while_the_clip_loads_gets_its_frame_once_loaded(
    open_window, transcript_copy, qasync_loop, jfk_brightening_mp4: Path
) -> None:
    window = open_window(transcript_copy)
    window.set_media(jfk_brightening_mp4)
    window.player.seek(4 * TICKS_PER_SECOND)
    assert_shows_the_frame_at(frame_at(window, qasync_loop, 4 * TICKS_PER_SECOND), 4 * TICKS_PER_SECOND)


def test_stepping_and_seeking_while_paused_show_the_frame_at_the_playhead(
    open_window, transcript_copy, qasync_loop, jfk_brightening_mp4: Path
) -> None:
    window = open_window(transcript_copy, media_path=jfk_brightening_mp4)
    wait_until(qasync_loop, lambda: shown_frame(window).isValid(), 20, "the first frame")
    transcript = window.document.transcript
    window.document.selection.select_one(transcript[2].key)
    window.view.setFocus()

    for step in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Left):
        press_keys(window, step, Qt.KeyboardModifier.ControlModifier)
        word = transcript.word(window.document.selection.current_key)
        assert window.player.position_ticks == word.start_ticks, "stepping to a word puts the playhead on its start"
        assert_shows_the_frame_at(frame_at(window, qasync_loop, word.start_ticks), word.start_ticks)
    assert window.document.selection.current_key == transcript[3].key

    for seconds in (9.5, 1.25):  # as a click in the ruler or a word does
        window.player.seek(round(seconds * TICKS_PER_SECOND))
        playhead = window.player.position_ticks
        assert_shows_the_frame_at(frame_at(window, qasync_loop, playhead), playhead)
    assert not window.player.is_playing


def test_typing_a_time_while_paused_shows_the_frame_at_it(
    open_window, transcript_copy, qasync_loop, jfk_brightening_mp4: Path
) -> None:
    window = open_window(transcript_copy, media_path=jfk_brightening_mp4)
    wait_until(qasync_loop, lambda: shown_frame(window).isValid(), 20, "the first frame")
    word = window.document.transcript[5]
    window.document.selection.select_one(word.key)
    new_start = (word.start_ticks + word.end_ticks) // 2 // (TICKS_PER_SECOND // 1000) * (TICKS_PER_SECOND // 1000)
    field = window.inspector.start_field
    QTest.mouseClick(field, Qt.MouseButton.LeftButton)
    field.selectAll()
    QTest.keyClicks(field, f"{new_start / TICKS_PER_SECOND:.3f}")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert window.document.transcript.word(word.key).start_ticks == new_start
    assert window.player.position_ticks == new_start, "the playhead goes to the time typed"
    assert_shows_the_frame_at(frame_at(window, qasync_loop, new_start), new_start)


def test_after_playing_to_the_end_the_preview_keeps_following_the_playhead(
    open_window, transcript_copy, qasync_loop, jfk_brightening_mp4: Path
) -> None:
    window = open_window(transcript_copy, media_path=jfk_brightening_mp4)
    wait_until(qasync_loop, lambda: shown_frame(window).isValid(), 20, "the first frame")
    window.player.seek(window.player.duration_ticks - TICKS_PER_SECOND // 2)
    window.player.play()
    wait_until(qasync_loop, lambda: not window.player.is_playing, 10, "playback stops at the end")
    pump(qasync_loop, 0.3)
    end = window.player.duration_ticks
    assert window.player.position_ticks == end
    assert_shows_the_frame_at(frame_at(window, qasync_loop, end), end)
    window.player.seek(3 * TICKS_PER_SECOND)
    assert_shows_the_frame_at(frame_at(window, qasync_loop, 3 * TICKS_PER_SECOND), 3 * TICKS_PER_SECOND)


def test_the_preview_keeps_the_pictures_shape_in_a_dock_that_fits_a_small_screen_and_can_grow(
    open_window, transcript_copy, qasync_loop, jfk_brightening_mp4: Path
) -> None:
    window = open_window(transcript_copy)  # its sound only: no preview yet
    window.resize(1366, 740)
    pump(qasync_loop, 0.1)
    dock = window.video_dock
    window.set_media(jfk_brightening_mp4)
    wait_until(qasync_loop, lambda: dock.isVisible(), 20, "the video preview appears")
    pump(qasync_loop, 0.2)
    assert dock.video_widget.aspectRatioMode() == Qt.AspectRatioMode.KeepAspectRatio, "letterboxed, never cropped"
    assert abs(dock.width() - PREVIEW_SIZE.width()) < 20, "a small preview at first"
    assert window.panel.width() >= 2 * dock.width(), "the timeline keeps most of a 1366-px screen"
    assert window.frameGeometry().height() <= 768 and window.minimumSizeHint().width() <= 1366

    window.resizeDocks([dock], [800], Qt.Orientation.Horizontal)
    pump(qasync_loop, 0.1)
    assert dock.width() >= 760, "the editor can make it bigger"
    window.set_media(jfk_brightening_mp4)
    wait_until(qasync_loop, lambda: shown_frame(window).isValid(), 20, "the clip opened again")
    pump(qasync_loop, 0.2)
    assert dock.width() >= 760, "and the size the editor chose holds for the next clip"
