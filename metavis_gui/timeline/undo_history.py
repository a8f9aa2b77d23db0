"""A pure undo/redo stack over edit commands, with a clean marker for "unsaved changes".

The Qt layer may use QUndoStack instead (see `edit_command_base`); this one
serves the tests and the headless paths, and behaves the same way: pushing
applies, pushing after an undo discards the redo steps, and the clean state
becomes unreachable when the step it was at is discarded.
"""

from __future__ import annotations

from dataclasses import dataclass

from metavis_gui.timeline.edit_command_base import EditCommand
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.transcript_change import TranscriptChange


@dataclass(frozen=True, slots=True)
class _Step:
    command: EditCommand
    inverse: EditCommand


class UndoHistory:
    def __init__(self, transcript: EditableTranscript, limit: int | None = None) -> None:
        """`limit` caps the number of undo steps kept (None: no cap)."""
        self.transcript = transcript
        self._limit = limit
        self._steps: list[_Step] = []
        self._applied_count = 0  # steps [0, _applied_count) are applied; the rest can be redone
        self._clean_count: int | None = 0

    def push(self, command: EditCommand) -> TranscriptChange:
        """Apply the command and record it; a command clamped to no change is not recorded.

        If the command raises, nothing is recorded and the history is unchanged.
        """
        applied = command.apply(self.transcript)
        if applied.change.is_empty:
            return applied.change
        del self._steps[self._applied_count :]
        if self._clean_count is not None and self._clean_count > self._applied_count:
            self._clean_count = None
        self._steps.append(_Step(command, applied.inverse))
        self._applied_count += 1
        self._drop_oldest_beyond_limit()
        return applied.change

    def undo(self) -> TranscriptChange | None:
        """Undo the last applied step; None when there is nothing to undo."""
        if not self.can_undo:
            return None
        self._applied_count -= 1
        return self._steps[self._applied_count].inverse.apply(self.transcript).change

    def redo(self) -> TranscriptChange | None:
        """Apply the next undone step again; None when there is nothing to redo."""
        if not self.can_redo:
            return None
        step = self._steps[self._applied_count]
        applied = step.command.apply(self.transcript)
        self._steps[self._applied_count] = _Step(step.command, applied.inverse)
        self._applied_count += 1
        return applied.change

    @property
    def can_undo(self) -> bool:
        return self._applied_count > 0

    @property
    def can_redo(self) -> bool:
        return self._applied_count < len(self._steps)

    @property
    def undo_description(self) -> str | None:
        return self._steps[self._applied_count - 1].command.description if self.can_undo else None

    @property
    def redo_description(self) -> str | None:
        return self._steps[self._applied_count].command.description if self.can_redo else None

    def mark_clean(self) -> None:
        """The transcript as it is now is saved."""
        self._clean_count = self._applied_count

    @property
    def is_clean(self) -> bool:
        """True when the transcript is as it was at the last `mark_clean` (or when opened)."""
        return self._clean_count == self._applied_count

    def _drop_oldest_beyond_limit(self) -> None:
        if self._limit is None or len(self._steps) <= self._limit:
            return
        dropped = len(self._steps) - self._limit
        del self._steps[:dropped]
        self._applied_count -= dropped
        if self._clean_count is not None:
            self._clean_count = self._clean_count - dropped if self._clean_count >= dropped else None
