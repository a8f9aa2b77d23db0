"""Drawing the timeline: ruler, waveform, word boxes (or, zoomed far out, word density), selection and playhead.

Everything drawn is bounded by the width in pixels, never by the transcript:
words come from `indices_overlapping` of the visible range, and when there are
more words than a few per pixel they are drawn as per-column coverage from
numpy arrays instead of one box each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen

from metavis_gui.contract.word_timing import WordTimingSource
from metavis_gui.media.waveform_peaks import WaveformPeaks
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord, WordEdge, WordKey
from metavis_gui.timeline.transcript_change import TranscriptChange
from metavis_gui.ui.timeline.timeline_scale import RulerFormat, TimelineScale

RULER_HEIGHT = 24
WORD_LANE_HEIGHT = 40
MIN_LABEL_SPACING_PX = 120
LOW_CONFIDENCE_START = 0.85  # at and above this, no tint; below it, the lower the redder
LOW_CONFIDENCE_FULL = 0.25  # at and below this, the full tint
DETAIL_MIN_PIXELS_PER_WORD = 3.0
EDGE_LINES_MIN_PIXELS_PER_WORD = 24.0
_CONFIDENCE_BUCKETS = 9
# Past this many words in one change the density arrays are built again rather than patched.
_MOST_WORDS_TAKEN_IN = 2_000

BACKGROUND = QColor("#1c1e24")
RULER_BACKGROUND = QColor("#2a2d35")
RULER_TEXT = QColor("#d8dce4")
RULER_TICK = QColor("#8a93a3")
WAVEFORM = QColor("#4f9bd9")
WORD_FILL = QColor("#39547a")
LOW_CONFIDENCE_FILL = QColor("#c9552a")
WORD_BORDER = QColor("#9fb6d6")
WORD_TEXT = QColor("#f2f4f8")
SELECTED_FILL = QColor("#5b8fd6")
SELECTED_BORDER = QColor("#ffffff")
SELECTED_SPAN = QColor(120, 170, 255, 60)
EDGE_HANDLE = QColor("#ffd54a")
CURRENT_BORDER = QColor("#ffd54a")
PLAYHEAD = QColor("#ff4b4b")
# Opaque on purpose: a translucent fill blends every pixel of a 400 px column (about 70 us a line).
WORD_EDGE_LINE = QColor("#3f4653")
# A strip along each box's foot says where its times came from: the audio, the engine, or the editor.
TIMING_SOURCE_STRIP_HEIGHT = 3
TIMING_SOURCE_COLOURS = {
    WordTimingSource.ALIGNED: QColor("#4cc38a"),
    WordTimingSource.ENGINE: QColor("#e0a030"),
    WordTimingSource.HAND: QColor("#d8dce4"),
}


def confidence_fill(confidence: float) -> QColor:
    """Words tinted by how low their confidence is (Audapolis): none above LOW_CONFIDENCE_START, fully at 0."""
    return _BUCKET_FILLS[confidence_bucket(confidence)]


def confidence_bucket(confidence: float) -> int:
    return round(confidence_lowness(confidence) * (_CONFIDENCE_BUCKETS - 1))


def confidence_lowness(confidence: float) -> float:
    """0 for a sure word, 1 for a doubtful one, linear in between."""
    return min(1.0, max(0.0, (LOW_CONFIDENCE_START - confidence) / (LOW_CONFIDENCE_START - LOW_CONFIDENCE_FULL)))


def _mix(first: QColor, second: QColor, amount: float) -> QColor:
    return QColor.fromRgbF(
        first.redF() + (second.redF() - first.redF()) * amount,
        first.greenF() + (second.greenF() - first.greenF()) * amount,
        first.blueF() + (second.blueF() - first.blueF()) * amount,
    )


_BUCKET_FILLS = [_mix(WORD_FILL, LOW_CONFIDENCE_FILL, index / (_CONFIDENCE_BUCKETS - 1)) for index in range(_CONFIDENCE_BUCKETS)]
# Density pixels by bucket + 1: nothing (transparent) where no word is, then each bucket's opaque fill.
_DENSITY_PIXELS = np.array([0] + [fill.rgb() for fill in _BUCKET_FILLS], np.uint32)


@dataclass
class TimelineMarks:
    """What the view highlights besides the words themselves."""

    selected_keys: frozenset[WordKey] = frozenset()
    current_key: WordKey | None = None  # the selection's current word
    selected_edge: WordEdge | None = None
    playing_key: WordKey | None = None  # the word under the playhead
    playhead_ticks: int | None = None


def paint_ruler(painter: QPainter, scale: TimelineScale, ruler: RulerFormat, font: QFont) -> None:
    painter.fillRect(QRectF(0, 0, scale.width, RULER_HEIGHT), RULER_BACKGROUND)
    step, marks = scale.ruler_steps(ruler, MIN_LABEL_SPACING_PX)
    painter.setFont(font)
    painter.setPen(QPen(RULER_TICK, 1))
    minor = step / 5
    for label_ticks in marks:
        for index in range(1, 5):
            x = scale.x_of(label_ticks + index * minor)
            painter.drawLine(round(x), RULER_HEIGHT - 5, round(x), RULER_HEIGHT)
    for label_ticks in marks:
        x = round(scale.x_of(label_ticks))
        painter.setPen(QPen(RULER_TICK, 1))
        painter.drawLine(x, RULER_HEIGHT - 12, x, RULER_HEIGHT)
        painter.setPen(RULER_TEXT)
        painter.drawText(x + 3, RULER_HEIGHT - 9, ruler.label(round(label_ticks)))


def paint_waveform(painter: QPainter, peaks: WaveformPeaks, scale: TimelineScale, top: float, height: int) -> None:
    """The waveform one pixel a column, built in numpy (no Python loop over columns) as opaque pixels over the
    background, so drawing it is a copy: no blend, no conversion, no second copy of the buffer."""
    samples_per_tick = peaks.sample_rate / 60_000
    low, high = peaks.columns(scale.start_ticks * samples_per_tick, scale.ticks_per_pixel * samples_per_tick, scale.width)
    half = (height - 1) / 2
    gain = half / peaks.loudest
    # int16 (a view is never 32,767 px high): the two comparisons over every pixel run twice as fast.
    column_top = np.floor(half - high.astype(np.float32) * gain).astype(np.int16)
    column_bottom = np.ceil(half - low.astype(np.float32) * gain).astype(np.int16)
    rows = np.arange(height, dtype=np.int16)[:, None]
    inside = (rows >= column_top[None, :]) & (rows <= column_bottom[None, :])
    pixels = np.where(inside, np.uint32(WAVEFORM.rgb()), np.uint32(BACKGROUND.rgb()))
    image = QImage(pixels.data, scale.width, height, scale.width * 4, QImage.Format.Format_RGB32)
    painter.drawImage(QPointF(0, top), image)  # while `pixels` is alive: the image does not own them


def paint_words(
    painter: QPainter,
    transcript: EditableTranscript,
    visible: range,
    scale: TimelineScale,
    lane: QRectF,
    wave_area: QRectF,
    marks: TimelineMarks,
    font: QFont,
) -> None:
    """One box per word, batched by fill colour (one drawRects a colour); marked words drawn last, on top."""
    metrics = QFontMetrics(font)
    min_text_width = metrics.averageCharWidth() * 2 + 6
    # Edge lines through the waveform help only while words are wide; each costs a blended column.
    edge_lines = len(visible) * EDGE_LINES_MIN_PIXELS_PER_WORD <= scale.width
    boxes_by_fill: dict[int, list[QRectF]] = {}
    lines: list[QRectF] = []
    labelled: list[tuple[QRectF, str]] = []
    marked: list[tuple[EditableWord, QRectF]] = []
    strips: dict[WordTimingSource, list[QRectF]] = {}
    start, ticks_per_pixel, top, height = scale.start_ticks, scale.ticks_per_pixel, lane.top(), lane.height()
    for index in visible:
        word = transcript[index]
        x0 = (word.start_ticks - start) / ticks_per_pixel
        x1 = (word.end_ticks - start) / ticks_per_pixel
        if x1 < -2 or x0 > scale.width + 2:
            continue
        box = QRectF(x0, top, max(x1 - x0, 1.0), height)
        strips.setdefault(word.timing_source, []).append(
            QRectF(x0, top + height - TIMING_SOURCE_STRIP_HEIGHT, box.width(), TIMING_SOURCE_STRIP_HEIGHT)
        )
        if edge_lines:
            lines.append(QRectF(round(x0), wave_area.top(), 1, wave_area.height()))
            lines.append(QRectF(round(x1), wave_area.top(), 1, wave_area.height()))
        if word.key in marks.selected_keys or word.key == marks.playing_key:
            marked.append((word, box))
            continue
        boxes_by_fill.setdefault(confidence_bucket(word.confidence), []).append(box)
        if box.width() >= min_text_width:
            labelled.append((box, word.text))
    painter.setPen(Qt.PenStyle.NoPen)
    if lines:
        painter.setBrush(WORD_EDGE_LINE)
        painter.drawRects(lines)
    painter.setPen(QPen(WORD_BORDER, 1))
    for bucket, boxes in boxes_by_fill.items():
        painter.setBrush(_BUCKET_FILLS[bucket])
        painter.drawRects(boxes)
    painter.setPen(Qt.PenStyle.NoPen)
    for source, source_strips in strips.items():
        painter.setBrush(TIMING_SOURCE_COLOURS[source])
        painter.drawRects(source_strips)
    painter.setFont(font)
    painter.setPen(WORD_TEXT)
    for box, text in labelled:
        _paint_word_text(painter, metrics, text, box)
    for word, box in marked:
        _paint_marked_word(painter, metrics, word, box, wave_area, lane, marks)


def _paint_marked_word(
    painter: QPainter,
    metrics: QFontMetrics,
    word: EditableWord,
    box: QRectF,
    wave_area: QRectF,
    lane: QRectF,
    marks: TimelineMarks,
) -> None:
    selected = word.key in marks.selected_keys
    if selected:
        painter.fillRect(QRectF(box.left(), wave_area.top(), box.width(), wave_area.height()), SELECTED_SPAN)
    painter.setBrush(SELECTED_FILL if selected else _BUCKET_FILLS[confidence_bucket(word.confidence)])
    painter.setPen(QPen(SELECTED_BORDER if selected else CURRENT_BORDER, 2))
    painter.drawRect(box.adjusted(1, 1, -1, -1))
    painter.setPen(WORD_TEXT)
    _paint_word_text(painter, metrics, word.text, box)
    if word.key == marks.current_key and marks.selected_edge is not None:
        x = box.left() if marks.selected_edge == "start" else box.right()
        _paint_edge_handle(painter, x, wave_area, lane)


def _paint_word_text(painter: QPainter, metrics: QFontMetrics, text: str, box: QRectF) -> None:
    room = int(box.width()) - 6
    if room < metrics.averageCharWidth() * 2:
        return
    if metrics.horizontalAdvance(text) > room:
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
    painter.drawText(box.adjusted(3, 0, -3, 0), Qt.AlignmentFlag.AlignCenter, text)


def _paint_edge_handle(painter: QPainter, x: float, wave_area: QRectF, lane: QRectF) -> None:
    painter.fillRect(QRectF(round(x) - 1, wave_area.top(), 3, lane.bottom() - wave_area.top()), EDGE_HANDLE)
    painter.fillRect(QRectF(x - 5, lane.top() - 4, 10, 8), EDGE_HANDLE)


def paint_word_density(
    painter: QPainter, arrays: WordArrays, visible: range, scale: TimelineScale, lane: QRectF
) -> None:
    """Zoomed far out: per pixel column, whether words cover it and the lowest confidence among them."""
    width = scale.width
    starts = arrays.starts[visible.start : visible.stop]
    ends = arrays.ends[visible.start : visible.stop]
    confidences = arrays.confidences[visible.start : visible.stop]
    first = np.clip(np.floor((starts - scale.start_ticks) / scale.ticks_per_pixel), 0, width - 1).astype(np.int64)
    last = np.clip(np.ceil((ends - scale.start_ticks) / scale.ticks_per_pixel), 1, width).astype(np.int64)
    # bincount and reduceat rather than ufunc.at, which is ten times slower.
    coverage = np.bincount(first, minlength=width + 1) - np.bincount(np.maximum(last, first + 1), minlength=width + 1)
    covered = np.cumsum(coverage[:width]) > 0
    lowest = np.ones(width, np.float64)
    if len(first):
        # Words come in start order, so each column's words are one run of `first`.
        group_starts = np.concatenate(([0], np.flatnonzero(np.diff(first)) + 1))
        lowest[first[group_starts]] = np.minimum.reduceat(confidences, group_starts)
    lowness = np.clip((LOW_CONFIDENCE_START - lowest) / (LOW_CONFIDENCE_START - LOW_CONFIDENCE_FULL), 0, 1)
    buckets = np.where(covered, np.round(lowness * (_CONFIDENCE_BUCKETS - 1)).astype(np.int64), -1)
    # One row of pixels stretched over the lane: a rectangle per run of columns cost 2 ms at 10 minutes a view.
    pixels = _DENSITY_PIXELS[buckets + 1]
    row = QImage(pixels.data, width, 1, width * 4, QImage.Format.Format_ARGB32_Premultiplied)
    painter.drawImage(QRectF(0, lane.top(), width, lane.height()), row)  # while `pixels` is alive


def paint_playhead(painter: QPainter, scale: TimelineScale, ticks: int, height: int) -> None:
    x = round(scale.x_of(ticks))
    if -2 <= x <= scale.width + 2:
        painter.fillRect(QRectF(x - 1, 0, 2, height), PLAYHEAD)


@dataclass(eq=False)
class WordArrays:
    """The words' times and confidences as arrays in transcript order, for density drawing."""

    keys: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    confidences: np.ndarray

    @classmethod
    def of(cls, transcript: EditableTranscript) -> WordArrays:
        count = len(transcript)
        keys = np.fromiter((word.key for word in transcript), np.int64, count)
        starts = np.fromiter((word.start_ticks for word in transcript), np.float64, count)
        ends = np.fromiter((word.end_ticks for word in transcript), np.float64, count)
        confidences = np.fromiter((word.confidence for word in transcript), np.float64, count)
        return cls(keys, starts, ends, confidences)

    def take_in(self, transcript: EditableTranscript, change: TranscriptChange) -> bool:
        """Follow an edit at the cost of what it changed; False when it changed too much (rebuild with `of`).

        Retimed words that kept their index are written in place. Otherwise every changed word is taken out
        and the ones still there are put back at their new indices: the words no edit touched keep their
        order, so that is where they all end up.
        """
        changed = change.inserted_keys | change.removed_keys | change.updated_keys
        if len(changed) > _MOST_WORDS_TAKEN_IN:
            return False
        if not change.inserted_keys and not change.removed_keys and self._retime_in_place(transcript, changed):
            return True
        out = np.isin(self.keys, np.fromiter(changed, np.int64, len(changed)))
        if int(np.count_nonzero(out)) != len(changed - change.inserted_keys):
            return False  # arrays and change disagree (cannot happen with every change taken in): start over
        back = sorted(transcript.index_of(key) for key in changed - change.removed_keys)
        positions = [index - count for count, index in enumerate(back)]
        words = [transcript[index] for index in back]
        keep = ~out
        self.keys = np.insert(self.keys[keep], positions, [word.key for word in words])
        self.starts = np.insert(self.starts[keep], positions, [word.start_ticks for word in words])
        self.ends = np.insert(self.ends[keep], positions, [word.end_ticks for word in words])
        self.confidences = np.insert(self.confidences[keep], positions, [word.confidence for word in words])
        return len(self.keys) == len(transcript)

    def _retime_in_place(self, transcript: EditableTranscript, updated_keys: frozenset[WordKey]) -> bool:
        """With the same set of words, if every changed word is where it was, so is every other."""
        indices = [transcript.index_of(key) for key in updated_keys]
        if any(index >= len(self.keys) or self.keys[index] != key for index, key in zip(indices, updated_keys)):
            return False
        for index in indices:
            word = transcript[index]
            self.starts[index], self.ends[index], self.confidences[index] = (
                word.start_ticks, word.end_ticks, word.confidence)  # fmt: skip
        return True
