"""Find and replace across words; "Replace all" is one undo step (ReplaceText).

Ctrl+Z in the panel's fields undoes the transcript, not the typing: there is
one undo history in the window, and "Replace all" says Ctrl+Z undoes it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from metavis_gui.timeline.edit_commands import EditRejected, find_words
from metavis_gui.ui.timeline.timeline_editor import TimelineEditor


class FindReplacePanel(QWidget):
    def __init__(self, editor: TimelineEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.find_edit = QLineEdit(self)
        self.find_edit.setAccessibleName("Find")
        self.find_edit.setPlaceholderText("Text in a word")
        self.replace_edit = QLineEdit(self)
        self.replace_edit.setAccessibleName("Replace with")
        self.case_box = QCheckBox("Match case", self)
        self.case_box.setChecked(True)
        self.whole_box = QCheckBox("Whole word", self)
        self.find_button = QPushButton("Find next", self)
        self.replace_button = QPushButton("Replace all", self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        options = QHBoxLayout()
        options.addWidget(self.case_box)
        options.addWidget(self.whole_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.find_button)
        buttons.addWidget(self.replace_button)
        layout = QFormLayout(self)
        layout.addRow("Find", self.find_edit)
        layout.addRow("Replace with", self.replace_edit)
        layout.addRow(options)
        layout.addRow(buttons)
        layout.addRow(self.status)
        self.find_button.clicked.connect(self.find_next)
        self.find_edit.returnPressed.connect(self.find_next)
        self.replace_button.clicked.connect(self.replace_all)
        for field in (self.find_edit, self.replace_edit):
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        is_undo_key = isinstance(event, QKeyEvent) and (
            event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
        )
        if event.type() == QEvent.Type.ShortcutOverride and is_undo_key:
            event.ignore()  # not taken by the field: the window's Undo/Redo shortcut fires
            return True
        return super().eventFilter(watched, event)

    def find_next(self) -> None:
        try:
            found = self.editor.find_next(self.find_edit.text(), self.case_box.isChecked(), self.whole_box.isChecked())
        except EditRejected as error:
            self.status.setText(str(error))
            return
        self.status.setText("" if found is not None else f"No word contains {self.find_edit.text()!r}")

    def replace_all(self) -> None:
        find, case, whole = self.find_edit.text(), self.case_box.isChecked(), self.whole_box.isChecked()
        try:
            count = len(find_words(self.editor.document.transcript, find, case, whole))
        except EditRejected as error:
            self.status.setText(str(error))
            return
        if self.editor.replace_all(find, self.replace_edit.text(), case, whole):
            self.status.setText(f"Replaced in {count} word{'s' if count != 1 else ''} (Ctrl+Z undoes it)")
        elif not count:
            self.status.setText(f"No word contains {find!r}")
