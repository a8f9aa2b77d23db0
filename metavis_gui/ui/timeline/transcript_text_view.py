"""The transcript as text beside the timeline: a paragraph per segment, each word clickable.

A paragraph also ends where the speaker changes, and a known speaker's label
starts it (`T1: ...`), as in any transcript an editor reads.

Shares the document's selection: a click writes it; `selection_changed` and
the playhead only redraw highlights (extra selections), with this widget's own
signals blocked while it moves its cursor, so nothing echoes back.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QMouseEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from metavis_gui.timeline.editable_word import EditableWord, WordKey
from metavis_gui.timeline.transcript_change import TranscriptChange
from metavis_gui.ui.timeline.timeline_document import TimelineDocument
from metavis_gui.ui.timeline.timeline_painting import (
    LOW_CONFIDENCE_START,
    confidence_lowness,
)

SELECTED_BACKGROUND = QColor("#5b8fd6")
PLAYING_BACKGROUND = QColor("#ffd54a")
ParagraphKey = tuple[str | None, str | None, str | None]  # segment id, speaker id, speaker label


@dataclass(frozen=True, slots=True)
class _PlacedWord:
    key: WordKey
    offset: int  # in its paragraph
    text: str
    confidence: float


def paragraph_key_of(word: EditableWord) -> ParagraphKey:
    return word.segment_id, word.speaker_id, word.speaker_label


def speaker_prefix(key: ParagraphKey) -> str:
    speaker = key[2] or key[1]
    return f"{speaker}: " if speaker else ""


def paragraph_text(key: ParagraphKey, words: list[_PlacedWord]) -> str:
    return speaker_prefix(key) + " ".join(word.text for word in words)


class _LowConfidenceHighlighter(QSyntaxHighlighter):
    _STEPS = 8

    def __init__(self, view: TranscriptTextView) -> None:
        super().__init__(view.document())
        self._view = view
        self._formats = []
        for step in range(self._STEPS + 1):
            text_format = QTextCharFormat()
            text_format.setBackground(QColor(230, 110, 50, int(40 + 150 * step / self._STEPS)))
            self._formats.append(text_format)

    def highlightBlock(self, text: str) -> None:
        for word in self._view.paragraph_words(self.currentBlock().blockNumber()):
            if word.confidence < LOW_CONFIDENCE_START:
                step = round(confidence_lowness(word.confidence) * self._STEPS)
                self.setFormat(word.offset, len(word.text), self._formats[step])


class TranscriptTextView(QPlainTextEdit):
    word_clicked = Signal(int)  # word key
    retype_requested = Signal(int)

    def __init__(self, document: TimelineDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline_document = document
        self.setAccessibleName("Transcript text")
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self._paragraphs: list[list[_PlacedWord]] = []
        self._paragraph_keys: list[ParagraphKey] = []
        self._place: dict[WordKey, tuple[int, _PlacedWord]] = {}
        self._playing_key: WordKey | None = None
        self.document().setUndoRedoEnabled(False)
        self._highlighter = _LowConfidenceHighlighter(self)
        self._rebuild()
        self._refresh_highlights()
        document.transcript_changed.connect(self._on_transcript_changed)
        document.selection.selection_changed.connect(self._refresh_highlights)

    def paragraph_words(self, block_number: int) -> list[_PlacedWord]:
        return self._paragraphs[block_number] if 0 <= block_number < len(self._paragraphs) else []

    def word_range(self, key: WordKey) -> tuple[int, int]:
        """Document positions [start, end) of a word's text (for tests and for scrolling to it)."""
        block_number, word = self._place[key]
        start = self.document().findBlockByNumber(block_number).position() + word.offset
        return start, start + len(word.text)

    def key_at_position(self, position: int) -> WordKey | None:
        block = self.document().findBlock(position)
        words = self.paragraph_words(block.blockNumber())
        index = bisect_right([word.offset for word in words], position - block.position()) - 1
        if index < 0:
            return None
        word = words[index]
        return word.key if position - block.position() <= word.offset + len(word.text) else None

    def set_playing_word(self, key: WordKey | None, follow: bool) -> None:
        if key == self._playing_key:
            return
        self._playing_key = key
        self._refresh_highlights()
        if follow and key is not None and key in self._place:
            self._scroll_to(key)

    # Events.

    def mousePressEvent(self, event: QMouseEvent) -> None:
        key = self.key_at_position(self.cursorForPosition(event.position().toPoint()).position())
        if key is None or event.button() != Qt.MouseButton.LeftButton:
            return
        selection = self.timeline_document.selection
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            selection.toggle(key)
        else:
            selection.select_one(key)
        self.word_clicked.emit(key)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        key = self.key_at_position(self.cursorForPosition(event.position().toPoint()).position())
        if key is not None:
            self.retype_requested.emit(key)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pass  # no text selection by dragging: the word selection is the shared one

    # Building and refreshing.

    def _rebuild(self) -> None:
        """Lay the words out again; only paragraphs whose words changed are rewritten in the document."""
        paragraphs = self._paragraphs_of_transcript()
        transcript = self.timeline_document.transcript
        self._paragraph_keys = [paragraph_key_of(transcript.word(paragraph[0].key)) for paragraph in paragraphs]
        texts = [
            paragraph_text(key, paragraph) for key, paragraph in zip(self._paragraph_keys, paragraphs, strict=True)
        ]
        old = self._paragraphs
        self._paragraphs = paragraphs
        self._place = {word.key: (number, word) for number, paragraph in enumerate(paragraphs) for word in paragraph}
        with QSignalBlocker(self):
            if len(old) != len(paragraphs) or not old:
                scroll = self.verticalScrollBar().value()
                self.setPlainText("\n".join(texts))
                self.verticalScrollBar().setValue(scroll)
            else:
                for number, (before, after) in enumerate(zip(old, paragraphs)):
                    if before != after:
                        self._replace_paragraph(number, texts[number])

    def _paragraphs_of_transcript(self) -> list[list[_PlacedWord]]:
        paragraphs: list[list[_PlacedWord]] = []
        previous_key: object = object()  # matches no paragraph key
        offset = 0
        for word in self.timeline_document.transcript:
            key = paragraph_key_of(word)
            if key != previous_key:
                paragraphs.append([])
                offset, previous_key = len(speaker_prefix(key)), key
            elif paragraphs[-1]:
                offset += 1
            paragraphs[-1].append(_PlacedWord(word.key, offset, word.text, word.confidence))
            offset += len(word.text)
        return paragraphs

    def _replace_paragraph(self, number: int, text: str) -> None:
        cursor = QTextCursor(self.document().findBlockByNumber(number))
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text)

    def _on_transcript_changed(self, change: TranscriptChange) -> None:
        if change.inserted_keys or change.removed_keys or any(self._text_changed(key) for key in change.updated_keys):
            if not self._update_touched_paragraphs(change):
                self._rebuild()
            self._refresh_highlights()

    def _update_touched_paragraphs(self, change: TranscriptChange) -> bool:
        """Rewrite only the paragraphs the change touched (a retype rewrites one line, not 30,000 words);
        False when paragraphs would appear or vanish, which takes a full rebuild."""
        transcript = self.timeline_document.transcript
        members: dict[int, set[WordKey]] = {}

        def paragraph_of(key: WordKey) -> int | None:
            placed = self._place.get(key)
            if placed is not None:
                members.setdefault(placed[0], {word.key for word in self._paragraphs[placed[0]]})
            return None if placed is None else placed[0]

        for key in change.updated_keys | change.removed_keys:
            if paragraph_of(key) is None:
                return False
        for key in change.removed_keys:
            members[self._place[key][0]].discard(key)
        for key in change.inserted_keys:
            neighbour = transcript.previous_word(key) or transcript.next_word(key)
            number = paragraph_of(neighbour.key) if neighbour is not None else None
            if number is None or paragraph_key_of(transcript.word(key)) != self._paragraph_keys[number]:
                return False
            members[number].add(key)
        for number, keys in members.items():
            words = sorted((transcript.word(key) for key in keys), key=lambda word: word.sort_key)
            if not words or any(paragraph_key_of(word) != self._paragraph_keys[number] for word in words):
                return False
            self._set_paragraph(number, words)
        return True

    def _set_paragraph(self, number: int, words: list[EditableWord]) -> None:
        for old in self._paragraphs[number]:
            self._place.pop(old.key, None)
        placed, offset = [], len(speaker_prefix(self._paragraph_keys[number]))
        for word in words:
            placed.append(_PlacedWord(word.key, offset, word.text, word.confidence))
            offset += len(word.text) + 1
        self._paragraphs[number] = placed
        self._place.update((word.key, (number, word)) for word in placed)
        with QSignalBlocker(self):
            self._replace_paragraph(number, paragraph_text(self._paragraph_keys[number], placed))

    def _text_changed(self, key: WordKey) -> bool:
        placed = self._place.get(key)
        word = self.timeline_document.transcript.word(key)
        return placed is None or placed[1].text != word.text or placed[1].confidence != word.confidence

    def _refresh_highlights(self) -> None:
        selected = self.timeline_document.selection.keys
        playing = self._playing_key
        extra = [self._highlight(key, selected=True, playing=key == playing) for key in selected if key in self._place]
        if playing in self._place and playing not in selected:
            extra.append(self._highlight(playing, selected=False, playing=True))
        self.setExtraSelections(extra)
        current = self.timeline_document.selection.current_key
        if current is not None and current in self._place:
            self._scroll_to(current)

    def _highlight(self, key: WordKey, selected: bool, playing: bool) -> QTextEdit.ExtraSelection:
        """Selected: blue; under the playhead: yellow, or a yellow underline on a selected word."""
        start, end = self.word_range(key)
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        text_format = QTextCharFormat()
        text_format.setBackground(SELECTED_BACKGROUND if selected else PLAYING_BACKGROUND)
        text_format.setForeground(QColor("#ffffff") if selected else QColor("#1c1e24"))
        if selected and playing:
            text_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            text_format.setUnderlineColor(PLAYING_BACKGROUND)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor  # type: ignore[attr-defined]
        selection.format = text_format  # type: ignore[attr-defined]
        return selection

    def _scroll_to(self, key: WordKey) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.word_range(key)[0])
        with QSignalBlocker(self):
            self.setTextCursor(cursor)
        self.ensureCursorVisible()
