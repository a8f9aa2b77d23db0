"""Engine, model, language and output folder: what the next queued files will be transcribed with."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from metavis_gui.engines.engine_availability import EngineAvailability
from metavis_gui.engines.engine_command import CoreMLComputeUnits
from metavis_gui.engines.engine_table import describe_engines
from metavis_gui.engines.model_availability import ModelAvailability, describe_models
from metavis_gui.jobs.transcription_queue import JobSettings
from metavis_gui.jobs.transcription_request import AlignMode
from metavis_gui.models.engine_ids import engine_id_from_name
from metavis_gui.models.model_catalog import expected_model_path
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME
from metavis_gui.models.whisper_languages import (
    ENGLISH,
    WHISPER_LANGUAGES,
    languages_by_name,
)
from metavis_gui.ui.display_formats import format_size

AUTO_LANGUAGE = "auto"
NEXT_TO_MEDIA = "Next to each media file"
COREML_COMPUTE_UNIT_LABELS = {
    CoreMLComputeUnits.ALL: "All (Neural Engine, GPU and CPU)",
    CoreMLComputeUnits.CPU_AND_NEURAL_ENGINE: "CPU and Neural Engine",
    CoreMLComputeUnits.CPU_ONLY: "CPU only",
}
COREML_COMPUTE_UNITS_TOOLTIP = (
    "Where Core ML may run the encoder: All lets it choose; CPU and Neural Engine leaves the GPU to other "
    "apps; CPU only is the slowest."
)
NO_COREML_REASON = (
    "{engine} is not a Core ML build, so it has no Core ML encoder to place. Only whisper.cpp built with "
    "Core ML (on Apple Silicon Macs) uses this choice."
)


class TranscriptionOptionsPanel(QWidget):
    options_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engines: dict[str, EngineAvailability] = {}
        self._models: dict[str, ModelAvailability] = {}
        self._preferred_language = AUTO_LANGUAGE
        self._output_folder: Path | None = None
        self._takes_coreml_units = False  # whether the chosen engine is a Core ML build
        self._folder_dialog: QFileDialog | None = None

        self.engine_combo = _combo("Engine", "Which speech recognition engine transcribes the files")
        self.engine_note = _note_label("Engine details")
        self.model_combo = _combo("Model", "Which model size; larger is more accurate and slower")
        self.model_note = _note_label("Model details")
        self.language_combo = _combo("Language", "The spoken language, or auto-detect")
        self.language_combo.addItem("Auto-detect", AUTO_LANGUAGE)
        for code, name in languages_by_name():
            self.language_combo.addItem(f"{name} ({code})", code)
        self.align_check = QCheckBox("&Time words from the audio (forced alignment)")
        self.align_check.setAccessibleName("Time words from the audio")
        self.align_check.setToolTip(
            "After transcribing, align every word to the speech (English), so word boxes sit on the words. "
            "Off: keep the engine's own word times."
        )
        self.align_check.setChecked(True)
        self.coreml_units_combo = _combo("Core ML compute units", "Where Core ML runs the encoder")
        for units, label in COREML_COMPUTE_UNIT_LABELS.items():
            self.coreml_units_combo.addItem(label, units.value)
        self.output_label = QLabel(NEXT_TO_MEDIA)
        self.output_label.setAccessibleName("Output folder")
        self.output_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.output_label.setWordWrap(True)
        self.choose_output_button = QPushButton("C&hoose…")
        self.choose_output_button.setAccessibleName("Choose output folder")
        self.choose_output_button.clicked.connect(self.choose_output_folder)
        self.reset_output_button = QPushButton("Ne&xt to media")
        self.reset_output_button.setAccessibleName("Write transcripts next to each media file")
        self.reset_output_button.clicked.connect(lambda: self.set_output_folder(None))

        self.manage_models_button = QPushButton("Manage m&odels…")
        self.manage_models_button.setAccessibleName("Manage models")
        self.manage_models_button.clicked.connect(self.open_model_manager)
        self._model_manager: QWidget | None = None
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_combo, 1)
        model_row.addWidget(self.manage_models_button)

        output_buttons = QHBoxLayout()
        output_buttons.addWidget(self.choose_output_button)
        output_buttons.addWidget(self.reset_output_button)
        output_buttons.addStretch(1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(_buddy("&Engine:", self.engine_combo), self.engine_combo)
        form.addRow("", self.engine_note)
        form.addRow(_buddy("&Model:", self.model_combo), model_row)
        form.addRow("", self.model_note)
        form.addRow(_buddy("&Language:", self.language_combo), self.language_combo)
        form.addRow("Word times:", self.align_check)
        form.addRow(_buddy("Core ML &units:", self.coreml_units_combo), self.coreml_units_combo)
        form.addRow("Output:", self.output_label)
        form.addRow("", output_buttons)

        self.refresh()
        self.engine_combo.currentIndexChanged.connect(self._on_engine_changed)
        self.model_combo.currentIndexChanged.connect(self._on_model_changed)
        self.language_combo.activated.connect(self._on_language_chosen)
        self.coreml_units_combo.activated.connect(lambda index: self.options_changed.emit())

    def refresh(self) -> None:
        """Re-read which engines and models are on this machine, keeping the current choices."""
        engine, model = self.engine(), self.model()
        self._engines = {described.name: described for described in describe_engines(model)}
        _refill(self.engine_combo, [(_engine_label(e), e.name, e.reason or e.details) for e in self._engines.values()])
        _select_data_quietly(self.engine_combo, engine or next(iter(self._engines)))
        self._reload_models(model or DEFAULT_MODEL_NAME)
        self._update_notes()

    def engine(self) -> str:
        return self.engine_combo.currentData() or ""

    def model(self) -> str:
        return self.model_combo.currentData() or ""

    def language(self) -> str:
        return self.language_combo.currentData() or AUTO_LANGUAGE

    def preferred_language(self) -> str:
        """The user's own choice, kept while an English-only model forces English."""
        return self._preferred_language

    def output_folder(self) -> Path | None:
        return self._output_folder

    def job_settings(self) -> JobSettings:
        language = self.language()
        return JobSettings(
            engine=engine_id_from_name(self.engine()),
            model=self.model() or None,
            language=None if language == AUTO_LANGUAGE else language,
            output_folder=self._output_folder,
            align=self.align_mode(),
            coreml_compute_units=self.coreml_compute_units() if self._takes_coreml_units else None,
        )

    def align_mode(self) -> AlignMode:
        return AlignMode.AUTO if self.align_check.isChecked() else AlignMode.OFF

    def set_align_mode(self, mode: AlignMode) -> None:
        self.align_check.setChecked(mode is AlignMode.AUTO)

    def coreml_compute_units(self) -> CoreMLComputeUnits:
        """The choice shown, kept even while the engine takes none, so switching back restores it."""
        return CoreMLComputeUnits(self.coreml_units_combo.currentData() or CoreMLComputeUnits.ALL.value)

    def set_coreml_compute_units(self, units: CoreMLComputeUnits) -> None:
        _select_data(self.coreml_units_combo, units.value)

    def set_engine(self, name: str) -> None:
        _select_data(self.engine_combo, name)
        self._update_notes()

    def set_model(self, name: str) -> None:
        self._show_model(name)
        self._update_notes()

    def set_language(self, code: str) -> None:
        self._preferred_language = code if code == AUTO_LANGUAGE or code in WHISPER_LANGUAGES else AUTO_LANGUAGE
        self._update_notes()

    def set_output_folder(self, folder: Path | None) -> None:
        self._output_folder = folder
        self.output_label.setText(str(folder) if folder is not None else NEXT_TO_MEDIA)
        self.reset_output_button.setEnabled(folder is not None)
        self.options_changed.emit()

    def choose_output_folder(self) -> None:
        # open(), not exec(): a nested event loop inside the qasync loop would stall running jobs.
        dialog = QFileDialog(self, "Folder for transcripts")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda folder: self.set_output_folder(Path(folder)))
        self._folder_dialog = dialog
        dialog.open()

    def open_model_manager(self) -> None:
        # Imported here: the dialog pulls in the download machinery, which the panel alone never needs.
        from metavis_gui.ui.model_manager_dialog import ModelManagerDialog

        if self._model_manager is None:
            dialog = ModelManagerDialog(self)
            dialog.models_changed.connect(self.refresh)
            self._model_manager = dialog
        self._model_manager.show()  # non-modal: never exec() under qasync
        self._model_manager.raise_()
        self._model_manager.activateWindow()

    def _on_engine_changed(self) -> None:
        # Each engine has its own models: a size installed for one may be missing for another.
        self._reload_models(self.model())
        self._update_notes()
        self.options_changed.emit()

    def _on_model_changed(self) -> None:
        self._engines = {described.name: described for described in describe_engines(self.model())}
        self._update_notes()
        self.options_changed.emit()

    def _reload_models(self, keep: str) -> None:
        self._models = {described.name: described for described in describe_models(engine=self.engine())}
        _refill(self.model_combo, [(_model_label(m), m.name, str(m.path)) for m in self._models.values()])
        self.model_combo.blockSignals(True)
        self._show_model(keep)
        self.model_combo.blockSignals(False)

    def _show_model(self, name: str) -> None:
        if self.model_combo.findData(name) < 0:  # remembered, but no longer listed: keep it visible
            self.model_combo.addItem(f"{name}  —  not installed", name)
        _select_data(self.model_combo, name)

    def _on_language_chosen(self) -> None:
        self._preferred_language = self.language()
        self.options_changed.emit()

    def _update_notes(self) -> None:
        engine = self._engines.get(self.engine())
        if engine is not None:
            text = engine.reason if not engine.available else "\n".join((engine.details, *engine.notes))
            self.engine_note.setText(text or "")
            self.engine_note.setToolTip(str(engine.location) if engine.location else "")
        self._update_coreml_units(engine)
        model = self._models.get(self.model())
        english_only = model.english_only if model else self.model().endswith(".en")
        path = model.path if model else expected_model_path(self.engine(), self.model())
        installed = model is not None and model.installed
        self.model_note.setText("" if installed else _missing_model_note(self.engine(), path, model))
        self.model_note.setVisible(not installed)
        self.model_combo.setToolTip(str(path) if installed else "")
        _select_data(self.language_combo, ENGLISH if english_only else self._preferred_language)
        self.language_combo.setEnabled(not english_only)
        self.language_combo.setToolTip(
            f"{self.model()} only knows English" if english_only else "Auto-detect or the spoken language"
        )

    def _update_coreml_units(self, engine: EngineAvailability | None) -> None:
        applies = engine is not None and engine.available and engine.takes_coreml_compute_units
        self._takes_coreml_units = applies
        self.coreml_units_combo.setEnabled(applies)
        if applies:
            reason = COREML_COMPUTE_UNITS_TOOLTIP
        elif engine is None or not engine.available:
            name = engine.display_name if engine is not None else "The chosen engine"
            reason = f"{name} cannot run here, so there is no Core ML encoder to place."
        else:
            reason = NO_COREML_REASON.format(engine=engine.display_name)
        self.coreml_units_combo.setToolTip(reason)


