"""Playback on the real widgets: QMediaPlayer runs offscreen with no sound card, and its time advances."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from tests.support.timeline_fixtures import lane_y, press_keys, pump
from tests.support.ui_helpers import record, wait_until

pytestmark = pytest.mark.usefixtures("engine_ready")
PLAYBACK_TIMEOUT_SECONDS = 10


def test_a_click_on_a_word_seeks_the_player_to_its_start(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    assert window.player.has_sound, "QtMultimedia plays the media (PySide6-Addons)"
    word = window.document.transcript[6]
    window.view.scale.fit(word.start_ticks, word.end_ticks, 1.0)
    middle = round(window.view.scale.x_of((word.start_ticks + word.end_ticks) / 2))

    QTest.mouseClick(
        window.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(middle, lane_y(window))
    )
    pump(qasync_loop, 0.2)

    assert window.document.selection.keys == (word.key,)
    assert abs(window.player.position_ticks - word.start_ticks) <= 60  # the player counts milliseconds
    assert abs(window.player._media.position() - word.start_ticks / 60) <= 1
    assert window.view.marks.playhead_ticks == window.player.position_ticks


def test_playback_highlights_the_current_word_in_both_views_and_the_view_follows(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    transcript = window.document.transcript
    window.view.scale.fit(transcript[0].start_ticks, transcript[2].end_ticks, 0.0)  # zoomed in: following must scroll
    first_start = window.view.scale.start_ticks
    playing_keys = record(window.current_word_changed)
    window.player.seek(transcript[0].start_ticks)
    started = time.monotonic()

    press_keys(window, Qt.Key.Key_Space)
    assert window.player.is_playing
    wait_until(qasync_loop, lambda: len({args[0] for _, args in playing_keys} - {None}) >= 4,
               PLAYBACK_TIMEOUT_SECONDS, "four words are highlighted in turn")  # fmt: skip
    elapsed_ticks = (time.monotonic() - started) * 60_000
    press_keys(window, Qt.Key.Key_Space)
    assert not window.player.is_playing

    position = window.player.position_ticks
    assert position > transcript[2].start_ticks
    assert position <= transcript[0].start_ticks + elapsed_ticks + 30_000, "time advances at about real speed"
    index = transcript.index_at_tick(position)
    current = transcript[index].key if index is not None else None
    assert window.view.marks.playing_key == current
    assert window.text_view._playing_key == current
    highlighted = [item.cursor.selectedText() for item in window.text_view.extraSelections()]
    assert current is None or transcript.word(current).text in highlighted
    seen = [args[0] for _, args in playing_keys if args[0] is not None]
    assert seen == sorted(seen, key=transcript.index_of), "words light up in time order"
    assert window.view.scale.start_ticks > first_start, "the view followed the playhead"


def test_play_word_stops_at_its_end_and_500_ms_before_plays_up_to_its_start(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    word = window.document.transcript[3]
    window.document.selection.select_one(word.key)
    window.view.setFocus()

    press_keys(window, Qt.Key.Key_S)
    assert window.player.is_playing
    wait_until(qasync_loop, lambda: not window.player.is_playing, PLAYBACK_TIMEOUT_SECONDS, "the word finishes")
    assert window.player.position_ticks == word.end_ticks

    press_keys(window, Qt.Key.Key_Q)
    assert window.player.position_ticks <= word.start_ticks
    wait_until(qasync_loop, lambda: not window.player.is_playing, PLAYBACK_TIMEOUT_SECONDS, "500 ms before finishes")
    assert window.player.position_ticks == word.start_ticks


def test_loop_replays_the_selection_and_speed_changes_the_rate(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    word = window.document.transcript[3]  # about 300 ms long
    window.document.selection.select_one(word.key)
    window.actions_by_name["loop"].setChecked(True)
    window.speed_box.setCurrentText("2x")
    assert window.player.rate == 2.0
    positions: list[int] = []
    window.player.position_changed.connect(positions.append)

    window.play_selection()
    pump(qasync_loop, 1.0)
    window.player.pause()

    wraps = sum(1 for earlier, later in pairwise(positions) if later < earlier)
    assert wraps >= 2, f"looped the word {wraps} times in a second at 2x"
    assert all(word.start_ticks <= position <= word.end_ticks for position in positions)
