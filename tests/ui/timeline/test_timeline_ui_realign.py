"""Re-align selection / all: words moved or retyped by hand go back onto the audio, in one undo step each."""

from __future__ import annotations

import pytest

from metavis_gui.contract import TICKS_PER_SECOND, WordTimingSource
from metavis_gui.timeline.edit_commands import MoveWordEdge, SetWordText
from tests.support.timeline_fixtures import run

pytestmark = pytest.mark.usefixtures("engine_ready")
MS = TICKS_PER_SECOND // 1000


def test_realigning_a_hand_moved_word_puts_it_back_on_the_audio_in_one_undo_step(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    transcript, document = window.document.transcript, window.document
    assert set(document.timing_sources()) == {WordTimingSource.ALIGNED}, "the pipeline aligned every word of JFK"
    word = next(word for word in transcript if word.text.startswith("Americans"))
    aligned_span = (word.start_ticks, word.end_ticks)
    assert word.duration_ticks > 300 * MS
    document.push(MoveWordEdge.to_tick(transcript, word.key, "start", word.start_ticks + 120 * MS))
    document.push(MoveWordEdge.to_tick(transcript, word.key, "end", word.end_ticks - 150 * MS))
    assert transcript.word(word.key).timing_source is WordTimingSource.HAND
    steps = document.undo_stack.count()

    document.selection.select_one(word.key)
    assert run(qasync_loop, window.realign(selection_only=True), timeout=60)

    realigned = transcript.word(word.key)
    assert realigned.timing_source is WordTimingSource.ALIGNED
    assert abs(realigned.start_ticks - aligned_span[0]) <= 30 * MS
    assert abs(realigned.end_ticks - aligned_span[1]) <= 30 * MS
    assert document.undo_stack.count() == steps + 1
    assert "Re-aligned 1 word" in window.status_label.text()
    document.undo_stack.undo()
    undone = transcript.word(word.key)
    assert (undone.start_ticks, undone.end_ticks) == (aligned_span[0] + 120 * MS, aligned_span[1] - 150 * MS)
    assert undone.timing_source is WordTimingSource.HAND


def test_realign_all_after_a_retype_is_one_step_and_keeps_every_word(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    transcript, document = window.document.transcript, window.document
    country = next(word for word in transcript if word.text.startswith("country"))
    document.push(SetWordText(country.key, "nation,"))
    before = [(word.key, word.text) for word in transcript]
    steps = document.undo_stack.count()

    run(qasync_loop, window.realign(selection_only=False), timeout=60)

    assert [(word.key, word.text) for word in transcript] == before
    assert document.undo_stack.count() <= steps + 1
    assert all(source is WordTimingSource.ALIGNED for source in document.timing_sources())
    assert "Re-aligned" in window.status_label.text()


def test_realign_without_media_says_why(open_window, transcript_copy, qasync_loop, tmp_path) -> None:
    (transcript_copy.parent / "jfk.wav").rename(tmp_path / "elsewhere.wav")
    window = open_window(transcript_copy, wait_for_waveform=False)
    assert not run(qasync_loop, window.realign(selection_only=False))
    assert "needs the media" in window.status_label.text()


def test_the_window_opens_inside_the_screen_with_its_status_bar_visible(
    open_window, transcript_copy, qasync_loop
) -> None:
    from metavis_gui.ui.timeline import open_timeline

    window = open_timeline(transcript_copy)  # not the fixture: it sets a fixed size for pixel-exact tests
    try:
        room = window.screen().availableGeometry()
        assert window.width() <= room.width() and window.height() <= room.height(), (window.size(), room)
    finally:
        window.files._close_answered = True
        window.close()
