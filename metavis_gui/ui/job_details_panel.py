"""One job up close: its status in words, the text recognised so far, and the engine's own output on failure."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from metavis_gui.jobs.transcription_queue import JobStatus, QueuedJob
from metavis_gui.ui.display_formats import (
    LIVE_TEXT_PLACEHOLDERS,
    STATUS_LABELS,
    failure_report,
)

LIVE_TEXT_PLACEHOLDER = "The words appear here as the engine recognises them."


class JobDetailsPanel(QWidget):
    timeline_requested = Signal(Path)
    folder_requested = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._job: QueuedJob | None = None
        self.title_label = QLabel("No file selected")
        self.title_label.setAccessibleName("Selected job")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.message_label = QLabel()
        self.message_label.setAccessibleName("Job message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.live_text = QPlainTextEdit()
        self.live_text.setReadOnly(True)
        self.live_text.setAccessibleName("Recognised text")
        self.live_text.setPlaceholderText(LIVE_TEXT_PLACEHOLDER)
        self.details_button = QToolButton()
        self.details_button.setText("Show &details")
        self.details_button.setAccessibleName("Show failure details")
        self.details_button.setToolTip("What went wrong, with the engine's own output")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._on_details_toggled)
        self.details_text = QPlainTextEdit()
        self.details_text.setReadOnly(True)
        self.details_text.setAccessibleName("Failure details")
        self.details_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details_text.setVisible(False)
        self.timeline_button = QPushButton("Open in &timeline")
        self.timeline_button.setAccessibleName("Open in timeline")
        self.timeline_button.setToolTip("Open the finished transcript for editing")
        self.timeline_button.clicked.connect(lambda: self._request(self.timeline_requested))
        self.folder_button = QPushButton("Sho&w output folder")
        self.folder_button.setAccessibleName("Show output folder")
        self.folder_button.clicked.connect(lambda: self._request(self.folder_requested))

        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(self.details_button)
        header.addWidget(self.timeline_button)
        header.addWidget(self.folder_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.message_label)
        layout.addWidget(self.live_text, 3)
        layout.addWidget(self.details_text, 2)
        self.show_job(None)

    @property
    def shown_job_id(self) -> int | None:
        return self._job.job_id if self._job is not None else None

    def show_job(self, job: QueuedJob | None, final_text: str | None = None) -> None:
        """Show a job; final_text, when given, replaces the live text with the written transcript's words."""
        changed = job is not self._job
        self._job = job
        if job is None:
            self.title_label.setText("No file selected")
            self.message_label.clear()
            self.live_text.clear()
            self.details_text.clear()
        else:
            self.title_label.setText(f"{job.media_path.name} — {STATUS_LABELS[job.status]}")
            self.message_label.setText(job.message)
            text = final_text if final_text is not None else " ".join(job.live_text)
            if changed or text != self.live_text.toPlainText():
                self.live_text.setPlainText(text)
            details = failure_report(job) if job.status is JobStatus.FAILED else job.details
            if details != self.details_text.toPlainText():
                self.details_text.setPlainText(details)
        self.live_text.setPlaceholderText(
            LIVE_TEXT_PLACEHOLDERS.get(job.status, LIVE_TEXT_PLACEHOLDER) if job else LIVE_TEXT_PLACEHOLDER
        )
        self.message_label.setVisible(bool(self.message_label.text()))
        # A failed job has no words to show, and its details need the room.
        self.live_text.setVisible(job is None or job.status is not JobStatus.FAILED or bool(job.live_text))
        has_details = bool(self.details_text.toPlainText())
        self.details_button.setVisible(has_details)
        self.details_text.setVisible(has_details and self.details_button.isChecked())
        finished = job is not None and job.status is JobStatus.DONE
        self.timeline_button.setEnabled(finished)
        self.folder_button.setEnabled(finished)

    def append_text(self, job_id: int, text: str) -> None:
        if self.shown_job_id != job_id:
            return
        cursor = self.live_text.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if not self.live_text.document().isEmpty():
            cursor.insertText(" ")
        cursor.insertText(text)
        self.live_text.ensureCursorVisible()

    def _on_details_toggled(self, shown: bool) -> None:
        self.details_button.setText("Hide &details" if shown else "Show &details")
        self.details_text.setVisible(shown and bool(self.details_text.toPlainText()))

    def _request(self, signal: Signal) -> None:  # type: ignore[type-arg]
        if self._job is not None and self._job.status is JobStatus.DONE:
            signal.emit(self._job.output_dir)
