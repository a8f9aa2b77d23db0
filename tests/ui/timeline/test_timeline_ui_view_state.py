"""Per-clip view state (zoom, scroll, ruler, selected word) across a close and a reopen; the readable opening zoom."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontMetrics, QWheelEvent
from PySide6.QtWidgets import QApplication

from metavis_gui.contract import WORDS_FILE_NAME, WordDraft, build_word_records, write_words_jsonl
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.view_state_store import view_state_path
from metavis_gui.ui.timeline import TimelineWindow
from tests.support.timeline_fixtures import press_keys, pump

pytestmark = pytest.mark.usefixtures("engine_ready")


def share_of_whole_labels(window: TimelineWindow) -> float:
    """Of the words in view, the share whose box has room for the whole label (as the painter decides)."""
    view, transcript = window.view, window.document.transcript
    metrics = QFontMetrics(view._label_font)
    visible = transcript.indices_overlapping(int(view.scale.start_ticks), int(view.scale.end_ticks))
    fits = [
        view.word_box(transcript[i].key).width() - 6 >= metrics.horizontalAdvance(transcript[i].text) for i in visible
    ]
    return sum(fits) / len(fits)


def wheel(widget, x: int, steps: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    point = QPointF(x, widget.height() / 2)
    event = QWheelEvent(point, widget.mapToGlobal(point), QPoint(), QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                        modifiers, Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(widget, event)


def test_a_new_clip_opens_at_a_zoom_where_most_word_labels_read_whole(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    opening = window.view.scale.ticks_per_pixel
    assert opening < window.view.scale.max_ticks_per_pixel, "zoomed in from the whole media"
    assert share_of_whole_labels(window) >= 0.75
    window.view.fit_all()
    assert share_of_whole_labels(window) < 0.75, "at the whole-media zoom most labels would be cut"


def test_zoom_scroll_ruler_and_selection_come_back_when_the_clip_reopens(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    view = window.view
    view.setFocus()
    for _ in range(3):
        press_keys(window, Qt.Key.Key_Plus)
    wheel(view, 200, -2)  # scroll right
    for _ in range(6):
        press_keys(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    window.ruler_box.setCurrentText("Frames 25")
    selected = window.document.transcript.word(window.document.selection.current_key)
    left = (view.scale.ticks_per_pixel, view.scale.start_ticks)
    assert view.scale.start_ticks > 0
    press_keys(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)  # File > Close
    pump(qasync_loop)
    assert not window.isVisible()
    assert view_state_path(window.document.opened.media_path).is_file()

    again = open_window(transcript_copy)
    scale = again.view.scale
    assert (scale.ticks_per_pixel, scale.start_ticks) == pytest.approx(left)
    assert again.ruler_box.currentText() == "Frames 25" and again.view.ruler_format.frames_per_second == 25.0
    current = again.document.selection.current_key
    assert current is not None and again.document.transcript.word(current).start_ticks == selected.start_ticks
    assert again.inspector.word_label.text() == f"“{selected.text}”"


def test_a_damaged_view_state_is_reported_and_the_clip_opens_at_the_default_view(
    open_window, transcript_copy, qasync_loop
) -> None:
    media = transcript_copy.parent / "jfk.wav"
    path = view_state_path(media)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"format": "metavis.timeline.view-state.v1", "ticks_per_pixel": -3}', "utf-8")

    window = open_window(transcript_copy)

    assert str(path) in window.status_label.text() and "default view" in window.status_label.text()
    assert window.view.scale.ticks_per_pixel == pytest.approx(window.view.readable_ticks_per_pixel())


def test_a_clip_whose_speech_starts_late_opens_on_its_first_word(open_window, tmp_path, qasync_loop) -> None:
    """Twenty seconds of music before the speech: the view opens a second before the first word, not on music."""
    late = 20 * TICKS_PER_SECOND
    drafts = [WordDraft(word=f"word{index}", start_ticks=late + index * 30_000, end_ticks=late + index * 30_000 + 20_000,
                        confidence=0.9) for index in range(120)]  # a minute of speech after the music  # fmt: skip
    words_path = tmp_path / "late speech" / WORDS_FILE_NAME
    words_path.parent.mkdir()
    write_words_jsonl(words_path, build_word_records(drafts))

    window = open_window(words_path, wait_for_waveform=False)

    first = window.document.transcript[0]
    assert window.view.scale.start_ticks == pytest.approx(first.start_ticks - TICKS_PER_SECOND)
    assert first.end_ticks <= window.view.scale.end_ticks
