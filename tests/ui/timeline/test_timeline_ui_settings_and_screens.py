"""Desktop-safe drag modifiers, accessible names, light and dark themes, play-word roll, and the window on a
1366x768 laptop screen with the selected word under its inspector times."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAccessible, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from metavis_gui.contract import TICKS_PER_SECOND
from metavis_gui.timeline.time_entry import parse_typed_time
from metavis_gui.ui.timeline import TimelineWindow
from metavis_gui.ui.timeline.timeline_painting import SELECTED_FILL
from metavis_gui.ui.timeline.timeline_preferences import PRE_ROLL_KEY
from metavis_gui.ui.timeline.word_timeline_view import WordTimelineView
from tests.support.timeline_fixtures import drag, press_keys, wave_y
from tests.support.ui_helpers import run_loop_for

pytestmark = pytest.mark.usefixtures("engine_ready")
LAPTOP_SCREEN = (1366, 768)
CONTROL_TYPES = (QAbstractButton, QComboBox, QLineEdit, QAbstractItemView, QAbstractSlider, QPlainTextEdit, QTabWidget,
                 WordTimelineView)  # fmt: skip


def shared_edge_drag(window: TimelineWindow, modifiers: Qt.KeyboardModifier) -> tuple[int, int]:
    """Drag the boundary of words 1 and 2 (they touch) 25 px left; returns the (left end, right start) after."""
    transcript, scale = window.document.transcript, window.view.scale
    left, right = transcript[1], transcript[2]
    assert left.end_ticks == right.start_ticks
    window.view.scale.fit(left.start_ticks, right.end_ticks, 0.3)
    press_x = round(scale.x_of(left.end_ticks))
    drag(window.view, QPoint(press_x, wave_y(window)), QPoint(press_x - 25, wave_y(window)), modifiers)
    return transcript.word(left.key).end_ticks, transcript.word(right.key).start_ticks


def test_alt_drag_is_off_by_default_ctrl_drags_a_shared_edge_and_the_setting_changes_it(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    transcript = window.document.transcript
    left, right = transcript[1], transcript[2]

    left_end, right_start = shared_edge_drag(window, Qt.KeyboardModifier.AltModifier)
    assert left_end < left.end_ticks and right_start == right.start_ticks, "Alt-drag moves only the left word's end"
    window.document.undo_stack.undo()

    left_end, right_start = shared_edge_drag(window, Qt.KeyboardModifier.ControlModifier)
    assert left_end == right_start < left.end_ticks, "Ctrl-drag moves the shared edge"
    window.document.undo_stack.undo()

    window.setting_choices["shared_edge"]["Alt"].trigger()
    left_end, right_start = shared_edge_drag(window, Qt.KeyboardModifier.AltModifier)
    assert left_end == right_start < left.end_ticks
    window.document.undo_stack.undo()

    again = open_window(transcript_copy)
    assert again.setting_choices["shared_edge"]["Alt"].isChecked()
    assert again.view.shared_edge_modifier == Qt.KeyboardModifier.AltModifier


def test_every_control_in_the_window_has_an_accessible_name(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    controls = [widget for widget in window.findChildren(QWidget)
                if isinstance(widget, CONTROL_TYPES) and widget.isVisibleTo(window)]  # fmt: skip
    assert len(controls) > 20
    nameless = [f"{type(widget).__name__} {widget.objectName()!r}" for widget in controls
                if not QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name).strip()]  # fmt: skip
    assert nameless == []


def test_the_theme_toggle_in_the_view_menu_switches_light_and_dark_and_is_remembered(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    assert window.setting_choices["theme"]["System"].isChecked()
    window.setting_choices["theme"]["Dark"].trigger()
    assert window.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert window.inspector.start_field.palette().color(QPalette.ColorRole.Base).lightness() < 80
    window.setting_choices["theme"]["Light"].trigger()
    assert window.palette().color(QPalette.ColorRole.Window).lightness() > 200

    window.setting_choices["theme"]["Dark"].trigger()
    again = open_window(transcript_copy)
    assert again.setting_choices["theme"]["Dark"].isChecked()
    assert again.palette().color(QPalette.ColorRole.Window).lightness() < 80


def test_play_word_starts_the_chosen_pre_roll_before_the_word(open_window, transcript_copy, qasync_loop) -> None:
    window = open_window(transcript_copy)
    word = window.document.transcript[6]
    window.setting_choices["pre_roll"]["250 ms"].trigger()
    assert QSettings().value(PRE_ROLL_KEY) in (250, "250")
    window.document.selection.select_one(word.key)
    window.view.setFocus()
    press_keys(window, Qt.Key.Key_S)
    assert window.player.is_playing
    assert window.player.position_ticks == word.start_ticks - TICKS_PER_SECOND // 4
    window.player.pause()


@pytest.mark.parametrize("theme", ["Light", "Dark"])
def test_on_a_1366x768_screen_the_window_fits_and_the_selected_word_lies_under_its_inspector_times(
    open_window, transcript_copy, qasync_loop, test_output_dir: Path, theme: str
) -> None:
    window = open_window(transcript_copy)
    window.setting_choices["theme"][theme].trigger()
    room = (LAPTOP_SCREEN[0] - 16, LAPTOP_SCREEN[1] - 48)  # the window manager's frame and panel
    window.resize(*room)
    transcript = window.document.transcript
    word = transcript[7]
    window.document.selection.select_one(word.key)
    window.view.fit_selection()
    run_loop_for(qasync_loop, 0.3)

    assert (window.width(), window.height()) == room, "no minimum size pushes the window off the screen"
    status_bottom = window.statusBar().geometry().bottom()
    assert window.statusBar().isVisible() and status_bottom < window.height()
    assert (
        window.inspector.isVisible()
        and window.inspector.geometry().height() >= window.inspector.minimumSizeHint().height()
    )
    path = test_output_dir / f"timeline-1366x768-{theme.lower()}.png"
    image = window.grab().toImage()
    assert image.save(str(path)) and image.width() == room[0]

    start = parse_typed_time(window.inspector.start_field.text())
    end = parse_typed_time(window.inspector.end_field.text())
    half_ms = TICKS_PER_SECOND // 2000  # the inspector shows milliseconds
    assert abs(start - word.start_ticks) <= half_ms and abs(end - word.end_ticks) <= half_ms
    view = window.view
    origin = view.mapTo(window, QPoint(0, 0))
    x0, x1 = origin.x() + view.scale.x_of(start), origin.x() + view.scale.x_of(end)
    row = origin.y() + round(view.word_lane().center().y()) + 8
    filled = [x for x in range(image.width()) if QImage.pixelColor(image, x, row).rgb() == SELECTED_FILL.rgb()]
    assert filled, "the selected word's box shows"
    border = 5  # the selected box's 2 px outline is drawn inside it
    assert x0 - 1 <= min(filled) <= x0 + border and x1 - border <= max(filled) <= x1 + 1, (
        x0,
        x1,
        filled[0],
        filled[-1],
    )
    background = image.pixelColor(window.inspector.mapTo(window, QPoint(2, 2)))
    assert (background.lightness() < 100) == (theme == "Dark")
