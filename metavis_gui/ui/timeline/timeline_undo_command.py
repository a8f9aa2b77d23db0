"""QUndoStack's view of a pure edit command: applied before it is pushed, so a rejected edit never reaches the stack."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from metavis_gui.timeline.edit_commands import AppliedEdit, EditCommand
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.transcript_change import TranscriptChange

ReportChange = Callable[[TranscriptChange], None]


class TimelineUndoCommand(QUndoCommand):
    """Made from an edit already applied: QUndoStack.push calls redo(), which then only reports the change.

    Exceptions inside redo()/undo() would not reach push() (they are Qt
    virtuals), which is why the first application happens before the push.
    Later redos re-apply the same command to the same state, so they succeed.
    """

    def __init__(
        self, command: EditCommand, applied: AppliedEdit, transcript: EditableTranscript, report: ReportChange
    ) -> None:
        super().__init__(command.description)
        self._command = command
        self._inverse = applied.inverse
        self._pending_change: TranscriptChange | None = applied.change
        self._transcript = transcript
        self._report = report

    def redo(self) -> None:
        if self._pending_change is not None:
            change, self._pending_change = self._pending_change, None
        else:
            applied = self._command.apply(self._transcript)
            self._inverse, change = applied.inverse, applied.change
        self._report(change)

    def undo(self) -> None:
        self._report(self._inverse.apply(self._transcript).change)
