"""The queue's rows as a table model: file, engine, model, language, duration, status, progress, ETA, elapsed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QApplication, QStyle

from metavis_gui.jobs.transcription_queue import (
    JobStatus,
    QueuedJob,
    TranscriptionQueue,
)
from metavis_gui.ui.display_formats import (
    STATUS_LABELS,
    duration_text,
    elapsed_text,
    eta_text,
    language_text,
    model_text,
    progress_text,
)

(
    FILE_COLUMN, ENGINE_COLUMN, MODEL_COLUMN, LANGUAGE_COLUMN, DURATION_COLUMN,
    STATUS_COLUMN, PROGRESS_COLUMN, ETA_COLUMN, ELAPSED_COLUMN,
) = range(9)  # fmt: skip
COLUMN_TITLES = ("File", "Engine", "Model", "Language", "Duration", "Status", "Progress", "Time left", "Elapsed")
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1  # (fraction 0..1, text) for the progress bar delegate
JOB_ID_ROLE = Qt.ItemDataRole.UserRole + 2

_STATUS_ICONS = {
    JobStatus.DONE: QStyle.StandardPixmap.SP_DialogApplyButton,
    JobStatus.FAILED: QStyle.StandardPixmap.SP_MessageBoxWarning,
    JobStatus.CANCELLED: QStyle.StandardPixmap.SP_DialogCancelButton,
}

AnyIndex = QModelIndex | QPersistentModelIndex
_TOP_LEVEL = QModelIndex()  # an invalid index: the table's own level


class QueueTableModel(QAbstractTableModel):
    def __init__(self, queue: TranscriptionQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue = queue
        self._job_ids = [job.job_id for job in queue.jobs()]
        queue.job_added.connect(self._on_job_added)
        queue.job_removed.connect(self._on_job_removed)
        for changed in (
            queue.job_retried,
            queue.job_finished,
            queue.job_failed,
            queue.job_cancelled,
            queue.job_measured,
        ):
            changed.connect(self.refresh_job)
        queue.job_progressed.connect(lambda job_id, fraction: self.refresh_job(job_id))

    def rowCount(self, parent: AnyIndex = _TOP_LEVEL) -> int:
        return 0 if parent.isValid() else len(self._job_ids)

    def columnCount(self, parent: AnyIndex = _TOP_LEVEL) -> int:
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMN_TITLES[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._job_ids):
            return None
        job = self._queue.job(self._job_ids[index.row()])
        if job is None:
            return None
        if role == JOB_ID_ROLE:
            return job.job_id
        if role == PROGRESS_ROLE and index.column() == PROGRESS_COLUMN:
            return (job.fraction, progress_text(job))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display_text(job, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(job.media_path) if index.column() == FILE_COLUMN else (job.message or None)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == STATUS_COLUMN:
            pixmap = _STATUS_ICONS.get(job.status)
            return QApplication.style().standardIcon(pixmap) if pixmap is not None else None
        return None

    def job_id_at(self, row: int) -> int | None:
        return self._job_ids[row] if 0 <= row < len(self._job_ids) else None

    def row_of(self, job_id: int) -> int | None:
        return self._job_ids.index(job_id) if job_id in self._job_ids else None

    def refresh_job(self, job_id: int) -> None:
        row = self.row_of(job_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMN_TITLES) - 1))

    def refresh_running(self) -> None:
        """Elapsed time and the remaining-time countdown move without any event from the engine; every row that
        is not over is redrawn, so no status shown is older than one tick."""
        for job in self._queue.jobs():
            if not job.status.is_over:
                self.refresh_job(job.job_id)

    def _display_text(self, job: QueuedJob, column: int) -> str:
        texts = {
            FILE_COLUMN: lambda: job.media_path.name,
            ENGINE_COLUMN: lambda: job.settings.engine.value,
            MODEL_COLUMN: lambda: model_text(job),
            LANGUAGE_COLUMN: lambda: language_text(job),
            DURATION_COLUMN: lambda: duration_text(job),
            STATUS_COLUMN: lambda: STATUS_LABELS[job.status],
            PROGRESS_COLUMN: lambda: progress_text(job),
            ETA_COLUMN: lambda: eta_text(job, self._queue.expected_run_seconds(job)),
            ELAPSED_COLUMN: lambda: elapsed_text(job),
        }
        return texts[column]()

    def _on_job_added(self, job_id: int) -> None:
        row = len(self._job_ids)
        self.beginInsertRows(QModelIndex(), row, row)
        self._job_ids.append(job_id)
        self.endInsertRows()

    def _on_job_removed(self, job_id: int) -> None:
        row = self.row_of(job_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._job_ids[row]
        self.endRemoveRows()
