"""The timeline's edit commands in one place: import them from here.

Each is a frozen value; `command.apply(transcript)` changes the transcript and
returns `AppliedEdit(change, inverse)`, where `inverse.apply(transcript)` undoes
it. Timing edits clamp to the nearest legal value (see `timing_edit_commands`);
text edits that would leave a word empty raise `EmptyWordText`.
"""

from metavis_gui.timeline.edit_command_base import AppliedEdit, CommandBatch, EditCommand, ReplaceWords
from metavis_gui.timeline.edit_errors import (
    EditRejected,
    EmptyWordText,
    NoNeighbourWord,
    UnknownWord,
    WordKeyInUse,
)
from metavis_gui.timeline.text_edit_commands import (
    DeleteWords,
    InsertWord,
    MergeWithNext,
    ReplaceText,
    SetWordText,
    SplitWord,
    find_words,
)
from metavis_gui.timeline.timing_edit_commands import (
    MoveSharedEdge,
    MoveWord,
    MoveWordEdge,
    RetimeWords,
    legal_end_range,
    legal_start_range,
)

__all__ = [
    "AppliedEdit",
    "CommandBatch",
    "DeleteWords",
    "EditCommand",
    "EditRejected",
    "EmptyWordText",
    "InsertWord",
    "MergeWithNext",
    "MoveSharedEdge",
    "MoveWord",
    "MoveWordEdge",
    "NoNeighbourWord",
    "ReplaceText",
    "ReplaceWords",
    "RetimeWords",
    "SetWordText",
    "SplitWord",
    "UnknownWord",
    "WordKeyInUse",
    "find_words",
    "legal_end_range",
    "legal_start_range",
]
