"""The in-place editor for retyping a word (F2, double-click) or typing a new one into a gap."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

MIN_EDITOR_WIDTH = 120


class WordInlineEditor(QLineEdit):
    """Enter commits through the callback, Escape or leaving the field cancels."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Word text")
        self._on_commit: Callable[[str], None] | None = None
        self.hide()
        self.returnPressed.connect(self._commit)

    def start(self, box: QRectF, text: str, on_commit: Callable[[str], None], cursor: int | None = None) -> None:
        """Edit `text` over `box`; with `cursor`, the caret starts there instead of selecting all."""
        width = max(box.width() + 8, MIN_EDITOR_WIDTH)
        x = min(max(0.0, box.center().x() - width / 2), max(0.0, self.parentWidget().width() - width))
        self.setGeometry(round(x), round(box.top()), round(width), round(box.height()))
        self._on_commit = on_commit
        self.setText(text)
        if cursor is None:
            self.selectAll()
        else:
            self.setCursorPosition(cursor)
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def is_editing(self) -> bool:
        return self._on_commit is not None

    def cancel(self) -> None:
        self._on_commit = None
        self.hide()
        self.parentWidget().setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.is_editing:
            self.cancel()

    def _commit(self) -> None:
        callback, self._on_commit = self._on_commit, None
        self.hide()
        self.parentWidget().setFocus()
        if callback is not None:
            callback(self.text())
