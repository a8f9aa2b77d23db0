"""What every edit command is: a frozen value whose `apply` returns the change and its own undo.

Applying returns the inverse command instead of keeping a `revert` method, so a
command never has to remember what it overwrote: it stays a pure value that
can be re-applied for redo, and the undo is built from the words actually
replaced (after clamping). A Qt wrapper is a few lines:

    class TimelineUndoCommand(QUndoCommand):  # QUndoCommand is no QObject: report through a callback
        def __init__(self, command, transcript, report_change):
            super().__init__(command.description)
            self.command, self.transcript, self.report_change = command, transcript, report_change
        def redo(self):  # QUndoStack.push calls redo()
            applied = self.command.apply(self.transcript)
            self.inverse = applied.inverse
            self.setObsolete(applied.change.is_empty)  # a clamped no-op leaves no undo step
            self.report_change(applied.change)  # e.g. emits transcript_changed(change)
        def undo(self):
            self.report_change(self.inverse.apply(self.transcript).change)

Redo re-applies the same command to the same state, so it gives the same
result, including the keys of words it creates (reserved when it was made).
A rejected edit raises `EditRejected` before changing anything; since an
exception inside a Qt virtual such as redo() does not reach the caller of
push(), check or apply the command before pushing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.transcript_change import TranscriptChange, WordChanges


@runtime_checkable
class EditCommand(Protocol):
    @property
    def description(self) -> str:
        """Short text for the Edit menu: "Undo <description>"."""
        ...

    def apply(self, transcript: EditableTranscript) -> AppliedEdit: ...


@dataclass(frozen=True, slots=True)
class AppliedEdit:
    change: TranscriptChange
    inverse: EditCommand


@dataclass(frozen=True, slots=True)
class ReplaceWords:
    """Apply a word diff as it is, unclamped: the inverse of every other command."""

    changes: WordChanges
    description: str = "restore words"

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        return apply_word_changes(transcript, self.changes, self.description)


@dataclass(frozen=True, slots=True)
class CommandBatch:
    """Several commands as one undo step; all or nothing."""

    commands: tuple[EditCommand, ...]
    description: str = "edit words"

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        applied: list[AppliedEdit] = []
        try:
            for command in self.commands:
                applied.append(command.apply(transcript))
        except Exception:
            for done in reversed(applied):
                done.inverse.apply(transcript)
            raise
        return AppliedEdit(
            change=TranscriptChange.combined(done.change for done in applied),
            inverse=CommandBatch(tuple(done.inverse for done in reversed(applied)), self.description),
        )


def apply_word_changes(transcript: EditableTranscript, changes: WordChanges, description: str) -> AppliedEdit:
    change, undo = transcript.apply_word_changes(changes)
    return AppliedEdit(change=change, inverse=ReplaceWords(undo, description))


def apply_nothing(description: str) -> AppliedEdit:
    """An edit clamped to no change: an empty change, and an inverse that does nothing."""
    return AppliedEdit(change=TranscriptChange(), inverse=ReplaceWords(WordChanges(), description))


def clamp(value: int, lowest: int, highest: int) -> int:
    """Nearest value in [lowest, highest]; when the range is empty, `lowest` wins."""
    return max(lowest, min(value, highest))
