"""Commands that change which words there are or what they say: retype, split, merge, insert, delete, replace.

Text is trimmed; an edit that would leave a word empty is rejected with
`EmptyWordText` (there is no nearest legal text), and nothing changes. Times
follow the timing rules of `timing_edit_commands`: clamped, not rejected.
Commands that create a word carry its key, reserved from the transcript when
the command is made, so redo recreates the same word under the same key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from metavis_gui.contract.word_timing import WordTimingSource
from metavis_gui.timeline.edit_command_base import AppliedEdit, apply_nothing, apply_word_changes, clamp
from metavis_gui.timeline.edit_errors import EditRejected, EmptyWordText, NoNeighbourWord, WordKeyInUse
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord, WordKey
from metavis_gui.timeline.transcript_change import WordChanges


def _checked_text(text: str, what: str) -> str:
    trimmed = text.strip()
    if not trimmed:
        raise EmptyWordText(f"{what} would be empty; delete the word instead of clearing its text")
    return trimmed


def _require_new_key(transcript: EditableTranscript, key: WordKey) -> None:
    if key in transcript:
        raise WordKeyInUse(f"key {key} is taken; make the command with transcript.allocate_key()")


@dataclass(frozen=True, slots=True)
class SetWordText:
    word_key: WordKey
    text: str

    @property
    def description(self) -> str:
        return "retype word"

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        word = transcript.word(self.word_key)
        text = _checked_text(self.text, f"the text of {word.text!r}")
        if text == word.text:
            return apply_nothing(self.description)
        return apply_word_changes(transcript, WordChanges(put_words=(word.with_text(text),)), self.description)


@dataclass(frozen=True, slots=True)
class SplitWord:
    """Cut a word at `at_tick` (clamped into the word) into `left_text` and a new word `right_text`."""

    word_key: WordKey
    at_tick: int
    left_text: str
    right_text: str
    new_word_key: WordKey

    @classmethod
    def create(
        cls, transcript: EditableTranscript, word_key: WordKey, at_tick: int, left_text: str, right_text: str
    ) -> SplitWord:
        return cls(word_key, at_tick, left_text, right_text, transcript.allocate_key())

    @property
    def description(self) -> str:
        return "split word"

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        word = transcript.word(self.word_key)
        _require_new_key(transcript, self.new_word_key)
        left_text = _checked_text(self.left_text, "the first part of the split")
        right_text = _checked_text(self.right_text, "the second part of the split")
        cut = clamp(self.at_tick, word.start_ticks, word.end_ticks)
        left = word.with_text(left_text).retimed(word.start_ticks, cut)
        # Cut between two letters (the parts spell the word): merging them back joins them without a space.
        inside_word = left_text + right_text == word.text
        right = replace(
            word, key=self.new_word_key, text=right_text, continues_word_key=word.key if inside_word else None
        ).retimed(cut, word.end_ticks)
        return apply_word_changes(transcript, WordChanges(put_words=(left, right)), self.description)


@dataclass(frozen=True, slots=True)
class MergeWithNext:
    """Join a word and the one after it into one word spanning both.

    The merged confidence is the lower one: the merged word is as doubtful as its least sure part.
    The texts join with a space, except when the second word is the tail of this one, cut off between
    two letters by a split ("Ameri" + "cans" gives "Americans"). Two engine words never join without
    one: whisper.cpp's words are already whole (a token starting with a space starts a word, and the
    parser joins the rest), so only a split here can cut a word in two.
    """

    word_key: WordKey
    separator: str | None = None  # None: decided as above

    @property
    def description(self) -> str:
        return "merge words"

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        first = transcript.word(self.word_key)
        second = transcript.next_word(self.word_key)
        if second is None:
            raise NoNeighbourWord(f"{first.text!r} is the last word; there is nothing to merge it with")
        merged = first.retimed(min(first.start_ticks, second.start_ticks), max(first.end_ticks, second.end_ticks))
        separator = self.separator
        if separator is None:
            separator = "" if second.continues_word_key == first.key else " "
        merged = replace(
            merged,
            text=_checked_text(first.text + separator + second.text, "the merged word"),
            confidence=min(first.confidence, second.confidence),
        )
        changes = WordChanges(remove_keys=(second.key,), put_words=(merged,))
        return apply_word_changes(transcript, changes, self.description)


@dataclass(frozen=True, slots=True)
class InsertWord:
    """Add a word; its span is clamped into the gap its start falls in (unless `force`).

    Segment, speaker, clip and the timeline offset come from the word before it
    (the word after it when it is first): a word typed into a gap belongs to
    the sentence around it.
    """

    new_word_key: WordKey
    text: str
    start_ticks: int
    end_ticks: int
    confidence: float = 1.0
    force: bool = False

    @classmethod
    def create(
        cls, transcript: EditableTranscript, text: str, start_ticks: int, end_ticks: int, force: bool = False
    ) -> InsertWord:
        return cls(transcript.allocate_key(), text, start_ticks, end_ticks, force=force)

    @property
    def description(self) -> str:
        return "insert word"

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        _require_new_key(transcript, self.new_word_key)
        text = _checked_text(self.text, "the inserted word")
        index = transcript.first_index_starting_at_or_after(self.start_ticks)
        previous = transcript[index - 1] if index > 0 else None
        following = transcript[index] if index < len(transcript) else None
        lowest, highest = 0, transcript.duration_ticks
        if not self.force:
            lowest = max(lowest, previous.end_ticks if previous else 0)
            highest = min(highest, following.start_ticks if following else highest)
        start = clamp(self.start_ticks, lowest, highest)
        end = clamp(self.end_ticks, start, max(start, highest))
        word = _inherit(previous or following, self.new_word_key, text, start, end, self.confidence)
        return apply_word_changes(transcript, WordChanges(put_words=(word,)), self.description)


def _inherit(
    neighbour: EditableWord | None, key: WordKey, text: str, start: int, end: int, confidence: float
) -> EditableWord:
    if neighbour is None:
        return EditableWord(key, text, start, end, confidence, timing_source=WordTimingSource.HAND)
    timeline_start = timeline_end = None
    if neighbour.timeline_start_ticks is not None:
        offset = neighbour.timeline_start_ticks - neighbour.start_ticks
        timeline_start, timeline_end = max(0, start + offset), max(0, end + offset)
    return replace(
        neighbour,
        key=key,
        text=text,
        start_ticks=start,
        end_ticks=end,
        confidence=confidence,
        timeline_start_ticks=timeline_start,
        timeline_end_ticks=timeline_end,
        timing_source=WordTimingSource.HAND,
        continues_word_key=None,
    )


@dataclass(frozen=True, slots=True)
class DeleteWords:
    word_keys: tuple[WordKey, ...]

    @property
    def description(self) -> str:
        return "delete word" if len(self.word_keys) == 1 else "delete words"

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        keys = tuple(dict.fromkeys(self.word_keys))
        for key in keys:
            transcript.word(key)  # all or nothing: an unknown key raises before anything changes
        if not keys:
            return apply_nothing(self.description)
        return apply_word_changes(transcript, WordChanges(remove_keys=keys), self.description)


@dataclass(frozen=True, slots=True)
class ReplaceText:
    """Find and replace inside every word's text, as one undo step.

    `whole_word` replaces only words whose whole text matches. A replacement
    that empties any word rejects the whole command.
    """

    find: str
    replacement: str
    case_sensitive: bool = True
    whole_word: bool = False

    @property
    def description(self) -> str:
        return f"replace {self.find!r} with {self.replacement!r}"

    def pattern(self) -> re.Pattern[str]:
        if not self.find:
            raise EditRejected("nothing to find: the search text is empty")
        escaped = re.escape(self.find)
        return re.compile(f"^{escaped}$" if self.whole_word else escaped, 0 if self.case_sensitive else re.IGNORECASE)

    def apply(self, transcript: EditableTranscript) -> AppliedEdit:
        pattern = self.pattern()
        changed: list[EditableWord] = []
        for word in transcript:
            if pattern.search(word.text) is None:
                continue
            # A function, not the string, so backslashes in the replacement are literal.
            new_text = pattern.sub(lambda _: self.replacement, word.text).strip()
            if not new_text:
                raise EmptyWordText(
                    f"replacing {self.find!r} would empty the word {word.text!r} at tick {word.start_ticks}; "
                    "nothing was replaced"
                )
            if new_text != word.text:
                changed.append(word.with_text(new_text))
        if not changed:
            return apply_nothing(self.description)
        return apply_word_changes(transcript, WordChanges(put_words=tuple(changed)), self.description)


def find_words(
    transcript: EditableTranscript, find: str, case_sensitive: bool = True, whole_word: bool = False
) -> list[WordKey]:
    """Keys of the words `ReplaceText` with the same options would change, in time order."""
    pattern = ReplaceText(find, "", case_sensitive, whole_word).pattern()
    return [word.key for word in transcript if pattern.search(word.text) is not None]
