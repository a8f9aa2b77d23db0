"""The editing actions a user triggers, turned into the core's commands and pushed onto the document's undo stack.

No widgets here: the window binds keys and menu items to these methods, and
passes the playhead when an action needs it.
"""

from __future__ import annotations

from metavis_gui.contract import TICKS_PER_SECOND
from metavis_gui.timeline.boundary_refinement import (
    SpeechEnvelope,
    refine_all,
    snap_edge_command,
)
from metavis_gui.timeline.edit_commands import (
    AppliedEdit,
    CommandBatch,
    DeleteWords,
    InsertWord,
    MergeWithNext,
    MoveWord,
    MoveWordEdge,
    ReplaceText,
    SetWordText,
    SplitWord,
    find_words,
)
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import WordEdge, WordKey
from metavis_gui.timeline.timing_refusals import (
    NO_WORD_SELECTED,
    TimingRefusal,
    edge_move_refusal,
    snap_refusal,
    word_move_refusal,
)
from metavis_gui.ui.timeline.timeline_document import TimelineDocument

NUDGE_STEPS_MS = {"10 ms": 10, "100 ms": 100}
INSERT_LENGTH_TICKS = 24_000  # 400 ms: a typical short word


def split_texts(text: str, fraction: float) -> tuple[str, str]:
    """The two parts of a word cut at `fraction` of its length: at the nearest space when it has one
    (a merged pair comes apart as it was), else at the proportional letter; a one-letter word is doubled."""
    spaces = [index for index, character in enumerate(text) if character == " "]
    if spaces:
        cut = min(spaces, key=lambda index: abs(index - fraction * len(text)))
        return text[:cut].strip(), text[cut + 1 :].strip()
    if len(text) < 2:
        return text, text
    cut = min(max(1, round(fraction * len(text))), len(text) - 1)
    return text[:cut], text[cut:]


