"""QUndoStack's view of a pure edit command: applied before it is pushed, so a rejected edit never reaches the stack."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

from PySide6.QtGui import QUndoCommand

from metavis_gui.timeline.edit_command_base import CommandBatch
from metavis_gui.timeline.edit_commands import AppliedEdit, EditCommand
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.transcript_change import TranscriptChange

ReportChange = Callable[[TranscriptChange], None]

# Key presses of one burst (a nudge repeated with pauses shorter than this) are one undo step.
BURST_SECONDS = 1.5
_MERGEABLE_ID = 1


class TimelineUndoCommand(QUndoCommand):
    """Made from an edit already applied: QUndoStack.push calls redo(), which then only reports the change.

    Exceptions inside redo()/undo() would not reach push() (they are Qt
    virtuals), which is why the first application happens before the push.
    Later redos re-apply the same command to the same state, so they succeed.

    Commands pushed with the same `burst_key` in quick succession merge into
    one step (QUndoStack never merges into the saved state): the merged step
    replays the commands in order and undoes them in reverse.
    """

    def __init__(
        self,
        command: EditCommand,
        applied: AppliedEdit,
        transcript: EditableTranscript,
        report: ReportChange,
        burst_key: Hashable | None = None,
    ) -> None:
        super().__init__(command.description)
        self._command = command
        self._inverse = applied.inverse
        self._pending_change: TranscriptChange | None = applied.change
        self._transcript = transcript
        self._report = report
        self._burst_key = burst_key
        self._pushed_at = time.monotonic()

    def id(self) -> int:
        return _MERGEABLE_ID if self._burst_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, TimelineUndoCommand) or other._burst_key != self._burst_key:
            return False
        if other._pushed_at - self._pushed_at > BURST_SECONDS:
            return False
        description = self._command.description
        self._command = CommandBatch((self._command, other._command), description)
        self._inverse = CommandBatch((other._inverse, self._inverse), description)
        self._pushed_at = other._pushed_at
        return True

    def redo(self) -> None:
        if self._pending_change is not None:
            change, self._pending_change = self._pending_change, None
        else:
            applied = self._command.apply(self._transcript)
            self._inverse, change = applied.inverse, applied.change
        self._report(change)

    def undo(self) -> None:
        self._report(self._inverse.apply(self._transcript).change)
