"""Reopening a clip shows it as it was left: zoom, scroll, ruler and selected word, from `view_state_store`.

A clip never seen before opens at the zoom where most word labels read whole.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.view_state_store import (
    TimelineViewState,
    ViewStateUnreadable,
    load_view_state,
    save_view_state,
)
from metavis_gui.ui.timeline.ruler_choice import RulerChoice
from metavis_gui.ui.timeline.timeline_document import TimelineDocument
from metavis_gui.ui.timeline.word_timeline_view import WordTimelineView


class TimelineViewMemory:
    def __init__(
        self, document: TimelineDocument, view: WordTimelineView, ruler: RulerChoice,
        show_message: Callable[[str], None],
    ) -> None:  # fmt: skip
        self.document, self.view, self.ruler, self._show_message = document, view, ruler, show_message
        opened = document.opened
        # Per clip: the media when it is known at opening (it stays the key if other media is chosen later).
        self.clip_path: Path = opened.media_path or opened.words_path

    def _first_word_lead_in(self) -> float:
        """Where a clip opens: a second before its first word, so speech after music or silence shows at once."""
        transcript = self.document.transcript
        return max(0.0, transcript[0].start_ticks - TICKS_PER_SECOND) if len(transcript) else 0.0

    def restore(self) -> TimelineViewState | None:
        """Put the saved view back (or open at a readable zoom); the state restored, if any."""
        try:
            state = load_view_state(self.clip_path)
        except ViewStateUnreadable as error:
            self._show_message(str(error))
            state = None
        if state is None:
            readable = self.view.readable_ticks_per_pixel()
            if readable is not None:
                self.view.open_at(readable, self._first_word_lead_in())
            return None
        self.ruler.restore(state.ruler)
        self.view.open_at(state.ticks_per_pixel, state.start_ticks)
        if state.selected_start_ticks is not None:
            transcript = self.document.transcript
            index = transcript.index_at_tick(state.selected_start_ticks)
            if index is not None and transcript[index].text == state.selected_text:
                self.document.selection.select_one(transcript[index].key)
        return state

    def current(self) -> TimelineViewState:
        transcript, key = self.document.transcript, self.document.selection.current_key
        word = transcript.word(key) if key is not None and key in transcript else None
        scale = self.view.scale
        return TimelineViewState(
            ticks_per_pixel=scale.ticks_per_pixel, start_ticks=scale.start_ticks, ruler=self.ruler.saved_choice,
            selected_start_ticks=word.start_ticks if word else None, selected_text=word.text if word else None,
        )  # fmt: skip

    def remember(self) -> None:
        try:
            save_view_state(self.clip_path, self.current())
        except OSError as error:  # a convenience: say so, but never keep the window from closing
            self._show_message(f"Could not keep this clip's view: {error}")