class TimelineEditor:
    def __init__(self, document: TimelineDocument) -> None:
        self.document = document
        self.nudge_step_ticks = 10 * TICKS_PER_SECOND // 1000

    @property
    def _transcript(self) -> EditableTranscript:
        return self.document.transcript

    def _current(self) -> WordKey | None:
        key = self.document.selection.current_key
        return key if key is not None and key in self._transcript else None

    def _refuse(self, *refusals: TimingRefusal | None) -> bool:
        """Say in the status bar why a tool did less than asked (the window shows `edit_rejected`); False."""
        messages = [refusal.message for refusal in refusals if refusal is not None]
        if messages:
            self.document.edit_rejected.emit("; ".join(messages))
        return False

    def nudge(self, direction: int, step_ticks: int | None = None) -> bool:
        """Move the selected edge (or the whole word, when no edge is picked) by one step left (-1) or right (+1);
        the step is the chosen nudge step unless given.

        A burst of nudges to the same edge by the same step is one undo step.
        """
        key = self._current()
        if key is None:
            return self._refuse(NO_WORD_SELECTED)
        step = self.nudge_step_ticks if step_ticks is None else step_ticks
        delta = direction * step
        edge = self.document.selection.edge
        if edge is None:
            refusal = word_move_refusal(self._transcript, key, delta)
            command = MoveWord(key, delta)
        else:
            refusal = edge_move_refusal(self._transcript, key, edge, self._transcript.word(key).edge_ticks(edge) + delta)
            command = MoveWordEdge(key, edge, delta)
        moved = self.document.push(command, burst_key=("nudge", key, edge, step))
        if refusal is not None:
            self._refuse(refusal)
        return moved

    def set_edge_at(self, edge: WordEdge, tick: int) -> bool:
        """Put the current word's edge at `tick` (the playhead, a typed time) as one undo step; says so when the
        edge stops short of it."""
        key = self._current()
        if key is None:
            return self._refuse(NO_WORD_SELECTED)
        self.document.selection.set_edge(edge)
        refusal = edge_move_refusal(self._transcript, key, edge, tick)
        moved = self.document.push(MoveWordEdge.to_tick(self._transcript, key, edge, tick))
        if refusal is not None:
            self._refuse(refusal)
        return moved

    def split_at(self, tick: int) -> bool:
        """Split the word under the playhead (or the selected word) at the playhead."""
        index = self._transcript.index_at_tick(tick)
        key = self._transcript[index].key if index is not None else self._current()
        if key is None:
            return self._refuse(NO_WORD_SELECTED)
        word = self._transcript.word(key)
        fraction = (tick - word.start_ticks) / word.duration_ticks if word.duration_ticks else 0.5
        left, right = split_texts(word.text, min(max(fraction, 0.0), 1.0))
        command = SplitWord.create(self._transcript, key, tick, left, right)
        if self.document.push(command):
            self.document.selection.select_one(command.new_word_key)
            return True
        return False

    def split_at_letter(self, key: WordKey, text: str, letter: int, playhead_ticks: int) -> bool:
        """Split a word, (re)typed as `text`, before its `letter`-th character: at the playhead when it is inside
        the word, else at the time proportional to the letter's place in the text."""
        word = self._transcript.word(key)
        if not 0 < letter < len(text):
            self.document.edit_rejected.emit(f"Put the cursor between two letters of {text!r} to split it there")
            return False
        if word.start_ticks < playhead_ticks < word.end_ticks:
            tick = playhead_ticks
        else:
            tick = word.start_ticks + round(word.duration_ticks * letter / len(text))
        left, right = text[:letter], text[letter:]
        if left.endswith(" ") or right.startswith(" "):  # at the space of a merged pair: the two words again
            left, right = left.rstrip(), right.lstrip()
        command = SplitWord.create(self._transcript, key, tick, left, right)
        if self.document.push(command):
            self.document.selection.select_one(command.new_word_key)
            return True
        return False

    def merge_with_next(self) -> bool:
        key = self._current()
        return self.document.push(MergeWithNext(key)) if key is not None else self._refuse(NO_WORD_SELECTED)

    def delete_selected(self) -> bool:
        keys = tuple(key for key in self.document.selection.keys if key in self._transcript)
        return self.document.push(DeleteWords(keys)) if keys else self._refuse(NO_WORD_SELECTED)

    def retype(self, key: WordKey, text: str) -> bool:
        return self.document.push(SetWordText(key, text))

    def gap_for_insert(self, tick: int) -> tuple[int, int] | None:
        """Where a new word goes: the gap under the playhead, or else the gap after the selected word."""
        transcript = self._transcript
        if transcript.index_at_tick(tick) is None:
            index = transcript.first_index_starting_at_or_after(tick)
            start = max(tick, transcript[index - 1].end_ticks if index > 0 else 0)
        elif (key := self._current()) is not None:
            start = transcript.word(key).end_ticks
            index = transcript.index_of(key) + 1
        else:
            return None
        following = transcript[index].start_ticks if index < len(transcript) else transcript.duration_ticks
        if following <= start:
            return None
        return start, min(following, start + INSERT_LENGTH_TICKS)

    def insert_word(self, text: str, start_ticks: int, end_ticks: int) -> bool:
        command = InsertWord.create(self._transcript, text, start_ticks, end_ticks)
        if self.document.push(command):
            self.document.selection.select_one(command.new_word_key)
            return True
        return False

    def select_neighbour(self, step: int) -> None:
        transcript = self._transcript
        if not len(transcript):
            return
        key = self._current()
        index = 0 if key is None else min(max(transcript.index_of(key) + step, 0), len(transcript) - 1)
        self.document.selection.select_one(transcript[index].key, self.document.selection.edge)

    def snap_selected(self, envelope: SpeechEnvelope) -> bool:
        """Snap the picked edge to the audio; with no edge picked, both edges of the word, as one step."""
        key = self._current()
        if key is None:
            return self._refuse(NO_WORD_SELECTED)
        edge = self.document.selection.edge
        edges: tuple[WordEdge, ...] = (edge,) if edge is not None else ("start", "end")
        # Judged on the words as they are: a snapped start does not unblock its own end.
        refusals = [snap_refusal(self._transcript, key, one, envelope) for one in edges]
        commands = tuple(_LazySnap(key, one, envelope) for one in edges)
        moved = self.document.push(CommandBatch(commands, "snap to the audio") if len(commands) > 1 else commands[0])
        self._refuse(*refusals)
        return moved

    def refine_all(self, envelope: SpeechEnvelope) -> bool:
        return self.document.push(refine_all(self._transcript, envelope))

    def replace_all(self, find: str, replacement: str, case_sensitive: bool, whole_word: bool) -> bool:
        return self.document.push(ReplaceText(find, replacement, case_sensitive, whole_word))

    def find_next(self, find: str, case_sensitive: bool, whole_word: bool) -> WordKey | None:
        """The next match after the current word (from the top after the last), selected."""
        keys = find_words(self._transcript, find, case_sensitive, whole_word)
        if not keys:
            return None
        current = self._current()
        position = self._transcript.index_of(current) if current is not None else -1
        after = [key for key in keys if self._transcript.index_of(key) > position]
        found = (after or keys)[0]
        self.document.selection.select_one(found)
        return found


class _LazySnap:
    """Snaps one edge against the transcript as it is when applied, so the second edge of a batch sees the first."""

    def __init__(self, key: WordKey, edge: WordEdge, envelope: SpeechEnvelope) -> None:
        self.key, self.edge, self.envelope = key, edge, envelope
        self.description = f"snap word {edge} to the audio"

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        return snap_edge_command(transcript, self.key, self.edge, self.envelope).apply(transcript)
