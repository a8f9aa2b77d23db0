"""The whisper.cpp tab's buttons that bring a model from disk into the store: a ggml file, or a CTranslate2 folder.

File dialogs open with open(), never exec(): a nested event loop would stall the qasync loop. Both imports
read the whole model, so each runs as a `run_model_import` task on the loop (its work off the GUI thread) and
can be cancelled.
"""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QWidget

from metavis_gui.jobs.model_import_job import CancelCheck, ModelImport, import_cancelled_before_start, run_model_import
from metavis_gui.jobs.model_job_outcome import ModelJobCancelled, ModelJobFailed, ModelJobFinished, ModelJobOutcome
from metavis_gui.models.ct2_import import import_ct2_model
from metavis_gui.models.ggml_import import import_ggml_model


class WhisperCppImportBar(QWidget):
    """Reports to the status line in words.

    `import_started`, then `import_finished` (a model was installed) or `import_failed` (nothing was, also when
    cancelled).
    """

    import_started = Signal(str)
    import_finished = Signal(str)
    import_failed = Signal(str)

    def __init__(self, models_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.models_dir = models_dir
        self.file_dialog: QFileDialog | None = None
        self._import_task: asyncio.Task[ModelJobOutcome] | None = None
        self.ggml_button = QPushButton("&Import ggml file…")
        self.ggml_button.setToolTip("Copy a whisper.cpp ggml-*.bin model into the store, after checking it")
        self.ggml_button.clicked.connect(self.choose_ggml_file)
        self.ct2_button = QPushButton("Import C&Translate2 folder…")
        self.ct2_button.setToolTip("Convert a faster-whisper (CTranslate2) model folder into a whisper.cpp model")
        self.ct2_button.clicked.connect(self.choose_ct2_folder)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.ggml_button)
        layout.addWidget(self.ct2_button)
        layout.addStretch(1)

    def is_importing(self) -> bool:
        return self._import_task is not None

    def choose_ggml_file(self) -> None:
        dialog = self._open_file_dialog("Import a whisper.cpp ggml model", QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(["whisper.cpp models (*.bin)", "All files (*)"])
        dialog.fileSelected.connect(lambda chosen: self.import_ggml_file(Path(chosen)))
        dialog.open()

    def choose_ct2_folder(self) -> None:
        title = "Import a CTranslate2 (faster-whisper) model folder"
        dialog = self._open_file_dialog(title, QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda chosen: self.import_ct2_folder(Path(chosen)))
        dialog.open()

    def import_ggml_file(self, source: Path) -> None:
        def run_import(cancelled: CancelCheck) -> Path:
            return import_ggml_model(source, self.models_dir, cancelled=cancelled)

        self._start(source, run_import, f"Checking and copying {source}…", "Imported")

    def import_ct2_folder(self, source: Path) -> None:
        def run_import(cancelled: CancelCheck) -> Path:
            return import_ct2_model(source, self.models_dir, cancelled=cancelled)

        self._start(source, run_import, f"Converting {source} into a whisper.cpp model…", "Converted")

    def _start(self, source: Path, run_import: ModelImport, started: str, done_verb: str) -> None:
        if self._import_task is not None:
            return
        task = asyncio.get_event_loop().create_task(run_model_import(source, run_import))
        task.add_done_callback(partial(self._on_import_ended, source, done_verb))
        self._import_task = task
        self._update_buttons()
        self.import_started.emit(started)

    def cancel_import(self) -> None:
        """Stops a running import at its next tensor or chunk; `import_failed` says so once its work has ended."""
        if self._import_task is not None:
            self._import_task.cancel()

    def _on_import_ended(self, source: Path, done_verb: str, task: asyncio.Task[ModelJobOutcome]) -> None:
        self._import_task = None
        self._update_buttons()
        match import_cancelled_before_start(source) if task.cancelled() else task.result():
            case ModelJobFinished(installed=installed):
                self.import_finished.emit(f"{done_verb} {source} into {installed}.")
            case ModelJobFailed(message=message) | ModelJobCancelled(message=message):
                self.import_failed.emit(message)

    def _update_buttons(self) -> None:
        for button in (self.ggml_button, self.ct2_button):
            button.setEnabled(self._import_task is None)

    def _open_file_dialog(self, title: str, mode: QFileDialog.FileMode) -> QFileDialog:
        dialog = QFileDialog(self, title)
        dialog.setFileMode(mode)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.file_dialog = dialog
        return dialog
