"""The timeline view with its horizontal scroll bar; the two follow each other without echo."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QScrollBar, QVBoxLayout, QWidget

from metavis_gui.ui.timeline.timeline_document import TimelineDocument
from metavis_gui.ui.timeline.word_timeline_view import WordTimelineView

_TICKS_PER_SCROLL_UNIT = 60  # the scroll bar counts milliseconds: 3 h fit in its int range


class TimelinePanel(QWidget):
    def __init__(self, document: TimelineDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = WordTimelineView(document, self)
        self.scroll_bar = QScrollBar(Qt.Orientation.Horizontal, self)
        self.scroll_bar.setAccessibleName("Timeline scroll")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.scroll_bar)
        self.view.view_changed.connect(self._sync_scroll_bar)
        self.scroll_bar.valueChanged.connect(self._on_scrolled)
        self._sync_scroll_bar()

    def _sync_scroll_bar(self) -> None:
        scale = self.view.scale
        page = max(1, round(scale.width * scale.ticks_per_pixel / _TICKS_PER_SCROLL_UNIT))
        total = round(scale.duration_ticks / _TICKS_PER_SCROLL_UNIT)
        with QSignalBlocker(self.scroll_bar):
            self.scroll_bar.setRange(0, max(0, total - page))
            self.scroll_bar.setPageStep(page)
            self.scroll_bar.setSingleStep(max(1, page // 10))
            self.scroll_bar.setValue(round(scale.start_ticks / _TICKS_PER_SCROLL_UNIT))

    def _on_scrolled(self, value: int) -> None:
        self.view.scroll_to(value * _TICKS_PER_SCROLL_UNIT)
