"""Commands that move word boundaries: drag an edge, a whole word, a shared edge; nudge; retime many.

The rules every timing edit keeps: start <= end, inside [0, media duration],
and no overlap with the neighbouring words unless `force=True`. An edit that
asks for more is clamped to the nearest legal value rather than rejected, so a
drag past a neighbour stops at it, the way a drag in any editor does. A word
that already overlaps its neighbour (engines produce some) may stay where it
is, but no edit makes the overlap larger.
"""

from __future__ import annotations

from dataclasses import dataclass

from metavis_gui.contract.word_timing import WordTimingSource
from metavis_gui.timeline.edit_command_base import AppliedEdit, apply_nothing, apply_word_changes, clamp
from metavis_gui.timeline.edit_errors import NoNeighbourWord
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord, WordEdge, WordKey
from metavis_gui.timeline.transcript_change import WordChanges


def legal_start_range(transcript: EditableTranscript, key: WordKey, force: bool = False) -> tuple[int, int]:
    """Where the word's start may go with its end fixed."""
    word = transcript.word(key)
    lowest = 0
    previous = transcript.previous_word(key)
    if previous is not None and not force:
        lowest = max(0, min(previous.end_ticks, word.start_ticks))
    return lowest, min(word.end_ticks, transcript.duration_ticks)


def legal_end_range(transcript: EditableTranscript, key: WordKey, force: bool = False) -> tuple[int, int]:
    """Where the word's end may go with its start fixed."""
    word = transcript.word(key)
    highest = transcript.duration_ticks
    following = transcript.next_word(key)
    if following is not None and not force:
        highest = min(highest, max(following.start_ticks, word.end_ticks))
    return word.start_ticks, highest


def _put(transcript: EditableTranscript, old: EditableWord, new: EditableWord, description: str) -> AppliedEdit:
    if new == old:
        return apply_nothing(description)
    return apply_word_changes(transcript, WordChanges(put_words=(new,)), description)


@dataclass(frozen=True, slots=True)
class MoveWordEdge:
    """Move one edge by `delta_ticks` (a drag, or a nudge by the user's step)."""

    word_key: WordKey
    edge: WordEdge
    delta_ticks: int
    force: bool = False

    @classmethod
    def to_tick(
        cls, transcript: EditableTranscript, word_key: WordKey, edge: WordEdge, tick: int, force: bool = False
    ) -> MoveWordEdge:
        """Set the edge at a time (the playhead, a snapped onset)."""
        return cls(word_key, edge, tick - transcript.word(word_key).edge_ticks(edge), force)

    @property
    def description(self) -> str:
        return f"move word {self.edge}"

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        word = transcript.word(self.word_key)
        if self.edge == "start":
            start = clamp(
                word.start_ticks + self.delta_ticks, *legal_start_range(transcript, self.word_key, self.force)
            )
            moved = word.retimed(start, word.end_ticks)
        else:
            end = clamp(word.end_ticks + self.delta_ticks, *legal_end_range(transcript, self.word_key, self.force))
            moved = word.retimed(word.start_ticks, end)
        return _put(transcript, word, moved, self.description)


@dataclass(frozen=True, slots=True)
class MoveWord:
    """Move a whole word, keeping its length; the shift is clamped so it fits where it may go."""

    word_key: WordKey
    delta_ticks: int
    force: bool = False

    @property
    def description(self) -> str:
        return "move word"

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        word = transcript.word(self.word_key)
        lowest_start, highest_end = 0, transcript.duration_ticks
        if not self.force:
            previous = transcript.previous_word(self.word_key)
            following = transcript.next_word(self.word_key)
            if previous is not None:
                lowest_start = previous.end_ticks
            if following is not None:
                highest_end = min(highest_end, following.start_ticks)
        # 0 stays allowed: a word already overlapping may stay put.
        lowest_delta = min(0, lowest_start - word.start_ticks)
        highest_delta = max(0, highest_end - word.end_ticks)
        delta = clamp(self.delta_ticks, lowest_delta, highest_delta)
        moved = word.retimed(word.start_ticks + delta, word.end_ticks + delta)
        return _put(transcript, word, moved, self.description)


@dataclass(frozen=True, slots=True)
class MoveSharedEdge:
    """Move the boundary between a word and the next one: its end and the next start by the same delta.

    Meant for touching words (the gap stays zero); words with a gap keep their gap.
    The delta is clamped so neither word becomes shorter than zero or leaves the media.
    """

    left_word_key: WordKey
    delta_ticks: int

    @property
    def description(self) -> str:
        return "move shared edge"

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        left = transcript.word(self.left_word_key)
        right = transcript.next_word(self.left_word_key)
        if right is None:
            raise NoNeighbourWord(f"{left.text!r} is the last word; there is no shared edge after it")
        lowest_delta = min(0, max(left.start_ticks - left.end_ticks, -right.start_ticks))
        highest_delta = max(0, min(right.end_ticks - right.start_ticks, transcript.duration_ticks - left.end_ticks))
        delta = clamp(self.delta_ticks, lowest_delta, highest_delta)
        if delta == 0:
            return apply_nothing(self.description)
        moved = (
            left.retimed(left.start_ticks, left.end_ticks + delta),
            right.retimed(right.start_ticks + delta, right.end_ticks),
        )
        return apply_word_changes(transcript, WordChanges(put_words=moved), self.description)


@dataclass(frozen=True, slots=True)
class RetimeWords:
    """Set many words' times at once, as given: the caller (e.g. boundary refinement) checked them."""

    new_times: tuple[tuple[WordKey, int, int], ...]
    description: str = "retime words"
    source: WordTimingSource = WordTimingSource.HAND

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        if not self.new_times:
            return apply_nothing(self.description)
        retimed = tuple(transcript.word(key).retimed(start, end, self.source) for key, start, end in self.new_times)
        return apply_word_changes(transcript, WordChanges(put_words=retimed), self.description)
