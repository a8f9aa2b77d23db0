"""The word inspector: the current word's start, end, duration, confidence and timing source, with typed times.

A typed start, end or duration (a timecode, a clock time or seconds) becomes one edge move through the editor: one undo step,
clamped at the neighbours like any edge move, and the status bar says when it
was. Timecodes, typed or shown (shown when the ruler counts frames), are at
the clip's frame rate when its video has one, else at the ruler's. The nudge buttons are the window's actions, so their tooltips carry the
same shortcuts as the menus.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QDockWidget, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from metavis_gui.contract import WordTimingSource
from metavis_gui.timeline.editable_word import EditableWord, WordEdge
from metavis_gui.timeline.time_entry import TimeEntryInvalid, format_seconds, format_time, parse_typed_time
from metavis_gui.ui.timeline.timeline_document import TimelineDocument
from metavis_gui.ui.timeline.timeline_editor import TimelineEditor

TIMING_SOURCE_LABELS = {
    WordTimingSource.ALIGNED: "aligned",
    WordTimingSource.ENGINE: "engine",
    WordTimingSource.HAND: "set by hand",
}
# The nudge actions the inspector has buttons for, with the buttons' short labels (tooltips give the rest).
NUDGE_BUTTON_LABELS = {"nudge_left_frame": "◀ 1 f", "nudge_right_frame": "1 f ▶", "nudge_left_10ms": "◀ 10 ms",
                       "nudge_right_10ms": "10 ms ▶"}  # fmt: skip
NUDGE_ACTION_NAMES = tuple(NUDGE_BUTTON_LABELS)
_FIELD_WIDTH = 104


class _TimeField(QLineEdit):
    """Enter applies, Escape puts the shown value back and returns to the timeline."""

    def __init__(self, name: str, tip: str, on_escape: Callable[[], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setToolTip(tip)
        self.setFixedWidth(_FIELD_WIDTH)
        self._on_escape = on_escape

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._on_escape()
        else:
            super().keyPressEvent(event)


class WordInspector(QWidget):
    def __init__(
        self,
        document: TimelineDocument,
        editor: TimelineEditor,
        frames_per_second: Callable[[], float | None],
        show_message: Callable[[str], None],
        return_focus: Callable[[], None],
        parent: QWidget | None = None,
        clip_frames_per_second: Callable[[], float | None] = lambda: None,
    ) -> None:
        """`frames_per_second`: the ruler's (None: it shows clock time); `clip_frames_per_second`: the media's."""
        super().__init__(parent)
        self.document, self.editor = document, editor
        self._frames_per_second, self._show_message, self._return_focus = frames_per_second, show_message, return_focus
        self._clip_frames_per_second = clip_frames_per_second
        self.setAccessibleName("Word inspector")
        self.word_label = QLabel(self)
        self.word_label.setAccessibleName("Selected word")
        self.word_label.setMinimumWidth(90)
        time_forms = (
            "Type seconds (12.5), a clock time (00:00:12.500) or a timecode (00:00:12:05, at the clip's frame "
            "rate, else the ruler's); Enter applies"
        )
        self.start_field = _TimeField("Start time", f"Start of the word. {time_forms}", self._restore, self)
        self.end_field = _TimeField("End time", f"End of the word. {time_forms}", self._restore, self)
        self.duration_field = _TimeField(
            "Duration", "Length of the word in seconds; Enter moves its end", self._restore, self
        )
        self.confidence_label = QLabel(self)
        self.confidence_label.setAccessibleName("Confidence")
        self.source_label = QLabel(self)
        self.source_label.setAccessibleName("Timing source")
        # Two rows, so the window still fits a narrow screen: the word and its times; what it is and the nudges.
        layout = QGridLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setVerticalSpacing(2)
        times = QHBoxLayout()
        for caption, widget in (
            ("Start", self.start_field),
            ("End", self.end_field),
            ("Duration", self.duration_field),
        ):
            label = QLabel(caption, self)
            label.setBuddy(widget)
            times.addWidget(label)
            times.addWidget(widget)
        self._details = QHBoxLayout()
        self._details.addWidget(self.confidence_label)
        self._details.addSpacing(12)
        self._details.addWidget(self.source_label)
        self._details.addStretch(1)
        layout.addWidget(self.word_label, 0, 0)
        layout.addLayout(times, 0, 1)
        layout.addLayout(self._details, 1, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        self.nudge_buttons: list[QToolButton] = []
        self.start_field.returnPressed.connect(lambda: self._apply_edge("start", self.start_field))
        self.end_field.returnPressed.connect(lambda: self._apply_edge("end", self.end_field))
        self.duration_field.returnPressed.connect(self._apply_duration)
        document.selection.selection_changed.connect(self.refresh)
        document.transcript_changed.connect(lambda change: self.refresh())
        self.refresh()

    def add_nudge_buttons(self, actions: list[QAction]) -> None:
        """Buttons for the nudge actions; each shows its action's text and shortcut as its tooltip."""
        for action in actions:
            action.setIconText(NUDGE_BUTTON_LABELS.get(action.objectName(), action.iconText()))  # menus keep text()
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setAccessibleName(action.toolTip())
            self._details.addWidget(button)
            self.nudge_buttons.append(button)

    def current_word(self) -> EditableWord | None:
        key = self.document.selection.current_key
        return self.document.transcript.word(key) if key is not None and key in self.document.transcript else None

    def refresh(self) -> None:
        word = self.current_word()
        fields = (self.start_field, self.end_field, self.duration_field)
        for field in fields:
            field.setEnabled(word is not None)
        if word is None:
            self.word_label.setText("No word selected")
            for field in fields:
                field.clear()
            self.confidence_label.clear()
            self.source_label.clear()
            return
        count = len(self.document.selection.keys)
        self.word_label.setText(f"“{word.text}”" + (f"  (1 of {count} selected)" if count > 1 else ""))
        fps = self.shown_frames_per_second()
        self.start_field.setText(format_time(word.start_ticks, fps))
        self.end_field.setText(format_time(word.end_ticks, fps))
        self.duration_field.setText(format_seconds(word.duration_ticks))
        self.confidence_label.setText(f"Confidence {word.confidence:.2f}")
        self.source_label.setText(f"Timing: {TIMING_SOURCE_LABELS[word.timing_source]}")

    def shown_frames_per_second(self) -> float | None:
        """Timecode when the ruler counts frames, at the clip's rate when known; None: clock time."""
        ruler = self._frames_per_second()
        return None if ruler is None else self._clip_frames_per_second() or ruler

    def typed_frames_per_second(self) -> float | None:
        """What a typed timecode counts frames at: the clip's rate, else the ruler's; None: none accepted."""
        return self._clip_frames_per_second() or self._frames_per_second()

    def _typed(self, field: QLineEdit, frames_per_second: float | None) -> int | None:
        try:
            return parse_typed_time(field.text(), frames_per_second)
        except TimeEntryInvalid as error:
            self._show_message(f"{field.accessibleName()}: {error}")
            return None

    def _apply_edge(self, edge: WordEdge, field: QLineEdit) -> None:
        word = self.current_word()
        # Enter on the time as shown changes nothing: the display is rounded (ms or frames), the word is not.
        shown = None if word is None else format_time(word.edge_ticks(edge), self.shown_frames_per_second())
        unchanged = field.text().strip() == shown
        tick = None if unchanged else self._typed(field, self.typed_frames_per_second())
        if tick is not None and word is not None:
            self.editor.set_edge_at(edge, tick)
        self.refresh()

    def _apply_duration(self) -> None:
        word = self.current_word()
        if word is not None and self.duration_field.text().strip() == format_seconds(word.duration_ticks):
            return
        length = self._typed(self.duration_field, None)
        if word is not None and length is not None:
            self.editor.set_edge_at("end", word.start_ticks + length)
        self.refresh()

    def _restore(self) -> None:
        self.refresh()
        self._return_focus()


def inspector_dock(inspector: WordInspector, parent: QWidget) -> QDockWidget:
    dock = QDockWidget("Word inspector", parent)
    dock.setObjectName("word-inspector-dock")
    dock.setAccessibleName("Word inspector")
    dock.setWidget(inspector)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable)
    return dock
