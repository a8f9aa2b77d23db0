"""File > Export…: several formats at once, into one folder, named after the clip, never over a file unasked.

The dialog remembers the formats, the folder, the caption preset and the FCPXML content in QSettings. It
shows the clip's frame rate and start timecode, read from the media by ffprobe once it opens.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from metavis_gui.contract import ContractError, write_bytes_atomic
from metavis_gui.exports.caption_rules import (
    CAPTION_PRESETS,
    DEFAULT_CAPTION_PRESET,
    CaptionPreset,
    find_caption_preset,
)
from metavis_gui.exports.clip_timing import ClipInfo, ClipTimingInvalid, clip_info_of
from metavis_gui.exports.export_document import ExportDocument, FcpxmlContent
from metavis_gui.exports.export_formats import EXPORT_FORMATS, ExportFormat, parse_export_formats, render_exports
from metavis_gui.exports.export_words import ExportWord
from metavis_gui.jobs.child_process import ChildProcessError, run_child_process
from metavis_gui.media.errors import MediaError
from metavis_gui.media.probe import find_media_tool, parse_probe_output, probe_arguments
from metavis_gui.timeline.transcript_files import OpenedTranscript

FORMATS_KEY = "exports/formats"
FOLDER_KEY = "exports/folder"
PRESET_KEY = "exports/caption_preset"
FCPXML_CONTENT_KEY = "exports/fcpxml_content"
DEFAULT_FORMATS = ("srt",)


class ExportDialog(QDialog):
    files_written = Signal(list)  # the paths, after a successful export

    def __init__(
        self, words: Callable[[], list[ExportWord]], clip: ClipInfo, folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export {clip.stem}")
        self._words, self.clip = words, clip
        self.overwrite_prompt: QMessageBox | None = None
        self.folder_dialog: QFileDialog | None = None
        self._probe_task: asyncio.Future[None] | None = None
        self.format_boxes = {export_format.id: QCheckBox(export_format.label, self) for export_format in EXPORT_FORMATS}
        self.folder_field = QLineEdit(self)
        self.preset_box = QComboBox(self)
        for preset in CAPTION_PRESETS:
            self.preset_box.addItem(preset.label, preset.id)
        self.fcpxml_box = QComboBox(self)
        for content in FcpxmlContent:
            self.fcpxml_box.addItem(f"Final Cut Pro XML holds {content.value}", content.value)
        self.clip_label = QLabel(self)
        self.problem_label = QLabel(self)
        self.problem_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self._lay_out()
        self._restore(folder)
        self.set_clip(clip)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        self.finished.connect(self._stop_probe)

    # What is chosen.

    def chosen_formats(self) -> tuple[ExportFormat, ...]:
        return parse_export_formats(format_id for format_id, box in self.format_boxes.items() if box.isChecked())

    def choose_formats(self, format_ids: tuple[str, ...]) -> None:
        chosen = {export_format.id for export_format in parse_export_formats(format_ids)}
        for format_id, box in self.format_boxes.items():
            box.setChecked(format_id in chosen)

    def folder(self) -> Path:
        return Path(self.folder_field.text().strip()).expanduser()

    def set_clip(self, clip: ClipInfo) -> None:
        self.clip = clip
        rate = f"{float(clip.frame_rate):.3f}".rstrip("0").rstrip(".")
        kind = " drop-frame" if clip.drop_frame else ""
        self.clip_label.setText(f"{clip.file_name}: {rate} fps, starts at {clip.start_timecode}{kind}")

    def document(self) -> ExportDocument:
        return ExportDocument(
            self._words(),
            self.clip,
            find_caption_preset(str(self.preset_box.currentData())).rules,
            FcpxmlContent(str(self.fcpxml_box.currentData())),
        )

    # Exporting.

    def export(self) -> None:
        """Write the chosen files; when any exists already, ask first (the files are written only on Replace)."""
        formats, folder = self.chosen_formats(), self.folder()
        if not formats:
            self.problem_label.setText("Tick at least one format.")
            return
        if not folder.is_dir():
            self.problem_label.setText(f"{folder}: no such folder. Choose an existing folder.")
            return
        files = {folder / name: data for name, data in render_exports(self.document(), formats).items()}
        existing = [path for path in files if path.exists()]
        if not existing:
            self._write(files)
            return
        names = ", ".join(path.name for path in existing)
        prompt = QMessageBox(QMessageBox.Icon.Question, "Replace files?",
                             f"{names} already {'exists' if len(existing) == 1 else 'exist'} in {folder}. Replace?",
                             QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)  # fmt: skip
        prompt.button(QMessageBox.StandardButton.Yes).setText("Replace")
        prompt.setDefaultButton(QMessageBox.StandardButton.No)
        prompt.finished.connect(lambda answer: self._write(files) if answer == QMessageBox.StandardButton.Yes else None)
        self.overwrite_prompt = prompt
        prompt.open()

    def ask_folder(self) -> None:
        dialog = QFileDialog(self, "Export into folder", str(self.folder()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(self.folder_field.setText)
        self.folder_dialog = dialog
        dialog.open()

    def _write(self, files: dict[Path, bytes]) -> None:
        try:
            for path, data in files.items():
                write_bytes_atomic(path, data)
        except (ContractError, OSError) as error:
            self.problem_label.setText(f"Not exported: {error}")
            return
        self._remember()
        self.files_written.emit(list(files))
        self.accept()

    # The media's frame rate and start timecode.

    def start_probe(self, media_path: Path | None) -> None:
        """Read the clip's frame rate and start timecode with ffprobe, in the background; the dialog stays usable."""
        if media_path is not None and media_path.is_file():
            # Until the media answers, an export would be timed at the default rate: wait for it.
            self.export_button.setEnabled(False)
            self.clip_label.setText(f"{self.clip.file_name}: reading its frame rate and timecode…")
            self._probe_task = asyncio.ensure_future(self._probe(media_path))

    async def _probe(self, media_path: Path) -> None:
        try:
            ffprobe = find_media_tool("ffprobe")
            result = await run_child_process(ffprobe, probe_arguments(media_path))
            media = parse_probe_output(media_path, result.exit_code, result.stdout, result.stderr)
            self.set_clip(clip_info_of(media_path, media.frame_rate, media.start_timecode, media.duration_seconds))
        except (MediaError, ChildProcessError, ClipTimingInvalid) as error:
            self.set_clip(self.clip)
            self.problem_label.setText(f"Frame rate and timecode not read ({error}); using {self.clip.frame_rate} fps.")
        finally:
            self.export_button.setEnabled(True)

    def _stop_probe(self) -> None:
        if self._probe_task is not None and not self._probe_task.done():
            self._probe_task.cancel()

    # Layout and memory.

    def _lay_out(self) -> None:
        formats = QGroupBox("Formats", self)
        grid = QGridLayout(formats)
        for index, box in enumerate(self.format_boxes.values()):
            grid.addWidget(box, index % 6, index // 6)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_field)
        choose = QPushButton("Choose…", self)
        choose.clicked.connect(self.ask_folder)
        folder_row.addWidget(choose)
        form = QFormLayout()
        form.addRow("Folder", folder_row)
        form.addRow("Captions", self.preset_box)
        form.addRow("Final Cut", self.fcpxml_box)
        form.addRow("Clip", self.clip_label)
        layout = QVBoxLayout(self)
        layout.addWidget(formats)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)

    def _restore(self, default_folder: Path) -> None:
        settings = QSettings()
        remembered = str(settings.value(FORMATS_KEY, ",".join(DEFAULT_FORMATS)) or "")
        try:
            self.choose_formats(tuple(remembered.split(",")))
        except ValueError:
            self.choose_formats(DEFAULT_FORMATS)
        folder = str(settings.value(FOLDER_KEY, "") or "")
        self.folder_field.setText(folder if folder and Path(folder).is_dir() else str(default_folder))
        self._select(self.preset_box, str(settings.value(PRESET_KEY, DEFAULT_CAPTION_PRESET.id)))
        self._select(self.fcpxml_box, str(settings.value(FCPXML_CONTENT_KEY, FcpxmlContent.MARKERS.value)))

    def _remember(self) -> None:
        settings = QSettings()
        settings.setValue(FORMATS_KEY, ",".join(export_format.id for export_format in self.chosen_formats()))
        settings.setValue(FOLDER_KEY, str(self.folder()))
        settings.setValue(PRESET_KEY, str(self.preset_box.currentData()))
        settings.setValue(FCPXML_CONTENT_KEY, str(self.fcpxml_box.currentData()))

    @staticmethod
    def _select(box: QComboBox, data: str) -> None:
        index = box.findData(data)
        box.setCurrentIndex(max(0, index))


def export_clip_of(opened: OpenedTranscript) -> ClipInfo:
    """The clip as far as the transcript tells (its media's name and duration); ffprobe adds rate and timecode."""
    summary = opened.summary
    if opened.media_path is not None:
        name = opened.media_path
    elif summary is not None and summary.input_file_name:
        name = Path(summary.input_file_name)
    else:
        name = Path(opened.words_path.parent.name)
    return clip_info_of(name, None, None, summary.duration_seconds if summary is not None else 0.0)


def remembered_caption_preset() -> CaptionPreset:
    """The preset the last export used (the checks panel checks captions by it)."""
    try:
        return find_caption_preset(str(QSettings().value(PRESET_KEY, DEFAULT_CAPTION_PRESET.id)))
    except ValueError:
        return DEFAULT_CAPTION_PRESET
