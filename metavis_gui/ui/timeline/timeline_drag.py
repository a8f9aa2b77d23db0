"""What a press on the timeline grabbed (an edge, a shared edge, a whole word) and the edit a drag of it makes.

Qt-free apart from the modifier flags read by the caller: the view turns
mouse positions into ticks, this turns ticks into commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from metavis_gui.timeline.edit_commands import (
    EditCommand,
    MoveSharedEdge,
    MoveWord,
    MoveWordEdge,
)
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import WordEdge, WordKey

EDGE_GRAB_PIXELS = 5.0
DRAG_START_PIXELS = 3.0

GrabPart = Literal["start", "end", "body"]


@dataclass(frozen=True)
class Grab:
    key: WordKey
    part: GrabPart


def grab_at(
    transcript: EditableTranscript, tick: int, ticks_per_pixel: float, in_word_lane: bool
) -> Grab | None:
    """The edge within EDGE_GRAB_PIXELS of `tick` (the side the pointer is on wins where two words touch),
    else the word under it when the press is in the word lane."""
    reach = round(EDGE_GRAB_PIXELS * ticks_per_pixel)
    best: tuple[float, Grab] | None = None
    for index in transcript.indices_overlapping(tick - reach, tick + reach + 1):
        word = transcript[index]
        for edge in ("start", "end"):
            edge_tick = word.edge_ticks(edge)  # type: ignore[arg-type]
            distance = abs(edge_tick - tick)
            if distance > reach:
                continue
            # Prefer the word on the pointer's side: left of a start edge belongs to the word before.
            on_its_side = (tick >= edge_tick) if edge == "start" else (tick < edge_tick)
            score = distance - (0.5 if on_its_side else 0.0) * reach
            if best is None or score < best[0]:
                best = (score, Grab(word.key, edge))  # type: ignore[arg-type]
    if best is not None:
        return best[1]
    if in_word_lane:
        index = transcript.index_at_tick(tick)
        if index is not None:
            return Grab(transcript[index].key, "body")
    return None


def shared_edge_left_key(transcript: EditableTranscript, grab: Grab) -> WordKey | None:
    """The left word of the boundary `grab` is on, when the two words touch there; else None."""
    if grab.part == "end":
        following = transcript.next_word(grab.key)
        word = transcript.word(grab.key)
        return grab.key if following is not None and following.start_ticks == word.end_ticks else None
    if grab.part == "start":
        previous = transcript.previous_word(grab.key)
        word = transcript.word(grab.key)
        return previous.key if previous is not None and previous.end_ticks == word.start_ticks else None
    return None


@dataclass(frozen=True)
class WordDrag:
    """A drag in progress: what it holds, where it started, and whether it moves a shared edge or ignores neighbours."""

    grab: Grab
    press_tick: int
    shared_left_key: WordKey | None = None
    force: bool = False

    def command(self, tick: int) -> EditCommand:
        delta = tick - self.press_tick
        if self.shared_left_key is not None:
            return MoveSharedEdge(self.shared_left_key, delta)
        if self.grab.part == "body":
            return MoveWord(self.grab.key, delta, self.force)
        edge: WordEdge = self.grab.part
        return MoveWordEdge(self.grab.key, edge, delta, self.force)
