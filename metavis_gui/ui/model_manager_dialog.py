"""The model manager: every catalogued model per engine, with download, cancel, resume, delete and import.

Non-modal and opened with show() (never exec(): a nested event loop would stall the qasync loop). Each
download is a `run_model_download` task on the qasync loop; a cancelled one keeps its `.part`, which the next
download of that row resumes. A faster-whisper model is a folder of files, downloaded by the same job and
shown as one row. The whisper.cpp tab also imports a ggml file or converts a CTranslate2 folder
(`WhisperCppImportBar`). Every failure is shown as the model layer's own message, in plain text, never a
traceback.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from metavis_gui.engines.engine_table import ENGINE_TABLE
from metavis_gui.jobs.model_download_job import DownloadProgress, download_cancelled_before_start, run_model_download
from metavis_gui.jobs.model_job_outcome import ModelJobCancelled, ModelJobFailed, ModelJobFinished, ModelJobOutcome
from metavis_gui.models.errors import ModelError
from metavis_gui.models.model_catalog import (
    MIRROR_VARIABLE,
    CatalogEntry,
    ModelKind,
    catalog,
    installed_path,
    is_installed,
    partial_path,
    partial_size,
)
from metavis_gui.models.model_download import delete_model
from metavis_gui.ui.model_import_bar import WhisperCppImportBar

ENGINE_ORDER = tuple(ENGINE_TABLE)
COLUMNS = ("Model", "Download size", "Installed", "Location")
NAME_COLUMN, SIZE_COLUMN, STATE_COLUMN, LOCATION_COLUMN = range(len(COLUMNS))
PROGRESS_STEPS = 1000  # the bar counts permille: byte counts of large models overflow a Qt int


def megabytes(size: int | None) -> str:
    return "unknown" if size is None else f"{size / 1e6:.1f} MB"


def installed_state(entry: CatalogEntry, models_dir: Path | None = None) -> str:
    if is_installed(entry, models_dir):
        return "yes"
    partial = partial_size(entry, models_dir)
    return f"partial {megabytes(partial)}" if partial else "no"


class ModelManagerDialog(QDialog):
    """`models_changed` is emitted after a model was installed, imported or deleted."""

    models_changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        entries: Sequence[CatalogEntry] | None = None,
        models_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Manage models")
        self.models_dir = models_dir
        self._download_task: asyncio.Task[ModelJobOutcome] | None = None
        self._downloading: CatalogEntry | None = None
        self._confirmation: QMessageBox | None = None
        all_entries = list(entries) if entries is not None else catalog()
        self._entries = {engine: [e for e in all_entries if e.engine == engine] for engine in ENGINE_ORDER}

        self.import_bar = WhisperCppImportBar(models_dir)
        self.import_bar.import_started.connect(self._on_import_started)
        self.import_bar.import_finished.connect(self._on_imported)
        self.import_bar.import_failed.connect(self._on_import_failed)
        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {}
        for engine in self._entries:
            table = _table(engine)
            table.itemSelectionChanged.connect(self._update_buttons)
            self.tables[engine] = table
            # The import bar makes ggml files: it belongs on the tab of the engine that loads them.
            import_bar = self.import_bar if ModelKind.GGML in ENGINE_TABLE[engine].model_kinds else None
            self.tabs.addTab(_tab_page(table, import_bar), engine)
        self.tabs.currentChanged.connect(self._update_buttons)

        self.mirror_edit = QLineEdit(os.environ.get(MIRROR_VARIABLE, ""))
        self.mirror_edit.setAccessibleName("Mirror URL")
        self.mirror_edit.setPlaceholderText("empty: download from the model's official host")
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Download progress")
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.progress_bar.setValue(0)
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Model manager status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # messages quote paths, which may hold "<"
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.download_button = QPushButton("&Download")
        self.download_button.clicked.connect(self.download_selected)
        self.cancel_button = QPushButton("&Cancel download")
        self.cancel_button.clicked.connect(self.cancel_download)
        self.delete_button = QPushButton("De&lete…")
        self.delete_button.clicked.connect(self._confirm_delete)
        buttons = QHBoxLayout()
        for button in (self.download_button, self.cancel_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close_box.rejected.connect(self.reject)

        mirror_form = QFormLayout()
        mirror_form.addRow("&Mirror URL:", self.mirror_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(mirror_form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(close_box)
        self.resize(820, 520)
        self.refresh()

    # Reading the state -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-reads every row from the models folder, keeping the selection."""
        for engine, table in self.tables.items():
            selected = table.currentRow()
            table.setRowCount(len(self._entries[engine]))
            for row, entry in enumerate(self._entries[engine]):
                self._fill_row(table, row, entry)
            if selected >= 0:
                table.selectRow(selected)
        self._update_buttons()

    def row_of(self, entry: CatalogEntry) -> tuple[QTableWidget, int]:
        table = self.tables[entry.engine]
        return table, self._entries[entry.engine].index(entry)

    def state_text(self, entry: CatalogEntry) -> str:
        table, row = self.row_of(entry)
        return table.item(row, STATE_COLUMN).text()

    def select(self, entry: CatalogEntry) -> None:
        table, row = self.row_of(entry)
        self.tabs.setCurrentIndex(list(self.tables).index(entry.engine))
        table.selectRow(row)

    def selected_entry(self) -> CatalogEntry | None:
        engine = self.tabs.tabText(self.tabs.currentIndex())
        table = self.tables.get(engine)
        if table is None or not table.selectionModel().selectedRows():
            return None
        return self._entries[engine][table.currentRow()]

    def is_downloading(self) -> bool:
        return self._download_task is not None

    def mirror_url(self) -> str | None:
        return self.mirror_edit.text().strip() or None

    # Download ----------------------------------------------------------------------------------------
    def download_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None or self._download_task is not None:
            return
        if is_installed(entry, self.models_dir):
            self._show_status(f"{entry.name} is already installed in {installed_path(entry, self.models_dir)}.")
            return
        resumed = partial_size(entry, self.models_dir)
        download = run_model_download(entry, self.models_dir, on_progress=self._on_progress, base_url=self.mirror_url())
        self._download_task, self._downloading = asyncio.get_event_loop().create_task(download), entry
        self._download_task.add_done_callback(self._on_download_ended)
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.progress_bar.setValue(0)
        verb = f"Resuming {entry.file_name} from {megabytes(resumed)}" if resumed else f"Downloading {entry.file_name}"
        self._show_status(f"{verb}…")
        self._update_buttons()

    def cancel_download(self) -> None:
        """Stops the download or the import that is running; its task reports the ending once its work stopped."""
        self.import_bar.cancel_import()
        if self._download_task is not None:
            self._download_task.cancel()
            self._show_status("Cancelling…")

    def _on_progress(self, progress: DownloadProgress) -> None:
        entry = self._downloading
        if entry is None:
            return
        done, total = progress
        if total > 0:
            self.progress_bar.setRange(0, PROGRESS_STEPS)
            self.progress_bar.setValue(min(PROGRESS_STEPS, done * PROGRESS_STEPS // total))
            text = f"downloading {done * 100 // total} %"
        else:
            self.progress_bar.setRange(0, 0)  # busy: the size is not known yet
            text = f"downloading {megabytes(done)}"
        table, row = self.row_of(entry)
        table.item(row, STATE_COLUMN).setText(text)
        self.status_label.setText(f"{entry.file_name}: {megabytes(done)} of {megabytes(total or None)}")

    def _on_download_ended(self, task: asyncio.Task[ModelJobOutcome]) -> None:
        entry = self._downloading
        self._download_task, self._downloading = None, None
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.refresh()
        if entry is None:
            return
        match download_cancelled_before_start(entry) if task.cancelled() else task.result():
            case ModelJobFinished(installed=installed):
                self.progress_bar.setValue(PROGRESS_STEPS)
                self._show_status(f"Installed {installed.name} in {installed.parent}.")
                self.models_changed.emit()
            case ModelJobFailed(message=message):
                self._show_status(message, error=True)
            case ModelJobCancelled(message=message):
                self._show_status(message)

    # Delete and import -------------------------------------------------------------------------------
    def _confirm_delete(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Delete model",
                          f"Delete {entry.engine} model {entry.name} and any unfinished download of it?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)  # fmt: skip
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(self.delete_selected)
        self._confirmation = box
        box.open()

    def delete_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None or self._download_task is not None:
            return
        try:
            removed = delete_model(entry.name, self.models_dir, engine=entry.engine)
        except (ModelError, OSError) as error:
            self._show_status(str(error), error=True)
            return
        self.refresh()
        self._show_status("Deleted " + ", ".join(path.name for path in removed) + ".")
        self.models_changed.emit()

    def _on_import_started(self, message: str) -> None:
        self.progress_bar.setRange(0, 0)  # busy: a conversion reports no progress
        self._show_status(message)
        self._update_buttons()

    def _on_imported(self, message: str) -> None:
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.refresh()
        self._show_status(message)
        self.models_changed.emit()

    def _on_import_failed(self, message: str) -> None:
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self._update_buttons()
        self._show_status(message, error=True)

    # Plumbing ----------------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        # A download or conversion must not outlive its dialog: it stops within a second or so, and its
        # ending still reaches this (hidden, not deleted) dialog, ready for the next show().
        self.cancel_download()
        super().done(result)

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #b00020;" if error else "")

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        busy = self.is_downloading() or self.import_bar.is_importing()
        installed = entry is not None and is_installed(entry, self.models_dir)
        present = entry is not None and (installed or partial_size(entry, self.models_dir) > 0)
        self.download_button.setEnabled(entry is not None and not busy and not installed)
        self.download_button.setText("&Resume" if present and not installed else "&Download")
        self.cancel_button.setEnabled(busy)
        self.delete_button.setEnabled(present and not busy)
        self.import_bar.setEnabled(not self.is_downloading())
        self.mirror_edit.setEnabled(not busy)

    def _fill_row(self, table: QTableWidget, row: int, entry: CatalogEntry) -> None:
        name = entry.name + ("  (Core ML encoder)" if entry.kind is ModelKind.COREML_ENCODER else "")
        state = installed_state(entry, self.models_dir)
        partial = state.startswith("partial")
        where = partial_path(entry, self.models_dir) if partial else installed_path(entry, self.models_dir)
        cells = (name, megabytes(entry.size_bytes), state, str(where))
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
            if column == LOCATION_COLUMN:
                item.setToolTip(text if state != "no" else f"would be installed as {text}")
            if entry.note and column == NAME_COLUMN:
                item.setToolTip(entry.note)
            table.setItem(row, column, item)


def _tab_page(table: QTableWidget, import_bar: QWidget | None) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(table, 1)
    if import_bar is not None:
        layout.addWidget(import_bar)
    return page


def _table(engine: str) -> QTableWidget:
    table = QTableWidget(0, len(COLUMNS))
    table.setAccessibleName(f"{engine} models")
    table.setHorizontalHeaderLabels(list(COLUMNS))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(LOCATION_COLUMN, QHeaderView.ResizeMode.Stretch)
    for column in (NAME_COLUMN, SIZE_COLUMN, STATE_COLUMN):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table
