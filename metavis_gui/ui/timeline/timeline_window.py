"""TimelineWindow: one transcript's timeline, text, player, checks and find/replace, wired to one document.

The window only connects parts: edits go through `TimelineEditor` into the
document's undo stack, and every view listens to `transcript_changed`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QListWidget,
    QMainWindow,
    QWidget,
)

from metavis_gui.contract import TICKS_PER_SECOND, WordRecord
from metavis_gui.jobs.waveform_job import AudioStage, MediaAudio
from metavis_gui.media.errors import MediaError
from metavis_gui.media.waveform_peaks import WaveformPeaks
from metavis_gui.timeline.edit_journal import WordJoins
from metavis_gui.timeline.editable_word import WordEdge, WordKey
from metavis_gui.timeline.speech_envelope import SpeechEnvelope
from metavis_gui.timeline.timing_checks import TimingProblem
from metavis_gui.timeline.transcript_files import OpenedTranscript
from metavis_gui.ui.timeline import timeline_actions
from metavis_gui.ui.timeline.checks_panel import ChecksPanel
from metavis_gui.ui.timeline.clip_frame_rate import FRAME_RATE_ERRORS, read_clip_frame_rate
from metavis_gui.ui.timeline.find_replace_panel import FindReplacePanel
from metavis_gui.ui.timeline.ruler_choice import RulerChoice
from metavis_gui.ui.timeline.timeline_autosave import TimelineAutosave
from metavis_gui.ui.timeline.timeline_document import TimelineDocument
from metavis_gui.ui.timeline.timeline_editor import TimelineEditor
from metavis_gui.ui.timeline.timeline_file_commands import TimelineFileCommands
from metavis_gui.ui.timeline.timeline_layout import lay_out
from metavis_gui.ui.timeline.timeline_panel import TimelinePanel
from metavis_gui.ui.timeline.timeline_player import PLAYBACK_RATES, TimelinePlayer
from metavis_gui.ui.timeline.timeline_preferences import POST_ROLL_KEY, PRE_ROLL_KEY, read_milliseconds
from metavis_gui.ui.timeline.timeline_realignment import realign_words, words_to_realign
from metavis_gui.ui.timeline.timeline_settings_menu import build_settings_menus
from metavis_gui.ui.timeline.timeline_shuttle import TimelineShuttle
from metavis_gui.ui.timeline.timeline_view_memory import TimelineViewMemory
from metavis_gui.ui.timeline.transcript_text_view import TranscriptTextView
from metavis_gui.ui.timeline.video_preview import VideoPreviewDock
from metavis_gui.ui.timeline.word_inline_editor import WordInlineEditor
from metavis_gui.ui.timeline.word_inspector import NUDGE_ACTION_NAMES, WordInspector, inspector_dock

CONTEXT_TICKS = TICKS_PER_SECOND // 2  # "play 500 ms before / after"
SCRUB_TICKS = TICKS_PER_SECOND * 8 // 100  # dragging the playhead plays 80 ms at each place it passes


class TimelineWindow(QMainWindow):
    waveform_loaded = Signal()
    current_word_changed = Signal(object)  # WordKey or None: the word under the playhead
    closed = Signal()

    def __init__(
        self,
        opened: OpenedTranscript,
        restored_records: list[WordRecord] | None = None,
        parent: QWidget | None = None,
        open_words: Callable[[Path], object] | None = None,
        restored_word_joins: WordJoins | None = None,
    ) -> None:
        """`open_words` is what File > Open calls with the chosen words file (None: no Open); `restored_records`
        and `restored_word_joins`: edits restored after a crash, and their split marks when recorded."""
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.document = TimelineDocument(opened, restored_records, self, restored_word_joins)
        self.editor = TimelineEditor(self.document)
        self.panel = TimelinePanel(self.document, self)
        self.view = self.panel.view
        self.text_view = TranscriptTextView(self.document, self)
        self.checks = ChecksPanel(self.document, self)
        self.find_panel = FindReplacePanel(self.editor, self)
        self.line_problems = QListWidget(self)
        self.inline_editor = WordInlineEditor(self.view)
        self.player: TimelinePlayer = TimelinePlayer(None, self.document.transcript.duration_ticks, self)
        self.shuttle = TimelineShuttle(lambda: self.player, self._show_speed, self)
        self.video_dock = VideoPreviewDock(self)
        self.audio: MediaAudio | None = None
        self.peaks: WaveformPeaks | None = None
        self.autosave = TimelineAutosave(self.document, opened.media_path, parent=self)
        self.files = TimelineFileCommands(self, self.document, self.autosave, self.show_message, self.set_media,
                                          open_words)  # fmt: skip
        self._playing_key: WordKey | None = None
        self._background_tasks: set[asyncio.Future] = set()
        self.side_tabs, self.progress, self.status_label = lay_out(
            self, opened, timeline=self.panel, text_view=self.text_view, checks=self.checks,
            find_panel=self.find_panel, line_problems=self.line_problems)  # fmt: skip
        self.actions_by_name = timeline_actions.build_actions(self, timeline_actions.handlers_for(self))
        self.actions_by_name["open"].setEnabled(open_words is not None)
        self.speed_box, self.nudge_box, self.ruler_box = timeline_actions.build_toolbar(self, self.actions_by_name)
        self.ruler = RulerChoice(self.ruler_box, self)  # it keeps the clip's frame rate too
        self.inspector = WordInspector(self.document, self.editor, lambda: self.view.ruler_format.frames_per_second,
                                       self.show_message, self.view.setFocus, self,
                                       lambda: self.clip_frames_per_second)  # fmt: skip
        self.inspector.add_nudge_buttons([self.actions_by_name[name] for name in NUDGE_ACTION_NAMES])
        self.inspector_dock = inspector_dock(self.inspector, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.inspector_dock)
        timeline_actions.menu_titled(self, "&View").addAction(self.inspector_dock.toggleViewAction())
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.video_dock)
        self.video_dock.hide()
        timeline_actions.menu_titled(self, "&View").addAction(self.video_dock.toggleViewAction())
        self.setting_choices = build_settings_menus(self, self.view)
        self._connect()
        self.view_memory = TimelineViewMemory(self.document, self.view, self.ruler, self.show_message)
        self.view_memory.restore()
        if self.document.word_joins_problem is not None:
            self.show_message(self.document.word_joins_problem)
        self.set_media(opened.media_path)
        self._update_title()

    # Media and audio.

    @property
    def clip_frames_per_second(self) -> float | None:
        """The media's video frame rate once ffprobe has read it; None before, and for sound only."""
        return self.ruler.clip_frames_per_second

    def set_media(self, media_path: Path | None) -> None:
        """Play and draw this media (None: silent clock, no waveform)."""
        self.document.opened.media_path = media_path
        self.autosave.media_path = media_path
        self.shuttle.stop()
        self.player.close()
        self.player = TimelinePlayer(media_path, self.document.transcript.duration_ticks, self)
        self.video_dock.media_has_video(False)
        self.player.video_availability_changed.connect(self._on_video_availability)
        self.player.position_changed.connect(self._on_position_changed)
        self.player.playback_failed.connect(lambda text: self.show_message(f"Playback: {text}"))
        self.player.set_rate(PLAYBACK_RATES[self.speed_box.currentIndex()])
        if self.audio is not None:
            self.audio.close()
        self.audio = MediaAudio(media_path, self.document.opened.summary.duration_seconds
                                if self.document.opened.summary else None) if media_path else None  # fmt: skip
        self.ruler.set_clip_rate(None)
        if self.audio is not None and media_path is not None:
            self.run_in_background(self._load_media_details(self.audio, media_path))
        else:
            self.checks.check_soon()
        self._update_title()

    async def _load_media_details(self, audio: MediaAudio, media_path: Path) -> None:
        """The waveform first (what the opening waits for), then the frame rate (ffprobe, for timecodes)."""
        await self._load_waveform(audio)
        self.checks.check_soon()  # the window is open: the checks' pass no longer delays it
        await self._read_frame_rate(media_path)

    async def _read_frame_rate(self, media_path: Path) -> None:
        try:
            rate = await read_clip_frame_rate(media_path)
        except FRAME_RATE_ERRORS as error:
            self.show_message(f"Frame rate not read ({error}); timecodes use the ruler's rate")
            return
        if media_path == self.document.opened.media_path:
            self.ruler.set_clip_rate(rate)  # the ruler, the frame nudges and the inspector follow it

    async def _load_waveform(self, audio: MediaAudio) -> None:
        try:
            peaks = await audio.peaks(self._show_audio_progress)
        except (MediaError, OSError, ValueError) as error:
            self.show_message(f"No waveform: {error}")
            self.progress.hide()
            return
        if audio is self.audio:
            self.peaks = peaks
            self.view.set_peaks(peaks)
            self.progress.hide()
            self.waveform_loaded.emit()

    async def speech_envelope(self) -> SpeechEnvelope | None:
        if self.audio is None:
            self.show_message("Snapping needs the media: open it first")
            return None
        try:
            envelope = await self.audio.speech_envelope(self._show_audio_progress)
        except (MediaError, OSError, ValueError) as error:
            self.show_message(f"Cannot read the audio: {error}")
            return None
        finally:
            self.progress.hide()
        return envelope

    async def snap_selected_boundary(self) -> bool:
        envelope = await self.speech_envelope()
        return envelope is not None and self.editor.snap_selected(envelope)

    async def refine_all_boundaries(self) -> bool:
        envelope = await self.speech_envelope()
        changed = envelope is not None and self.editor.refine_all(envelope)
        if envelope is not None:
            self.show_message("Refined the boundaries (Ctrl+Z undoes it)" if changed else "No boundary needed moving")
        return changed

    async def realign(self, selection_only: bool) -> bool:
        if self.audio is None:
            self.show_message("Re-align needs the media: open it first")
            return False
        keys = self.document.selection.keys if selection_only else None
        words = words_to_realign(self.document, keys)
        try:
            return await realign_words(
                self.document, self.audio, words, self._show_audio_progress, self._show_alignment_progress,
                self.show_message,
            )  # fmt: skip
        finally:
            self.progress.hide()

    def _show_alignment_progress(self, fraction: float) -> None:
        self.progress.setFormat("Aligning words %p%")
        self.progress.setValue(round(fraction * 100))
        self.progress.show()

    def _show_audio_progress(self, stage: AudioStage, fraction: float) -> None:
        self.progress.setFormat(f"{stage.value} %p%")
        self.progress.setValue(round(fraction * 100))
        self.progress.show()

    def run_in_background(self, coroutine: Coroutine[Any, Any, object]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)

    # Playback.

    def _on_position_changed(self, ticks: int) -> None:
        index = self.document.transcript.index_at_tick(ticks)
        key = self.document.transcript[index].key if index is not None else None
        self.view.set_playhead(ticks, key)
        if self.player.is_playing:
            self.view.follow(ticks)
        self.text_view.set_playing_word(key, follow=self.player.is_playing)
        if key != self._playing_key:
            self._playing_key = key
            self.current_word_changed.emit(key)

    def _selected_span(self) -> tuple[int, int] | None:
        words = [self.document.transcript.word(key) for key in self.document.selection.keys
                 if key in self.document.transcript]  # fmt: skip
        if not words:
            return None
        return min(word.start_ticks for word in words), max(word.end_ticks for word in words)

    def play_selection(self, offset: str = "word") -> None:
        span = self._selected_span()
        if span is None:
            self.player.toggle()
            return
        start, end = span
        if offset == "word":  # the pre/post roll chosen in Settings, for context around the words
            start = max(0, start - read_milliseconds(PRE_ROLL_KEY, 0) * TICKS_PER_SECOND // 1000)
            end += read_milliseconds(POST_ROLL_KEY, 0) * TICKS_PER_SECOND // 1000
        elif offset == "before":
            start, end = max(0, start - CONTEXT_TICKS), start
        elif offset == "after":
            start, end = end, end + CONTEXT_TICKS
        self.player.play_range(start, end, loop=offset == "word" and self.actions_by_name["loop"].isChecked())

    def loop_toggled(self) -> None:
        """Loop on: the selection starts playing over and over; off: the current round is the last."""
        if not self.actions_by_name["loop"].isChecked():
            self.player.set_loop(False)
        elif self._selected_span() is not None:
            self.play_selection()
        else:
            self.show_message("Loop selection: select the words to loop first")

    def scrub(self, ticks: int) -> None:
        """The playhead dragged to `ticks`: play a moment of sound there, as a tape scrubbed by hand."""
        self.shuttle.stop()
        self.player.play_range(ticks, ticks + SCRUB_TICKS)

    def _on_video_availability(self, has_video: bool) -> None:
        # Attached only to media with a picture: detaching a video output later can hang Qt's FFmpeg backend.
        if has_video:
            self.player.set_video_output(self.video_dock.video_widget)
        self.video_dock.media_has_video(has_video)

    def _show_speed(self, rate: float) -> None:
        self.speed_box.setCurrentIndex(PLAYBACK_RATES.index(rate))  # the box sets the player's rate

    def seek_to_word(self, key: WordKey) -> None:
        self.view.show_word(key)
        self.player.seek(self.document.transcript.word(key).start_ticks)

    def _show_stepped_word(self) -> None:
        """The word stepped to with the keyboard comes into view (the timeline pages to it) and, paused, under
        the playhead."""
        key = self.document.selection.current_key
        if key is not None and key in self.document.transcript:
            self.view.show_word(key)
        self._seek_paused_to_selected("start")

    def _seek_paused_to_selected(self, edge: WordEdge) -> None:
        # Paused, the playhead (and the video preview) follows the word stepped to or the time typed; playing,
        # it plays on.
        key = self.document.selection.current_key
        if not self.player.is_playing and key is not None and key in self.document.transcript:
            self.player.seek(self.document.transcript.word(key).edge_ticks(edge))

    # Editing that needs the window (inline editor, playhead, panels).

    def start_retype(self, key: WordKey | None = None) -> None:
        key = key if key is not None else self.document.selection.current_key
        if key is None or key not in self.document.transcript:
            return
        self.document.selection.select_one(key)
        self.view.show_word(key)
        self.inline_editor.start(self.view.word_box(key), self.document.transcript.word(key).text,
                                 lambda text: self.editor.retype(key, text))  # fmt: skip

    def start_split_at_letter(self) -> None:
        """The inline editor on the current word, caret at the playhead's letter (or the middle); Enter splits there."""
        key = self.document.selection.current_key
        if key is None or key not in self.document.transcript:
            self.show_message("Select a word first (click it, or Ctrl+Right)")
            return
        word = self.document.transcript.word(key)
        playhead = self.player.position_ticks
        inside = word.start_ticks < playhead < word.end_ticks
        fraction = (playhead - word.start_ticks) / word.duration_ticks if inside else 0.5
        self.view.show_word(key)
        self.show_message(f"Split {word.text!r}: put the cursor where it splits, then Enter (Escape cancels)")
        self.inline_editor.start(
            self.view.word_box(key), word.text,
            lambda text: self.editor.split_at_letter(key, text, self.inline_editor.cursorPosition(),
                                                     self.player.position_ticks),
            cursor=round(fraction * len(word.text)),
        )  # fmt: skip

    def start_insert(self) -> None:
        gap = self.editor.gap_for_insert(self.player.position_ticks)
        if gap is None:
            self.show_message("No gap here: put the playhead in a pause, or select the word before one")
            return
        start, end = gap
        lane = self.view.word_lane()
        x0, x1 = self.view.scale.x_of(start), self.view.scale.x_of(end)
        lane.setLeft(x0)
        lane.setWidth(max(x1 - x0, 1.0))
        self.inline_editor.start(lane, "", lambda text: self.editor.insert_word(text, start, end))

    def jump_to_problem(self, problem: TimingProblem) -> None:
        if problem.word_key in self.document.transcript:
            self.document.selection.select_one(problem.word_key)
            self.seek_to_word(problem.word_key)

    def next_problem(self) -> None:
        current = self.document.selection.current_key
        tick = self.document.transcript.word(current).start_ticks if current in self.document.transcript else -1
        if self.checks.next_problem(tick) is None:
            self.show_message("No timing problems")
        self.side_tabs.setCurrentWidget(self.checks)

    def show_message(self, text: str) -> None:
        self.status_label.setText(text)

    # Wiring.

    def _connect(self) -> None:
        self.view.seek_requested.connect(lambda ticks: self.player.seek(ticks))
        self.view.scrub_requested.connect(self.scrub)
        self.view.retype_requested.connect(self.start_retype)
        self.text_view.word_clicked.connect(self.seek_to_word)
        for name in ("previous_word", "next_word"):
            self.actions_by_name[name].triggered.connect(self._show_stepped_word)
        self.inspector.start_field.returnPressed.connect(lambda: self._seek_paused_to_selected("start"))
        self.inspector.end_field.returnPressed.connect(lambda: self._seek_paused_to_selected("end"))
        self.inspector.duration_field.returnPressed.connect(lambda: self._seek_paused_to_selected("end"))
        self.text_view.retype_requested.connect(self.start_retype)
        self.checks.problem_chosen.connect(self.jump_to_problem)
        self.document.edit_rejected.connect(self.show_message)
        self.document.modified_changed.connect(lambda modified: self._update_title())
        self.document.undo_stack.indexChanged.connect(lambda index: self._update_undo_texts())
        self.autosave.recovery_failed.connect(self.show_message)
        self.speed_box.currentIndexChanged.connect(lambda index: self.player.set_rate(PLAYBACK_RATES[index]))
        self.nudge_box.currentTextChanged.connect(self._on_nudge_step_chosen)
        self.ruler.changed.connect(self._on_ruler_changed)
        self._update_undo_texts()

    def show_find(self) -> None:
        self.side_tabs.setCurrentWidget(self.find_panel)
        self.find_panel.find_edit.setFocus()
        self.find_panel.find_edit.selectAll()

    def _on_nudge_step_chosen(self, text: str) -> None:
        if text == "1 frame":
            self.editor.nudge_step_ticks = self.ruler.frame_ticks()
        else:
            self.editor.nudge_step_ticks = int(text.split()[0]) * TICKS_PER_SECOND // 1000

    def _on_ruler_changed(self) -> None:
        self.view.set_ruler_format(self.ruler.ruler_format())
        self._on_nudge_step_chosen(self.nudge_box.currentText())
        self.inspector.refresh()

    def _update_undo_texts(self) -> None:
        stack = self.document.undo_stack
        if not shiboken6.isValid(stack):  # the stack signals from its destructor when the window is collected
            return
        self.actions_by_name["undo"].setText(f"&Undo {stack.undoText()}".rstrip())
        self.actions_by_name["redo"].setText(f"&Redo {stack.redoText()}".rstrip())
        self.actions_by_name["undo"].setEnabled(stack.canUndo())
        self.actions_by_name["redo"].setEnabled(stack.canRedo())

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.document.opened.title}[*] — MetaVis timeline")
        self.setWindowModified(self.document.is_modified)

    # Closing.

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.may_close():
            event.ignore()
            return
        self.view_memory.remember()
        self.autosave.stop()
        self.checks.stop()  # a closed window checks nothing (it lives on until collected)
        self.shuttle.stop()
        self.player.close()
        if self.audio is not None:
            self.audio.close()
        for task in list(self._background_tasks):
            task.cancel()
        self.document.dispose()
        super().closeEvent(event)
        self.closed.emit()
