"""One word of the editable transcript: a value with a stable key that survives retiming."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from metavis_gui.contract.word_timing import WordTimingSource

# A word's edge: which boundary an edit moves.
WordEdge = Literal["start", "end"]

# Internal, never written to a file: the contract's wordId is derived from the
# times, so it changes on every retime and cannot identify a word across edits.
WordKey = int


@dataclass(frozen=True, slots=True)
class EditableWord:
    """A word as the editor holds it.

    A frozen dataclass rather than a pydantic model: 30,000 of them are made on
    every open, and they are checked once more by the contract's models on export.
    """

    key: WordKey
    text: str
    start_ticks: int
    end_ticks: int
    confidence: float
    segment_id: str | None = None
    speaker_id: str | None = None
    speaker_label: str | None = None
    clip_id: str | None = None
    timeline_start_ticks: int | None = None
    timeline_end_ticks: int | None = None
    timing_source: WordTimingSource = WordTimingSource.ENGINE
    # Set on the second part of a word split between two letters: merging it back into that word joins
    # without a space. The contract has no field for it: word_joins_store keeps it beside the words file.
    continues_word_key: WordKey | None = None

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """The contract's order (start, end, file order); keys are given in file order."""
        return (self.start_ticks, self.end_ticks, self.key)

    @property
    def duration_ticks(self) -> int:
        return self.end_ticks - self.start_ticks

    def edge_ticks(self, edge: WordEdge) -> int:
        return self.start_ticks if edge == "start" else self.end_ticks

    def retimed(
        self, start_ticks: int, end_ticks: int, source: WordTimingSource = WordTimingSource.HAND
    ) -> EditableWord:
        """The word at new source times, which `source` set; a timeline position moves with its source edge.

        The word maps into its clip at a fixed offset, so correcting where it is
        in the source corrects where it is on the edited timeline by the same amount.
        """
        if (start_ticks, end_ticks) == (self.start_ticks, self.end_ticks):
            # A hand edit that moved nothing leaves the word as it was; the aligner confirming a time times it.
            return self if source is WordTimingSource.HAND else replace(self, timing_source=source)
        timeline_start = self.timeline_start_ticks
        timeline_end = self.timeline_end_ticks
        if timeline_start is not None:
            timeline_start = max(0, timeline_start + start_ticks - self.start_ticks)
        if timeline_end is not None:
            timeline_end = max(0, timeline_end + end_ticks - self.end_ticks)
        if timeline_start is not None and timeline_end is not None and timeline_end < timeline_start:
            # Only reachable when the clip mapping was not 1:1; the contract forbids a reversed span.
            timeline_end = timeline_start
        return replace(
            self,
            start_ticks=start_ticks,
            end_ticks=end_ticks,
            timeline_start_ticks=timeline_start,
            timeline_end_ticks=timeline_end,
            timing_source=source,
        )

    def with_text(self, text: str) -> EditableWord:
        return replace(self, text=text)

    def with_key(self, key: WordKey) -> EditableWord:
        return replace(self, key=key)
