"""One open transcript: the editable words, the undo stack over the pure commands, the shared selection.

Every change, whether an edit, an undo, a redo or a drag preview, reaches the
views through the one `transcript_changed(change)` signal, and each view
refreshes only what the change names (Anki's change-set).
"""

from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from metavis_gui.contract import WordRecord, WordTimingSource
from metavis_gui.timeline.edit_commands import EditCommand, EditRejected
from metavis_gui.timeline.edit_journal import WordJoins
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.transcript_change import TranscriptChange
from metavis_gui.timeline.transcript_files import OpenedTranscript
from metavis_gui.timeline.word_joins_store import mark_word_joins, restore_word_joins
from metavis_gui.ui.timeline.timeline_undo_command import TimelineUndoCommand
from metavis_gui.ui.timeline.word_selection import WordSelection


class TimelineDocument(QObject):
    transcript_changed = Signal(object)  # TranscriptChange
    modified_changed = Signal(bool)
    edit_rejected = Signal(str)

    def __init__(
        self,
        opened: OpenedTranscript,
        records: list[WordRecord] | None = None,
        parent: QObject | None = None,
        word_joins: WordJoins | None = None,
    ) -> None:
        """`records` (restored edits) replace the opened ones; the document then starts modified. `word_joins`:
        the restored edits' split marks, when their recovery recorded them."""
        super().__init__(parent)
        self.opened = opened
        self.transcript = EditableTranscript.from_word_records(
            opened.records if records is None else records, opened.duration_ticks, opened.timing_sources
        )
        # Split marks (the words file has no room for them): the restored edits' own, else those kept at the last
        # save; a problem reading those is for the window to show.
        self.word_joins_problem: str | None = None
        if word_joins is not None:
            mark_word_joins(self.transcript, word_joins)
        else:
            self.word_joins_problem = restore_word_joins(opened.words_path, self.transcript)
        self.undo_stack = QUndoStack(self)
        self.selection = WordSelection(self)
        self._differs_from_disk = records is not None
        self._preview_inverse: EditCommand | None = None
        self.undo_stack.cleanChanged.connect(lambda clean: self.modified_changed.emit(self._differs_from_disk or not clean))
        self.transcript_changed.connect(self._forget_removed_words)

    @property
    def is_modified(self) -> bool:
        return self._differs_from_disk or not self.undo_stack.isClean()

    def push(self, command: EditCommand, burst_key: Hashable | None = None) -> bool:
        """Apply and record an edit; False (and `edit_rejected`) when the core refused it, or it changed nothing.

        Edits pushed in quick succession with the same `burst_key` become one undo step.
        """
        self.cancel_preview()
        try:
            applied = command.apply(self.transcript)
        except EditRejected as error:
            self.edit_rejected.emit(str(error))
            return False
        if applied.change.is_empty:
            return False
        self.undo_stack.push(TimelineUndoCommand(command, applied, self.transcript, self._report, burst_key))
        return True

    def preview(self, command: EditCommand) -> None:
        """Show an edit while the mouse drags, outside the undo stack; each call replaces the last preview."""
        self.cancel_preview()
        try:
            applied = command.apply(self.transcript)
        except EditRejected:
            return
        if not applied.change.is_empty:
            self._preview_inverse = applied.inverse
            self._report(applied.change)

    def cancel_preview(self) -> None:
        if self._preview_inverse is not None:
            inverse, self._preview_inverse = self._preview_inverse, None
            self._report(inverse.apply(self.transcript).change)

    def mark_saved(self) -> None:
        self._differs_from_disk = False
        self.undo_stack.setClean()
        self.modified_changed.emit(self.is_modified)

    def dispose(self) -> None:
        """Before the window goes: the stack's destructor would otherwise signal views already half gone."""
        self.undo_stack.blockSignals(True)
        self.blockSignals(True)

    def records(self) -> list[WordRecord]:
        return self.transcript.to_word_records()

    def timing_sources(self) -> list[WordTimingSource]:
        return self.transcript.timing_sources()

    def _forget_removed_words(self, change: TranscriptChange) -> None:
        if change.removed_keys:
            self.selection.forget_missing(key for key in self.selection.keys if key in self.transcript)

    def _report(self, change: TranscriptChange) -> None:
        if not change.is_empty:
            self.transcript_changed.emit(change)
