"""WordTimelineView: waveform, ruler and one box per word, painted by hand; drag edges and words, zoom on the mouse.

The ruler and waveform are cached in a pixmap keyed by the scroll and zoom,
so a moving playhead or an edit repaints only words and lines on top of it.
Only words in the visible range are touched (`indices_overlapping`).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from metavis_gui.media.waveform_peaks import WaveformPeaks
from metavis_gui.timeline.editable_word import WordKey
from metavis_gui.timeline.transcript_change import TranscriptChange
from metavis_gui.ui.timeline import timeline_painting as painting
from metavis_gui.ui.timeline.timeline_document import TimelineDocument
from metavis_gui.ui.timeline.timeline_drag import (
    DRAG_START_PIXELS,
    WordDrag,
    grab_at,
    shared_edge_left_key,
)
from metavis_gui.ui.timeline.timeline_scale import RulerFormat, TimelineScale, readable_ticks_per_pixel

ZOOM_STEP = 1.25
_READABLE_ZOOM_SAMPLE = 2_000  # words measured for the opening zoom: enough for its percentile, fast on 30,000


class WordTimelineView(QWidget):
    seek_requested = Signal(int)  # ticks
    scrub_requested = Signal(int)  # ticks: the playhead dragged here, to be heard
    retype_requested = Signal(int)  # word key
    view_changed = Signal()  # scrolled or zoomed

    def __init__(self, document: TimelineDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.scale = TimelineScale(document.transcript.duration_ticks, max(self.width(), 1))
        self.ruler_format = RulerFormat()
        self.marks = painting.TimelineMarks()
        self._peaks: WaveformPeaks | None = None
        self._background: QPixmap | None = None
        self._background_key: tuple | None = None
        # Built now, not in the first zoomed-out paint (4 ms on 30,000 words), and then kept up with each edit.
        self._word_arrays: painting.WordArrays | None = painting.WordArrays.of(document.transcript)
        self._drag: WordDrag | None = None
        self._press_x = 0.0
        self._dragging = False
        self._scrubbing = False
        self._opening_view: tuple[float, float] | None = None  # (ticks a pixel, start) until the user moves
        self.shared_edge_modifier = Qt.KeyboardModifier.ControlModifier  # drag the edge two touching words share
        self._label_font = QFont(self.font())
        self._label_font.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        self.setMinimumHeight(160)
        self.setAccessibleName("Word timeline")
        self.setAccessibleDescription("Waveform, ruler and one box per word; drag edges, Ctrl+Right for the next word")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # the background pixmap covers every pixel
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        document.transcript_changed.connect(self._on_transcript_changed)
        document.selection.selection_changed.connect(self._on_selection_changed)

    # What the window sets.

    def set_peaks(self, peaks: WaveformPeaks | None) -> None:
        self._peaks = peaks
        self._background_key = None
        self.update()

    def set_ruler_format(self, ruler_format: RulerFormat) -> None:
        self.ruler_format = ruler_format
        self._background_key = None
        self.update()

    def set_playhead(self, ticks: int, playing_key: WordKey | None) -> None:
        if ticks == self.marks.playhead_ticks and playing_key == self.marks.playing_key:
            return
        self.marks.playhead_ticks, self.marks.playing_key = ticks, playing_key
        self.update()

    # Scroll and zoom.

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        self.scale.zoom(factor, self.width() / 2 if anchor_x is None else anchor_x)
        self._view_moved()

    def scroll_to(self, start_ticks: float) -> None:
        self.scale.scroll_to(start_ticks)
        self._view_moved()

    def fit_selection(self) -> None:
        keys = [key for key in self.document.selection.keys if key in self.document.transcript]
        if not keys:
            self.fit_all()
            return
        words = [self.document.transcript.word(key) for key in keys]
        self.scale.fit(min(word.start_ticks for word in words), max(word.end_ticks for word in words), 0.5)
        self._view_moved()

    def fit_all(self) -> None:
        self.scale.fit(0, self.scale.duration_ticks, 0.0)
        self._view_moved()

    def follow(self, ticks: int) -> None:
        """Keep `ticks` (the playhead) in view, paging as it leaves the right edge."""
        if self.scale.ensure_visible(ticks):
            self._view_moved()

    def show_word(self, key: WordKey) -> None:
        word = self.document.transcript.word(key)
        if not (self.scale.start_ticks <= word.start_ticks and word.end_ticks <= self.scale.end_ticks):
            # Paged so the word starts 30 % of the way in (its neighbours show on both sides), or centred when it
            # is too long for that, or from its start when it is longer than the view.
            view_ticks = self.scale.width * self.scale.ticks_per_pixel
            room = view_ticks - word.duration_ticks
            lead = 0.3 * view_ticks if room >= 0.3 * view_ticks else max(0.0, room / 2)
            self.scale.scroll_to(word.start_ticks - lead)
            self._view_moved()

    def open_at(self, ticks_per_pixel: float, start_ticks: float) -> None:
        """Open at this zoom and scroll, kept through the resizes of the window's opening until it is first shown."""
        self._opening_view = (ticks_per_pixel, start_ticks)
        self.scale.set_view(ticks_per_pixel, start_ticks)
        self.update()
        self.view_changed.emit()

    def readable_ticks_per_pixel(self) -> float | None:
        """The zoom at which most word labels show whole (`timeline_scale.readable_ticks_per_pixel`)."""
        transcript = self.document.transcript
        step = max(1, len(transcript) // _READABLE_ZOOM_SAMPLE)
        metrics = QFontMetrics(self._label_font)
        widths = [(transcript[index].duration_ticks, metrics.horizontalAdvance(transcript[index].text) + 8.0)
                  for index in range(0, len(transcript), step)]  # fmt: skip
        return readable_ticks_per_pixel(widths)

    def _view_moved(self) -> None:
        self._opening_view = None
        self.update()
        self.view_changed.emit()

    # Geometry.

    def word_lane(self) -> QRectF:
        return QRectF(0, self.height() - painting.WORD_LANE_HEIGHT - 4, self.width(), painting.WORD_LANE_HEIGHT)

    def wave_area(self) -> QRectF:
        top = painting.RULER_HEIGHT + 4
        return QRectF(0, top, self.width(), self.word_lane().top() - 6 - top)

    def word_box(self, key: WordKey) -> QRectF:
        word = self.document.transcript.word(key)
        lane = self.word_lane()
        x0, x1 = self.scale.x_of(word.start_ticks), self.scale.x_of(word.end_ticks)
        return QRectF(x0, lane.top(), max(x1 - x0, 1.0), lane.height())

    # Painting.

    def paintEvent(self, event: QPaintEvent) -> None:
        self._opening_view = None  # shown: from here on only the user (or a window resize) moves the view
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._background_pixmap())
        transcript = self.document.transcript
        visible = transcript.indices_overlapping(int(self.scale.start_ticks), int(self.scale.end_ticks) + 1)
        lane, wave_area = self.word_lane(), self.wave_area()
        if len(visible) * painting.DETAIL_MIN_PIXELS_PER_WORD <= self.width():
            painting.paint_words(painter, transcript, visible, self.scale, lane, wave_area, self.marks, self._label_font)
        else:
            if self._word_arrays is None:
                self._word_arrays = painting.WordArrays.of(transcript)
            painting.paint_word_density(painter, self._word_arrays, visible, self.scale, lane)
        if self.marks.playhead_ticks is not None:
            painting.paint_playhead(painter, self.scale, self.marks.playhead_ticks, self.height())
        painter.end()

    def _background_pixmap(self) -> QPixmap:
        key = (self.scale.start_ticks, self.scale.ticks_per_pixel, self.width(), self.height(), id(self._peaks),
               self.ruler_format)  # fmt: skip
        if self._background is None or key != self._background_key:
            self._background = self._render_background()
            self._background_key = key
        return self._background

    def _render_background(self) -> QPixmap:
        size = self.size() * self.devicePixelRatioF()
        pixmap = self._background
        if pixmap is None or pixmap.size() != size:  # else painted over: a new one costs its memory's page faults
            pixmap = QPixmap(size)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        pixmap.fill(painting.BACKGROUND)
        painter = QPainter(pixmap)
        painting.paint_ruler(painter, self.scale, self.ruler_format, self._label_font)
        wave_area = self.wave_area()
        if self._peaks is not None and wave_area.height() > 4:
            painting.paint_waveform(painter, self._peaks, self.scale, wave_area.top(), int(wave_area.height()))
        painter.end()
        return pixmap

    # Events.

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.scale.resize(self.width())
        if self._opening_view is not None:
            self.scale.set_view(*self._opening_view)
        self.view_changed.emit()
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120 or event.angleDelta().x() / 120
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(ZOOM_STEP**steps, event.position().x())
        else:
            self.scroll_to(self.scale.start_ticks - steps * self.width() * 0.15 * self.scale.ticks_per_pixel)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP * ZOOM_STEP)
        elif event.key() == Qt.Key.Key_Minus:
            self.zoom(1 / (ZOOM_STEP * ZOOM_STEP))
        elif event.key() == Qt.Key.Key_Escape and self._drag is not None:
            self._end_drag(commit=False)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        x, modifiers = event.position().x(), event.modifiers()
        tick = self.scale.tick_at(x)
        in_lane = event.position().y() >= self.word_lane().top()
        grab = grab_at(self.document.transcript, tick, self.scale.ticks_per_pixel, in_lane)
        selection = self.document.selection
        if grab is None or event.position().y() < painting.RULER_HEIGHT:
            if not modifiers & Qt.KeyboardModifier.ControlModifier:
                selection.select(())
            self.seek_requested.emit(tick)
            self._scrubbing = True
            return
        if modifiers & Qt.KeyboardModifier.ControlModifier and grab.part == "body":
            selection.toggle(grab.key)
            return
        selection.select_one(grab.key, None if grab.part == "body" else grab.part)
        if grab.part == "body":
            self.seek_requested.emit(self.document.transcript.word(grab.key).start_ticks)
        shared = shared_edge_left_key(self.document.transcript, grab) if modifiers & self.shared_edge_modifier else None
        self._drag = WordDrag(grab, tick, shared, force=bool(modifiers & Qt.KeyboardModifier.ShiftModifier))
        self._press_x, self._dragging = x, False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._scrubbing:
            self.scrub_requested.emit(self.scale.tick_at(x))
            return
        if self._drag is None:
            grab = grab_at(self.document.transcript, self.scale.tick_at(x), self.scale.ticks_per_pixel, False)
            self.setCursor(Qt.CursorShape.SizeHorCursor if grab is not None else Qt.CursorShape.ArrowCursor)
            return
        if not self._dragging and abs(x - self._press_x) < DRAG_START_PIXELS and self._drag.grab.part == "body":
            return
        self._dragging = True
        self.document.preview(self._drag.command(self.scale.tick_at(x)))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._scrubbing = False
        if self._drag is not None and event.button() == Qt.MouseButton.LeftButton:
            moved = self._dragging or abs(event.position().x() - self._press_x) >= 1
            if moved:
                self._dragging = True
                self._end_drag(commit=True, tick=self.scale.tick_at(event.position().x()))
            else:
                self._end_drag(commit=False)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        grab = grab_at(self.document.transcript, self.scale.tick_at(event.position().x()), self.scale.ticks_per_pixel, True)
        if grab is not None and event.position().y() >= self.word_lane().top():
            self.retype_requested.emit(grab.key)

    def _end_drag(self, commit: bool, tick: int = 0) -> None:
        drag, self._drag = self._drag, None
        if drag is None:
            return
        if commit and self._dragging:
            self.document.push(drag.command(tick))
        else:
            self.document.cancel_preview()
        self._dragging = False

    # Model signals.

    def _on_transcript_changed(self, change: TranscriptChange) -> None:
        arrays = self._word_arrays
        if arrays is not None and not arrays.take_in(self.document.transcript, change):
            self._word_arrays = None
        if change.end_ticks >= self.scale.start_ticks and change.start_ticks <= self.scale.end_ticks:
            x0, x1 = self.scale.x_of(change.start_ticks), self.scale.x_of(change.end_ticks)
            self.update(round(x0) - 12, 0, round(x1 - x0) + 24, self.height())

    def _on_selection_changed(self) -> None:
        selection = self.document.selection
        self.marks.selected_keys = frozenset(selection.keys)
        self.marks.current_key, self.marks.selected_edge = selection.current_key, selection.edge
        self.update()
