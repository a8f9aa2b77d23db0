"""The transcription window: drop media, pick engine and model, watch the queue, read the words as they come."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from metavis_gui.contract import WORDS_FILE_NAME, ContractError, read_words_jsonl
from metavis_gui.engines.engine_command import CoreMLComputeUnits
from metavis_gui.jobs.queue_persistence import QueuePersistence
from metavis_gui.jobs.transcription_queue import JobStatus, QueuedJob, TranscriptionQueue
from metavis_gui.jobs.transcription_request import AlignMode
from metavis_gui.ui import window_settings as keys
from metavis_gui.ui.about_dialog import AboutDialog
from metavis_gui.ui.desktop_open import show_folder
from metavis_gui.ui.job_details_panel import JobDetailsPanel
from metavis_gui.ui.media_drop_zone import MediaDropZone, accept_if_files, dropped_locations
from metavis_gui.ui.media_selection import FILE_DIALOG_FILTER, describe_refusal, select_media
from metavis_gui.ui.queue_table_model import QueueTableModel
from metavis_gui.ui.queue_table_view import QueueTableView
from metavis_gui.ui.retranscribe_guard import RetranscribeGuard
from metavis_gui.ui.timeline import TimelineWindow, open_timeline, open_timeline_windows
from metavis_gui.ui.transcription_options_panel import TranscriptionOptionsPanel

TICK_MILLISECONDS = 500


class MainWindow(QMainWindow):
    def __init__(
        self, settings: QSettings | None = None, queue: TranscriptionQueue | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(keys.APPLICATION_NAME)
        self.setAcceptDrops(True)
        self.settings = settings if settings is not None else QSettings(keys.ORGANIZATION_NAME, keys.APPLICATION_NAME)
        # Rows and measured engine speeds outlive the window (jobs/queue_persistence.py).
        self.queue = queue if queue is not None else TranscriptionQueue(self, QueuePersistence(self.settings))
        self.open_in_timeline: Callable[[Path], None] = self.open_transcript_in_timeline
        self.open_transcript_dialog: QFileDialog | None = None
        self.open_files_dialog: QFileDialog | None = None
        self._closed: asyncio.Future[None] | None = None
        self._is_closed = False
        self._quit_prompt: QWidget | None = None  # the unsaved-edits question a quit waits on
        self._final_texts: dict[int, str] = {}
        self.retranscribe_guard = RetranscribeGuard(self, self.show_notice)

        self.drop_zone = MediaDropZone()
        self.options_panel = TranscriptionOptionsPanel()
        self.notice_label = QLabel()
        self.notice_label.setAccessibleName("Notice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_label.hide()
        self.queue_model = QueueTableModel(self.queue, self)
        self.queue_view = QueueTableView(self.queue_model)
        self.details_panel = JobDetailsPanel()
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setAccessibleName("Queue and details divider")
        self.splitter.setChildrenCollapsible(False)
        self._build_actions()
        self._build_layout()
        self._restore_settings()
        self._connect()
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MILLISECONDS)
        self._ticker.timeout.connect(self.queue_model.refresh_running)
        self._ticker.start()
        self._update_actions()

    def closed_future(self) -> asyncio.Future[None]:
        """Done once the window has closed: app.main runs the qasync loop until then."""
        if self._closed is None:
            self._closed = asyncio.get_event_loop().create_future()
            if self._is_closed:
                self._closed.set_result(None)
        return self._closed

    def add_media_paths(self, paths: Iterable[Path], remote: Sequence[str] = ()) -> list[int]:
        """Queue the media among paths (folders searched), open the transcripts among them in the timeline, and
        say in the notice what was not added."""
        selection = select_media(Path(path) for path in paths)
        waiting = {job.media_path for job in self.queue.jobs() if not job.status.is_over}
        fresh = [path for path in selection.media if path not in waiting]
        settings = self.options_panel.job_settings()
        free, edited = self.retranscribe_guard.set_aside_edited(fresh, settings.output_folder)  # hand edits: ask
        added = self.queue.add_files(free, settings) if free else []
        if edited:
            self.retranscribe_guard.ask(edited, lambda media: self.queue.add_files(media, settings))
        notices = [describe_refusal(selection)]
        if len(fresh) < len(selection.media):
            already = ", ".join(path.name for path in selection.media if path in waiting)
            notices.append(f"Already in the queue: {already}.")
        if remote:
            notices.append(f"Not a file on this computer, so not added: {', '.join(remote)}.")
        if not selection.media and not selection.refused and not selection.missing and not selection.transcripts:
            notices.append("No audio or video files found there.")
        self.show_notice(" ".join(notice for notice in notices if notice))
        for transcript in selection.transcripts:
            self.open_transcript_in_timeline(transcript)
        if added:
            self.statusBar().showMessage(f"Added {len(added)} file{'s' if len(added) != 1 else ''} to the queue.", 5000)
            if self.queue_view.current_job_id() is None:
                self.queue_view.select_job(self.queue_model.row_of(added[0]) or 0)
        return added

    def show_notice(self, text: str) -> None:
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))

    def open_files(self) -> None:
        # open(), not exec(): a nested event loop inside the qasync loop would stall running jobs.
        dialog = QFileDialog(self, "Add media files to transcribe")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter(FILE_DIALOG_FILTER)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filesSelected.connect(lambda files: self.add_media_paths(Path(file) for file in files))
        self.open_files_dialog = dialog
        dialog.open()

    def open_output_folder(self, folder: Path) -> None:
        if not show_folder(folder):
            self.statusBar().showMessage(f"Could not open a file manager on {folder}", 8000)

    def cancel_selected(self) -> None:
        for job_id in self.queue_view.selected_job_ids():
            self.queue.cancel(job_id)

    def retry_selected(self) -> None:
        for job_id in self.queue_view.selected_job_ids():
            job = self.queue.job(job_id)
            if job is None or job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
                continue
            free, edited = self.retranscribe_guard.set_aside_edited([job.media_path], job.settings.output_folder)
            if free:
                self.queue.retry(job_id)
            elif edited:
                self.retranscribe_guard.ask(edited, lambda media, job_id=job_id: self.queue.retry(job_id))

    def remove_selected(self) -> None:
        for job_id in self.queue_view.selected_job_ids():
            self.queue.remove(job_id)

    def shown_job(self) -> QueuedJob | None:
        """The selected job, or else the one running, so the text pane always has something to say."""
        selected = self.queue_view.current_job_id()
        return self.queue.job(selected) if selected is not None else self.queue.running_job()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        accept_if_files(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        accept_if_files(event)

    def dropEvent(self, event: QDropEvent) -> None:
        local, remote = dropped_locations(event.mimeData())
        if local:
            event.acceptProposedAction()
            self.add_media_paths(local, remote)

    def changeEvent(self, event: QEvent) -> None:
        # Models may have been installed while the window was in the background.
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.options_panel.refresh()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # A timeline with unsaved edits refuses and asks; its answer carries the quit on, Cancel ends it.
        refusing = next((timeline for timeline in open_timeline_windows() if not timeline.close()), None)
        if refusing is not None:
            event.ignore()
            self._quit_after_answer(refusing)
            return
        self._save_window_state()
        self.queue.cancel_all()  # the engine is killed and nothing partial is written
        self._is_closed = True
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)
        super().closeEvent(event)

    def _quit_after_answer(self, timeline: TimelineWindow) -> None:
        prompt = timeline.files.close_prompt
        if prompt is None or prompt is self._quit_prompt:
            return
        self._quit_prompt = prompt

        def answered() -> None:  # runs after the timeline has acted on the answer
            self._quit_prompt = None
            if not timeline.isVisible():
                QTimer.singleShot(0, self.close)  # the next timeline with edits asks in turn

        prompt.finished.connect(answered)

    def _build_actions(self) -> None:
        def action(text: str, shortcut: QKeySequence | str, slot: Callable[[], None], tip: str) -> QAction:
            created = QAction(text, self)
            created.setShortcut(QKeySequence(shortcut))
            created.setToolTip(f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
            created.triggered.connect(slot)
            self.addAction(created)
            return created

        self.open_action = action("&Open…", QKeySequence.StandardKey.Open, self.open_files, "Add media files")
        self.open_transcript_action = action(
            "Open &transcript…",
            "Ctrl+Shift+O",
            self.choose_transcript,
            "Open a transcript.words.v1.jsonl in the timeline",
        )
        self.quit_action = action("&Quit", "Ctrl+Q", self.close, "Quit; running jobs are cancelled")
        self.cancel_action = action("&Cancel", "Ctrl+.", self.cancel_selected, "Cancel the selected jobs")
        self.cancel_all_action = action("Cancel &all", "Ctrl+Shift+.", self.queue.cancel_all, "Cancel every job")
        self.retry_action = action("&Retry", "Ctrl+R", self.retry_selected, "Queue the selected jobs again")
        self.remove_action = action("Remo&ve", QKeySequence.StandardKey.Delete, self.remove_selected, "Remove rows")
        # Delete acts on the queue only while it has focus, never on text selected elsewhere.
        self.removeAction(self.remove_action)
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.queue_view.addAction(self.remove_action)
        choose_output = action("Output &folder…", "Ctrl+Shift+F", self.options_panel.choose_output_folder,
                               "Choose where transcripts are written")  # fmt: skip
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([self.open_action, self.open_transcript_action, choose_output])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        queue_menu = self.menuBar().addMenu("&Queue")
        queue_menu.addActions([self.cancel_action, self.cancel_all_action, self.retry_action, self.remove_action])
        self.about_action = QAction("&About MetaVis Transcribe", self)
        self.about_action.setToolTip("The version, and the licences of the software it ships")
        self.about_action.triggered.connect(self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)  # macOS puts it in the application menu
        self.menuBar().addMenu("&Help").addAction(self.about_action)

    def show_about(self) -> None:
        AboutDialog(self).open()

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        for queue_action in (self.cancel_action, self.cancel_all_action, self.retry_action, self.remove_action):
            button = QToolButton()
            button.setDefaultAction(queue_action)
            button.setAccessibleName(queue_action.text().replace("&", ""))
            buttons.addWidget(button)
        buttons.addStretch(1)
        queue_box = QWidget()
        queue_layout = QVBoxLayout(queue_box)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        queue_layout.addWidget(self.queue_view)
        queue_layout.addLayout(buttons)
        self.splitter.addWidget(queue_box)
        self.splitter.addWidget(self.details_panel)
        top = QHBoxLayout()
        top.addWidget(self.drop_zone, 3)
        top.addWidget(self.options_panel, 2)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _connect(self) -> None:
        self.drop_zone.paths_dropped.connect(self.add_media_paths)
        self.drop_zone.open_requested.connect(self.open_files)
        self.options_panel.options_changed.connect(self._save_options)
        for changed in (self.queue.job_added, self.queue.job_retried, self.queue.job_finished, self.queue.job_failed,
                        self.queue.job_cancelled, self.queue.job_removed):  # fmt: skip
            changed.connect(self._on_job_changed)
        self.queue.job_progressed.connect(lambda job_id, fraction: self._on_job_changed(job_id))
        self.queue.job_text_recognised.connect(self.details_panel.append_text)
        self.queue.job_retried.connect(lambda job_id: self._final_texts.pop(job_id, None))
        self.queue_view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.queue_view.activated.connect(lambda index: self._open_finished(self.details_panel.shown_job_id))
        self.details_panel.timeline_requested.connect(lambda folder: self.open_in_timeline(folder))
        self.details_panel.folder_requested.connect(self.open_output_folder)

    def _on_job_changed(self, job_id: int) -> None:
        self._show_details(self.shown_job())
        self._update_actions()

    def _on_selection_changed(self) -> None:
        self._show_details(self.shown_job())
        self._update_actions()

    def _show_details(self, job: QueuedJob | None) -> None:
        final_text = self._final_text(job) if job is not None and job.status is JobStatus.DONE else None
        self.details_panel.show_job(job, final_text)

    def _final_text(self, job: QueuedJob) -> str | None:
        """The written transcript's words: what the engine printed live may be incomplete."""
        if job.job_id not in self._final_texts:
            try:
                records = read_words_jsonl(job.output_dir / WORDS_FILE_NAME).records
            except (ContractError, OSError):
                return None
            self._final_texts[job.job_id] = " ".join(record.word for record in records)
        return self._final_texts[job.job_id]

    def open_transcript_in_timeline(self, words_path_or_folder: Path) -> None:
        try:
            open_timeline(words_path_or_folder)
        except (ContractError, OSError) as error:
            self.show_notice(str(error))

    def choose_transcript(self) -> None:
        dialog = QFileDialog(self, "Open a transcript")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(["Word transcripts (*.jsonl)", "All files (*)"])
        dialog.fileSelected.connect(lambda path: self.open_transcript_in_timeline(Path(path)))
        self.open_transcript_dialog = dialog
        dialog.open()  # never exec() under qasync

    def _open_finished(self, job_id: int | None) -> None:
        job = self.queue.job(job_id) if job_id is not None else None
        if job is not None and job.status is JobStatus.DONE:
            self.open_in_timeline(job.output_dir)

    def _update_actions(self) -> None:
        selected = [job for job_id in self.queue_view.selected_job_ids() if (job := self.queue.job(job_id))]
        self.cancel_action.setEnabled(any(not job.status.is_over for job in selected))
        self.cancel_all_action.setEnabled(any(not job.status.is_over for job in self.queue.jobs()))
        self.retry_action.setEnabled(any(job.status in (JobStatus.FAILED, JobStatus.CANCELLED) for job in selected))
        self.remove_action.setEnabled(bool(selected))

    def _restore_settings(self) -> None:
        engine, model = keys.read_text(self.settings, keys.ENGINE_KEY), keys.read_text(self.settings, keys.MODEL_KEY)
        language = keys.read_text(self.settings, keys.LANGUAGE_KEY)
        if engine:
            self.options_panel.set_engine(engine)
        if model:
            self.options_panel.set_model(model)
        if language:
            self.options_panel.set_language(language)
        if keys.read_text(self.settings, keys.ALIGN_KEY) == AlignMode.OFF.value:
            self.options_panel.set_align_mode(AlignMode.OFF)
        units = keys.read_text(self.settings, keys.COREML_COMPUTE_UNITS_KEY)
        if units in {member.value for member in CoreMLComputeUnits}:
            self.options_panel.set_coreml_compute_units(CoreMLComputeUnits(units))
        self.options_panel.set_output_folder(keys.read_output_folder(self.settings))
        geometry = keys.read_bytes(self.settings, keys.GEOMETRY_KEY)
        if geometry is None or not self.restoreGeometry(geometry):
            available = self.screen().availableGeometry()
            self.resize(
                min(self.fontMetrics().averageCharWidth() * 180, available.width() * 9 // 10),
                min(self.fontMetrics().height() * 56, available.height() * 9 // 10),
            )
        splitter_state = keys.read_bytes(self.settings, keys.SPLITTER_KEY)
        if splitter_state is None or not self.splitter.restoreState(splitter_state):
            self.splitter.setSizes([1000, 1000])

    def _save_options(self) -> None:
        self.settings.setValue(keys.ENGINE_KEY, self.options_panel.engine())
        self.settings.setValue(keys.MODEL_KEY, self.options_panel.model())
        self.settings.setValue(keys.LANGUAGE_KEY, self.options_panel.preferred_language())
        self.settings.setValue(keys.ALIGN_KEY, self.options_panel.align_mode().value)
        self.settings.setValue(keys.COREML_COMPUTE_UNITS_KEY, self.options_panel.coreml_compute_units().value)
        keys.write_output_folder(self.settings, self.options_panel.output_folder())

    def _save_window_state(self) -> None:
        self._save_options()
        self.settings.setValue(keys.GEOMETRY_KEY, self.saveGeometry())
        self.settings.setValue(keys.SPLITTER_KEY, self.splitter.saveState())
        self.settings.sync()