def _combo(name: str, description: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setAccessibleDescription(description)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(24)
    return combo


def _note_label(name: str) -> QLabel:
    label = QLabel()
    label.setAccessibleName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    return label


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _refill(combo: QComboBox, items: list[tuple[str, str, str]]) -> None:
    combo.blockSignals(True)
    combo.clear()
    for label, data, tooltip in items:
        combo.addItem(label, data)
        combo.setItemData(combo.count() - 1, tooltip, Qt.ItemDataRole.ToolTipRole)
    combo.blockSignals(False)


def _select_data_quietly(combo: QComboBox, data: str) -> None:
    combo.blockSignals(True)
    _select_data(combo, data)
    combo.blockSignals(False)


def _select_data(combo: QComboBox, data: str) -> None:
    index = combo.findData(data)
    if index >= 0 and index != combo.currentIndex():
        combo.setCurrentIndex(index)


def _engine_label(engine: EngineAvailability) -> str:
    return engine.display_name if engine.available else f"{engine.display_name}  —  unavailable"


def _model_label(model: ModelAvailability) -> str:
    if model.installed and model.size_bytes is not None:
        return f"{model.name}  —  {format_size(model.size_bytes)}"
    return f"{model.name}  —  not installed"


def _missing_model_note(engine: str, path: Path, model: ModelAvailability | None) -> str:
    shown = f"the folder {path.name}" if model is not None and model.is_folder else path.name
    return f"Not installed for {engine}: jobs with it fail until {shown} is in {path.parent}."
