"""Autosave of a timeline's edits: each edit journaled at once, and the recovery file (the journal's
compaction) written shortly after edits stop, and at least every 30 s.

A document that is back to what is on disk (saved, or undone to it) has no
recovery file and no journal; one that differs always has both up to date
between them, so a crash at any moment loses no edit.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from metavis_gui.contract import ContractError
from metavis_gui.timeline.autosave_store import journal_path_for, remove_recovery, write_recovery
from metavis_gui.timeline.edit_journal import EditJournal, JournalBase, splice_of_change
from metavis_gui.timeline.transcript_change import TranscriptChange
from metavis_gui.timeline.word_record_conversion import WordRecordCache
from metavis_gui.ui.timeline.timeline_document import TimelineDocument

PERIOD_MS = 30_000
AFTER_EDIT_MS = 2_000


class TimelineAutosave(QObject):
    recovery_written = Signal(object)  # Path
    recovery_failed = Signal(str)

    def __init__(
        self,
        document: TimelineDocument,
        media_path: Path | None,
        period_ms: int = PERIOD_MS,
        after_edit_ms: int = AFTER_EDIT_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.media_path = media_path
        self._unsaved_changes = document.is_modified
        self._after_edit = QTimer(self)
        self._after_edit.setSingleShot(True)
        self._after_edit.setInterval(after_edit_ms)
        self._after_edit.timeout.connect(self.write_now)
        self._period = QTimer(self)
        self._period.setInterval(period_ms)
        self._period.timeout.connect(self.write_now)
        self._period.start()
        self.journal = EditJournal(journal_path_for(document.opened.words_path), document.opened.words_path,
                                   media_path)  # fmt: skip
        # The tick span every change since the last journaled edit lies in (previews and their cancels too).
        self._unjournaled_span: tuple[int, int] | None = None
        base_file = self._words_file_base()
        if base_file is None:
            self.journal.start_from(document.records())  # restored edits: the header will hold them
        else:
            self._restart_journal(base_file)
        document.transcript_changed.connect(self._on_changed)
        document.modified_changed.connect(self._on_modified_changed)
        # Every push (merged bursts too), undo and redo; drag previews never reach the stack.
        document.undo_stack.indexChanged.connect(self._journal_edit)
        if self._unsaved_changes:
            self._after_edit.start()

    def write_now(self) -> None:
        if not self._unsaved_changes:
            return
        if not self.document.is_modified:
            self.discard()
            return
        records = self.document.records()
        joins = tuple(self.document.transcript.word_joins())
        try:
            path = write_recovery(self.document.opened.words_path, self.media_path, records, joins)
        except (OSError, ContractError) as error:
            self.recovery_failed.emit(f"Could not write the recovery file: {error}")
            return
        self.journal.clear(records, JournalBase.of("recovery", path))  # it now holds every journaled edit
        self._unjournaled_span = None
        self._unsaved_changes = False
        self.recovery_written.emit(path)

    def discard(self) -> None:
        """The edits are saved or deliberately dropped: nothing to recover."""
        self._after_edit.stop()
        self._unsaved_changes = False
        self.journal.clear()
        self._restart_journal(self._words_file_base())
        remove_recovery(self.document.opened.words_path)

    def _words_file_base(self) -> JournalBase | None:
        """The saved words file, when it holds exactly the document's words (nothing unsaved)."""
        if self.document.is_modified:
            return None
        return JournalBase.of("words", self.document.opened.words_path)

    def _restart_journal(self, base_file: JournalBase | None) -> None:
        """The next journal starts from the words as they are now; their records are made only if it must copy
        them (the base file changed before the first edit), from a snapshot of the words, so this costs no export."""
        words = list(self.document.transcript)
        self.journal.start_from_later(len(words), lambda: WordRecordCache().records_for(words), base_file)
        self._unjournaled_span = None

    def stop(self) -> None:
        self._after_edit.stop()
        self._period.stop()

    def _journal_edit(self, index: int) -> None:
        if not self.document.is_modified:
            return  # back to what is on disk: discard() removes the journal
        if self._unjournaled_span is None:
            return
        start_ticks, end_ticks = self._unjournaled_span
        self.journal.media_path = self.media_path
        try:
            transcript = self.document.transcript
            self.journal.record_splice(
                *splice_of_change(transcript, start_ticks, end_ticks, self.journal.word_count), transcript.word_joins()
            )
            self._unjournaled_span = None
        except OSError as error:
            self.recovery_failed.emit(f"Could not journal the edit: {error}")

    def _on_changed(self, change: TranscriptChange) -> None:
        if not change.is_empty:
            span = self._unjournaled_span or (change.start_ticks, change.end_ticks)
            self._unjournaled_span = (min(span[0], change.start_ticks), max(span[1], change.end_ticks))
        self._unsaved_changes = True
        self._after_edit.start()

    def _on_modified_changed(self, modified: bool) -> None:
        if not modified:
            self.discard()
