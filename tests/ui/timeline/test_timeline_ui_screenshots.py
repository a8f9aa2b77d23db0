"""Screenshots of the timeline window for a person to look at: whole media, and zoomed in on a selected word."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from metavis_gui.ui.timeline.timeline_painting import SELECTED_FILL, WAVEFORM
from tests.support.ui_helpers import save_screenshot

pytestmark = pytest.mark.usefixtures("engine_ready")


def colour_count(image: QImage, colour: QColor, rows: range) -> int:
    wanted = colour.rgb()
    return sum(image.pixel(x, y) == wanted for y in rows for x in range(0, image.width(), 2))


def test_screenshots_of_the_timeline_at_two_zoom_levels_with_a_selected_word(
    open_window, transcript_copy, qasync_loop, test_output_dir: Path
) -> None:
    window = open_window(transcript_copy)
    transcript = window.document.transcript
    selected = transcript[5]
    window.document.selection.select_one(selected.key, "end")
    window.player.seek(selected.start_ticks + selected.duration_ticks // 3)
    window.view.fit_all()

    whole = save_screenshot(qasync_loop, window, test_output_dir / "timeline-whole-media.png")
    window.view.fit_selection()
    window.ruler_box.setCurrentText("Frames 25")
    zoomed = save_screenshot(qasync_loop, window, test_output_dir / "timeline-zoomed-on-word.png")

    for path in (whole, zoomed):
        image = QImage(str(path))
        view_top = window.view.mapTo(window, window.view.rect().topLeft()).y()
        lane = window.view.word_lane()
        lane_rows = range(view_top + round(lane.top()) + 3, view_top + round(lane.bottom()) - 3, 4)
        wave_rows = range(
            view_top + round(window.view.wave_area().top()), view_top + round(window.view.wave_area().bottom()), 6
        )
        assert colour_count(image, SELECTED_FILL, lane_rows) > 10, f"{path.name}: the selected word shows"
        assert colour_count(image, WAVEFORM, wave_rows) > 100, f"{path.name}: the waveform shows"
    assert window.view.scale.ticks_per_pixel < window.view.scale.max_ticks_per_pixel / 3
