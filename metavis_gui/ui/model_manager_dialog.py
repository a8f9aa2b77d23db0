"""The model manager: one list of every engine's models, with filters, download, cancel, resume, delete and import.

What is installed is what the engines themselves find (`engines.model_availability`, the engine table's model
formats), the answer the model picker and `models list` give too; the catalogue adds what can be downloaded.
Filters (engine, installed only, a name) narrow the one list. Non-modal and opened with show() (never exec():
a nested event loop would stall the qasync loop). Each download is a `run_model_download` task on the qasync
loop; a cancelled one keeps its `.part`, which the next download of that row resumes. A faster-whisper model
is a folder of files, downloaded by the same job and shown as one row. The import bar (whisper.cpp: a ggml
file, or a CTranslate2 folder converted) shows with the engines that load ggml files. Every failure is shown
as the model layer's own message, in plain text, never a traceback.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
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
    QVBoxLayout,
    QWidget,
)

from metavis_gui.engines.engine_table import ENGINE_TABLE
from metavis_gui.engines.model_availability import ModelAvailability, describe_models
from metavis_gui.jobs.model_download_job import DownloadProgress, download_cancelled_before_start, run_model_download
from metavis_gui.jobs.model_job_outcome import ModelJobCancelled, ModelJobFailed, ModelJobFinished, ModelJobOutcome
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.errors import ModelError
from metavis_gui.models.model_catalog import (
    MIRROR_VARIABLE,
    CatalogEntry,
    ModelKind,
    catalog,
    engine_folder,
    installed_path,
    is_installed,
    partial_path,
    partial_size,
)
from metavis_gui.models.model_download import delete_model
from metavis_gui.ui.model_import_bar import WhisperCppImportBar

ENGINE_ORDER = tuple(ENGINE_TABLE)
ALL_ENGINES = "All engines"
COLUMNS = ("Engine", "Model", "Download size", "Installed", "Location")
ENGINE_COLUMN, NAME_COLUMN, SIZE_COLUMN, STATE_COLUMN, LOCATION_COLUMN = range(len(COLUMNS))
PROGRESS_STEPS = 1000  # the bar counts permille: byte counts of large models overflow a Qt int


def megabytes(size: int | None) -> str:
    return "unknown" if size is None else f"{size / 1e6:.1f} MB"


@dataclass(frozen=True)
class ModelRow:
    """One model of one engine: what can be downloaded (`entry`) and what the engine finds (`available`).

    Whether it is installed comes from the engine table's model formats (`engines.model_availability`), the
    same answer the model picker and `models list` give; a Core ML encoder, which no engine lists, from the
    catalogue's file.
    """

    engine: EngineId
    name: str
    entry: CatalogEntry | None
    available: ModelAvailability | None

    @property
    def label(self) -> str:
        encoder = self.entry is not None and self.entry.kind is ModelKind.COREML_ENCODER
        return self.name + ("  (Core ML encoder)" if encoder else "")

    def installed(self, models_dir: Path | None) -> bool:
        if self.available is not None:
            return self.available.installed
        return self.entry is not None and is_installed(self.entry, models_dir)

    def partial_bytes(self, models_dir: Path | None) -> int:
        return partial_size(self.entry, models_dir) if self.entry is not None else 0

    def state(self, models_dir: Path | None) -> str:
        if self.installed(models_dir):
            return "yes"
        partial = self.partial_bytes(models_dir)
        return f"partial {megabytes(partial)}" if partial else "no"

    def location(self, models_dir: Path | None) -> Path:
        if self.entry is not None and not self.installed(models_dir) and self.partial_bytes(models_dir):
            return partial_path(self.entry, models_dir)
        if self.available is not None:
            return self.available.path
        assert self.entry is not None
        return installed_path(self.entry, models_dir)


def model_rows(entries: Sequence[CatalogEntry], models_dir: Path | None = None) -> list[ModelRow]:
    """Per engine: the catalogue's models in its order, then installed models it does not list (imports)."""
    rows: list[ModelRow] = []
    for engine in ENGINE_ORDER:
        found = {model.name: model for model in describe_models(models_dir, engine)}
        listed: set[str] = set()
        for entry in (each for each in entries if each.engine == engine):
            encoder = entry.kind is ModelKind.COREML_ENCODER
            rows.append(ModelRow(engine, entry.name, entry, None if encoder else found.get(entry.name)))
            listed.add(entry.name)
        extras = (model for name, model in found.items() if model.installed and name not in listed)
        rows.extend(ModelRow(engine, model.name, None, model) for model in extras)
    return rows


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
        self._entries = list(entries) if entries is not None else catalog()
        self.rows: list[ModelRow] = []

        self.import_bar = WhisperCppImportBar(models_dir)
        self.import_bar.import_started.connect(self._on_import_started)
        self.import_bar.import_finished.connect(self._on_imported)
        self.import_bar.import_failed.connect(self._on_import_failed)
        self.table = _table()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.engine_filter = QComboBox()
        self.engine_filter.setAccessibleName("Show the models of")
        self.engine_filter.addItems([ALL_ENGINES, *ENGINE_ORDER])
        self.installed_only = QCheckBox("&Installed only")
        self.search_edit = QLineEdit()
        self.search_edit.setAccessibleName("Find a model")
        self.search_edit.setPlaceholderText("find a model by name")
        self.search_edit.setClearButtonEnabled(True)
        self.engine_filter.currentIndexChanged.connect(self._apply_filters)
        self.installed_only.toggled.connect(self._apply_filters)
        self.search_edit.textChanged.connect(self._apply_filters)

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

        filters = QHBoxLayout()
        filters.addWidget(self.engine_filter)
        filters.addWidget(self.installed_only)
        filters.addWidget(self.search_edit, 1)
        mirror_form = QFormLayout()
        mirror_form.addRow("&Mirror URL:", self.mirror_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.import_bar)
        layout.addLayout(mirror_form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(close_box)
        self.resize(820, 520)
        self.refresh()

    # Reading the state -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-reads every row from the models folder (the engines' own listing), keeping the selection."""
        selected = self.selected_row()
        self.rows = model_rows(self._entries, self.models_dir)
        self.table.setRowCount(len(self.rows))
        for row, model in enumerate(self.rows):
            self._fill_row(row, model)
        self._apply_filters()
        if selected is not None:
            index = self._index_of(selected.engine, selected.name, selected.entry)
            if index is not None:
                self.table.selectRow(index)
        self._update_buttons()

    def row_of(self, entry: CatalogEntry) -> tuple[QTableWidget, int]:
        index = self._index_of(entry.engine, entry.name, entry)
        if index is None:
            raise KeyError(f"{entry.engine} {entry.name} is not listed")
        return self.table, index

    def state_text(self, entry: CatalogEntry) -> str:
        table, row = self.row_of(entry)
        return table.item(row, STATE_COLUMN).text()

    def shown_rows(self) -> list[ModelRow]:
        return [model for index, model in enumerate(self.rows) if not self.table.isRowHidden(index)]

    def select(self, entry: CatalogEntry) -> None:
        """Selects the entry's row, widening the filters when they hide it."""
        _, row = self.row_of(entry)
        if self.table.isRowHidden(row):
            self.engine_filter.setCurrentText(entry.engine.value)
            self.installed_only.setChecked(False)
            self.search_edit.clear()
        self.table.selectRow(row)

    def selected_row(self) -> ModelRow | None:
        chosen = self.table.selectionModel().selectedRows()
        if not chosen or not self.rows:
            return None
        index = chosen[0].row()
        return self.rows[index] if index < len(self.rows) and not self.table.isRowHidden(index) else None

    def selected_entry(self) -> CatalogEntry | None:
        row = self.selected_row()
        return row.entry if row is not None else None

    def is_downloading(self) -> bool:
        return self._download_task is not None

    def mirror_url(self) -> str | None:
        return self.mirror_edit.text().strip() or None

    def _index_of(self, engine: EngineId, name: str, entry: CatalogEntry | None) -> int | None:
        for index, model in enumerate(self.rows):
            same_entry = entry is None or model.entry is None or model.entry.kind is entry.kind
            if model.engine == engine and model.name == name and same_entry:
                return index
        return None

    def _apply_filters(self) -> None:
        engine = self.engine_filter.currentText()
        words = self.search_edit.text().strip().lower()
        installed_only = self.installed_only.isChecked()
        for index, model in enumerate(self.rows):
            shown = engine in (ALL_ENGINES, model.engine.value)
            shown = shown and (not installed_only or model.installed(self.models_dir))
            shown = shown and words in model.name.lower()
            self.table.setRowHidden(index, not shown)
        # The import bar makes ggml files: shown with the engines that load them.
        ggml = engine == ALL_ENGINES or ModelKind.GGML in ENGINE_TABLE[EngineId(engine)].model_kinds
        self.import_bar.setVisible(ggml)
        self._update_buttons()

    # Download ----------------------------------------------------------------------------------------
    def download_selected(self) -> None:
        row, entry = self.selected_row(), self.selected_entry()
        if row is None or entry is None or self._download_task is not None:
            return
        if row.installed(self.models_dir):
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
        row = self.selected_row()
        if row is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Delete model",
                          f"Delete {row.engine} model {row.name} and any unfinished download of it?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)  # fmt: skip
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(self.delete_selected)
        self._confirmation = box
        box.open()

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None or self._download_task is not None:
            return
        try:
            removed = delete_model(row.name, self.models_dir, engine=row.engine)
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
        row, entry = self.selected_row(), self.selected_entry()
        busy = self.is_downloading() or self.import_bar.is_importing()
        installed = row is not None and row.installed(self.models_dir)
        present = row is not None and (installed or row.partial_bytes(self.models_dir) > 0)
        # Only the models folder's own files can be deleted here, not a model shipped inside the app.
        deletable = present and row is not None and self._in_models_folder(row)
        self.download_button.setEnabled(entry is not None and not busy and not installed)
        self.download_button.setText("&Resume" if present and not installed else "&Download")
        self.cancel_button.setEnabled(busy)
        self.delete_button.setEnabled(deletable and not busy)
        self.import_bar.setEnabled(not self.is_downloading())
        self.mirror_edit.setEnabled(not busy)

    def _in_models_folder(self, row: ModelRow) -> bool:
        return engine_folder(row.engine, self.models_dir) in row.location(self.models_dir).parents

    def _fill_row(self, row: int, model: ModelRow) -> None:
        state = model.state(self.models_dir)
        size = model.entry.size_bytes if model.entry is not None else (model.available and model.available.size_bytes)
        where = str(model.location(self.models_dir))
        cells = (model.engine.value, model.label, megabytes(size), state, where)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
            if column == LOCATION_COLUMN:
                item.setToolTip(text if state != "no" else f"would be installed as {text}")
            if column == NAME_COLUMN and model.entry is not None and model.entry.note:
                item.setToolTip(model.entry.note)
            if column == NAME_COLUMN and model.entry is None:
                item.setToolTip("installed here, not in the download catalogue (imported or converted)")
            self.table.setItem(row, column, item)


def _table() -> QTableWidget:
    table = QTableWidget(0, len(COLUMNS))
    table.setAccessibleName("Models")
    table.setHorizontalHeaderLabels(list(COLUMNS))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(LOCATION_COLUMN, QHeaderView.ResizeMode.Stretch)
    for column in (ENGINE_COLUMN, NAME_COLUMN, SIZE_COLUMN, STATE_COLUMN):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table
