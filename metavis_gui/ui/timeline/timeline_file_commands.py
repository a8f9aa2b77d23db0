"""Open, save, export and close for a timeline window; every dialog is non-modal (`open()`, never `exec()`).

A close with unsaved edits is refused once and answered through a message
box; its answer closes the window again, this time for good.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from metavis_gui.contract import ContractError
from metavis_gui.exports.export_words import export_words_of_timeline
from metavis_gui.timeline.transcript_files import export_bundle, export_srt, save_in_place
from metavis_gui.timeline.word_joins_store import save_word_joins
from metavis_gui.ui.timeline.export_dialog import ExportDialog, export_clip_of
from metavis_gui.ui.timeline.timeline_autosave import TimelineAutosave
from metavis_gui.ui.timeline.timeline_document import TimelineDocument

WORDS_FILTER = "Word transcripts (*.jsonl);;All files (*)"


class TimelineFileCommands:
    """The window's file commands; what they need of the window is handed in, so they never import it.

    `window` parents the dialogs and is closed again after the unsaved-edits answer;
    `open_words` opens another words file in a new window (None: Open does nothing).
    """

    def __init__(
        self,
        window: QWidget,
        document: TimelineDocument,
        autosave: TimelineAutosave,
        show_message: Callable[[str], None],
        set_media: Callable[[Path], None],
        open_words: Callable[[Path], object] | None = None,
    ) -> None:
        self.window = window
        self.document = document
        self.autosave = autosave
        self.show_message = show_message
        self.set_media = set_media
        self.open_words = open_words
        self.close_prompt: QMessageBox | None = None
        self.dialog: QFileDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self._close_answered = False

    def save(self) -> bool:
        records = self.document.records()
        try:
            paths = save_in_place(self.document.opened, records, self.document.timing_sources())
        except (ContractError, OSError) as error:
            self.show_message(f"Not saved: {error}")
            return False
        self.document.mark_saved()
        self.autosave.discard()
        saved = f"Saved {', '.join(path.name for path in paths)} in {paths[0].parent}"
        try:
            save_word_joins(self.document.opened.words_path, self.document.transcript, records)
        except OSError as error:
            saved += f", but not which words were split inside a word ({error}): merging them will put a space in"
        self.show_message(saved)
        return True

    def export_to(self, folder: Path) -> list[Path]:
        paths = export_bundle(self.document.opened, self.document.records(), self.document.timing_sources(), folder)
        self.show_message(f"Exported to {folder}")
        return paths

    def export_srt_to(self, path: Path) -> Path:
        export_srt(self.document.records(), path)
        self.show_message(f"Exported captions to {path}")
        return path

    # Dialogs.

    def ask_open(self) -> None:
        open_words = self.open_words
        if open_words is None:
            return
        self._ask_file("Open a words file", QFileDialog.FileMode.ExistingFile, WORDS_FILTER,
                       lambda path: self._reporting_errors(open_words, Path(path), "Cannot open"))  # fmt: skip

    def ask_export(self) -> None:
        self._ask_file("Export the transcript into a folder", QFileDialog.FileMode.Directory, "",
                       lambda path: self._reporting_errors(self.export_to, Path(path)))  # fmt: skip

    def ask_export_formats(self) -> ExportDialog:
        """File > Export…: the formats of the export table, several at once, named after the clip."""
        opened = self.document.opened
        dialog = ExportDialog(lambda: export_words_of_timeline(self.document.transcript), export_clip_of(opened),
                              opened.words_path.parent, self.window)  # fmt: skip
        dialog.files_written.connect(
            lambda paths: self.show_message(f"Exported {', '.join(path.name for path in paths)} to {paths[0].parent}")
        )
        self.export_dialog = dialog
        dialog.open()
        dialog.start_probe(opened.media_path)
        return dialog

    def ask_export_srt(self) -> None:
        def chosen(path: str) -> None:
            target = Path(path) if path.lower().endswith(".srt") else Path(path + ".srt")
            self._reporting_errors(self.export_srt_to, target)

        clip_stem = export_clip_of(self.document.opened).stem
        self._ask_file("Export SRT captions", QFileDialog.FileMode.AnyFile, "SubRip captions (*.srt)", chosen,
                       save=True, suggested=self.document.opened.words_path.parent / f"{clip_stem}.srt")  # fmt: skip

    def ask_for_media(self) -> None:
        """Asked once when the media was not found beside the transcript."""
        name = self.document.opened.summary.input_file_name if self.document.opened.summary else "the media"
        self._ask_file(f"Where is {name}? (for the waveform and playback)", QFileDialog.FileMode.ExistingFile,
                       "Media (*)", lambda path: self.set_media(Path(path)))  # fmt: skip

    def _ask_file(
        self,
        title: str,
        mode: QFileDialog.FileMode,
        name_filter: str,
        on_chosen: Callable[[str], object],
        save: bool = False,
        suggested: Path | None = None,
    ) -> None:
        dialog = QFileDialog(self.window, title, str(self.document.opened.words_path.parent), name_filter)
        dialog.setFileMode(mode)
        if save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        if suggested is not None:
            dialog.selectFile(str(suggested))
        if mode == QFileDialog.FileMode.Directory:
            dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(on_chosen)
        self.dialog = dialog
        dialog.open()

    def _reporting_errors(self, action: Callable[[Path], object], argument: Path, what: str = "Export failed") -> None:
        try:
            action(argument)
        except (ContractError, OSError) as error:
            self.show_message(f"{what}: {error}")

    # Closing.

    def may_close(self) -> bool:
        """True when the window may close now; else asks (non-modally) and closes again after the answer."""
        if self._close_answered or not self.document.is_modified:
            return True
        if self.close_prompt is None:
            box = QMessageBox(QMessageBox.Icon.Question, "Unsaved edits",
                              f"Save your edits to {self.document.opened.title} before closing?",
                              QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                              | QMessageBox.StandardButton.Cancel, self.window)  # fmt: skip
            box.setInformativeText("Discarded edits are gone for good; the recovery copy is removed too.")
            box.finished.connect(self._on_close_answer)
            self.close_prompt = box
            box.open()
        return False

    def _on_close_answer(self, result: int) -> None:
        box, self.close_prompt = self.close_prompt, None
        button = box.standardButton(box.clickedButton()) if box is not None and box.clickedButton() else None
        if button == QMessageBox.StandardButton.Save and self.save():
            self._close_answered = True
        elif button == QMessageBox.StandardButton.Discard:
            self.autosave.discard()
            self._close_answered = True
        if self._close_answered:
            self.window.close()
