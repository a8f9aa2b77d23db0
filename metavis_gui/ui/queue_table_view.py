"""The queue table: one row per file, with a real progress bar drawn by the current style."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from metavis_gui.ui.queue_table_model import (
    FILE_COLUMN,
    JOB_ID_ROLE,
    PROGRESS_COLUMN,
    PROGRESS_ROLE,
    QueueTableModel,
)

_PROGRESS_RESOLUTION = 1000


class ProgressBarDelegate(QStyledItemDelegate):
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        value = index.data(PROGRESS_ROLE)
        if value is None:
            super().paint(painter, option, index)
            return
        fraction, text = value
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)
        margin = max(2, option.rect.height() // 8)  # type: ignore[attr-defined]
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(margin, margin, -margin, -margin)  # type: ignore[attr-defined]
        bar.palette = option.palette  # type: ignore[attr-defined]
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        bar.minimum, bar.maximum = 0, _PROGRESS_RESOLUTION
        bar.progress = round(max(0.0, min(1.0, fraction)) * _PROGRESS_RESOLUTION)
        bar.text, bar.textVisible = text, True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)


class QueueTableView(QTableView):
    def __init__(self, model: QueueTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName("Transcription queue")
        self.setAccessibleDescription(
            "One row per media file: name, engine, model, language, duration, status, progress, time left and "
            "elapsed time; a finished row opens its transcript"
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        row_height = self.fontMetrics().height() * 2
        self.verticalHeader().setDefaultSectionSize(row_height)
        self.setItemDelegateForColumn(PROGRESS_COLUMN, ProgressBarDelegate(self))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FILE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PROGRESS_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(PROGRESS_COLUMN, self.fontMetrics().horizontalAdvance("100% · reading audio") * 5 // 4)

    def selected_job_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [self.model().index(row, 0).data(JOB_ID_ROLE) for row in rows]

    def current_job_id(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return index.siblingAtColumn(0).data(JOB_ID_ROLE)

    def select_job(self, row: int) -> None:
        self.selectRow(row)
        self.setCurrentIndex(self.model().index(row, 0))
