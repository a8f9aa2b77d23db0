"""The editable transcript: words in contract order, found by key or by time in O(log n).

Opened from contract records and written back through `build_word_records`,
so wordIds follow the contract rule for the edited times. Opening a file and
exporting it unedited gives the bytes it was read from.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence

from metavis_gui.contract import WordRecord, WordTimingSource
from metavis_gui.timeline.edit_errors import UnknownWord
from metavis_gui.timeline.editable_word import EditableWord, WordKey
from metavis_gui.timeline.transcript_change import TranscriptChange, WordChanges
from metavis_gui.timeline.word_record_conversion import WordRecordCache, editable_word_of

# Greater than any key, so (tick, _AFTER_ALL) sorts after every word starting at tick.
_AFTER_ALL = (1 << 62,)
# Above this many words in one change, re-sorting everything beats moving words one by one.
_BULK_CHANGE_SIZE = 64


class EditableTranscript:
    """Words sorted by (start, end, key); `key` is stable across edits and never reused.

    Change it only through `apply_word_changes` (the edit commands do), which
    returns what changed and the diff that undoes it.
    """

    def __init__(self, words: Iterable[EditableWord], duration_ticks: int) -> None:
        self._words: list[EditableWord] = sorted(words, key=lambda word: word.sort_key)
        self._sort_keys: list[tuple[int, int, int]] = [word.sort_key for word in self._words]
        self._by_key: dict[WordKey, EditableWord] = {word.key: word for word in self._words}
        if len(self._by_key) != len(self._words):
            raise ValueError("two words share a key")
        # The split marks (tail key -> head key), so finding them costs the few there are, not every word.
        self._heads_by_tail: dict[WordKey, WordKey] = {
            word.key: word.continues_word_key for word in self._words if word.continues_word_key is not None
        }
        self.duration_ticks = duration_ticks
        self._next_key = max(self._by_key, default=-1) + 1
        # An upper bound on any word's length (it never shrinks): how far back a word
        # that still covers a tick can start, so time lookups stay exact with overlaps.
        self._longest_word_ticks = max((word.duration_ticks for word in self._words), default=0)
        self._record_cache = WordRecordCache()

    @classmethod
    def from_word_records(
        cls,
        records: Sequence[WordRecord],
        duration_ticks: int | None = None,
        timing_sources: Sequence[WordTimingSource] | None = None,
    ) -> EditableTranscript:
        """Words from contract records, keyed 0, 1, ... in file order, with each one's timing source if known.

        Without a media duration the last word's end stands in for it.
        """
        if timing_sources is None or len(timing_sources) != len(records):
            timing_sources = [WordTimingSource.ENGINE] * len(records)
        words = [
            editable_word_of(record, key, source)
            for key, (record, source) in enumerate(zip(records, timing_sources, strict=True))
        ]
        if duration_ticks is None:
            duration_ticks = max((word.end_ticks for word in words), default=0)
        transcript = cls(words, duration_ticks)
        for word, record in zip(words, records, strict=True):
            transcript._record_cache.remember(word, record)
        return transcript

    def to_word_records(self) -> list[WordRecord]:
        """Contract records for the current words, wordIds numbered by the contract rule.

        Only words edited since the last export (or the open) are built again,
        through `build_word_records`; the rest reuse their records.
        """
        return self._record_cache.records_for(self._words)

    def timing_sources(self) -> list[WordTimingSource]:
        """Each word's timing source, in the order of `to_word_records`."""
        return [word.timing_source for word in self._words]

    # Reading.

    def __len__(self) -> int:
        return len(self._words)

    def __iter__(self) -> Iterator[EditableWord]:
        return iter(self._words)

    def __getitem__(self, index: int) -> EditableWord:
        return self._words[index]

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def word(self, key: WordKey) -> EditableWord:
        try:
            return self._by_key[key]
        except KeyError:
            raise UnknownWord(f"no word with key {key} in the transcript") from None

    def index_of(self, key: WordKey) -> int:
        return bisect_left(self._sort_keys, self.word(key).sort_key)

    def previous_word(self, key: WordKey) -> EditableWord | None:
        index = self.index_of(key)
        return self._words[index - 1] if index > 0 else None

    def next_word(self, key: WordKey) -> EditableWord | None:
        index = self.index_of(key) + 1
        return self._words[index] if index < len(self._words) else None

    def first_index_starting_at_or_after(self, tick: int) -> int:
        return bisect_left(self._sort_keys, (tick,))

    def index_at_tick(self, tick: int) -> int | None:
        """The word playing at `tick` (start <= tick < end, or a zero-length word at tick), else None.

        Of overlapping words, the one that started last.
        """
        index = bisect_right(self._sort_keys, (tick, *_AFTER_ALL)) - 1
        earliest_start = tick - self._longest_word_ticks
        while index >= 0 and self._words[index].start_ticks >= earliest_start:
            word = self._words[index]
            if word.end_ticks > tick or word.start_ticks == word.end_ticks == tick:
                return index
            index -= 1
        return None

    def indices_overlapping(self, start_ticks: int, end_ticks: int) -> range:
        """Indices from the first word that shows in [start_ticks, end_ticks) to the last (what a view paints).

        With overlapping words the range may include a few that end before `start_ticks`.
        """
        first = bisect_left(self._sort_keys, (start_ticks,))
        index = first - 1
        earliest_start = start_ticks - self._longest_word_ticks
        while index >= 0 and self._words[index].start_ticks >= earliest_start:
            if self._words[index].end_ticks > start_ticks:
                first = index
            index -= 1
        return range(first, bisect_left(self._sort_keys, (end_ticks,)))

    def word_joins(self) -> list[tuple[int, int]]:
        """(tail index, head index) of every word split off another between two letters, whose head is still
        here (a merge of the two joins them without a space), in order."""
        return sorted(
            (self.index_of(tail), self.index_of(head)) for tail, head in self._heads_by_tail.items() if head in self
        )

    @property
    def words(self) -> tuple[EditableWord, ...]:
        """A snapshot copy; prefer indexing or iteration on large transcripts."""
        return tuple(self._words)

    # Changing.

    def allocate_key(self) -> WordKey:
        """A key no word has had: commands that create words reserve theirs when they are made."""
        key = self._next_key
        self._next_key += 1
        return key

    def apply_word_changes(self, changes: WordChanges) -> tuple[TranscriptChange, WordChanges]:
        """Remove, then put (insert or replace by key); return what changed and the diff that undoes it.

        Checks only what any word must satisfy (text, start <= end, no negative
        time): neighbour and media limits are the commands' business, and an undo
        must be able to put back whatever was there.
        """
        for word in changes.put_words:
            _check_word(word)
        if len({word.key for word in changes.put_words}) != len(changes.put_words):
            raise ValueError("a change puts two words under one key")
        if len(set(changes.remove_keys)) != len(changes.remove_keys):
            raise ValueError("a change removes one word twice")
        for key in changes.remove_keys:
            self.word(key)  # all or nothing: an unknown key raises before anything changes
        touched: list[EditableWord] = []
        undo_put: dict[WordKey, EditableWord] = {}
        inserted: set[WordKey] = set()
        removed: set[WordKey] = set()
        updated: set[WordKey] = set()
        bulk = len(changes.remove_keys) + len(changes.put_words) > _BULK_CHANGE_SIZE
        for key in changes.remove_keys:
            old = self.word(key)
            self._forget(key, bulk)
            undo_put.setdefault(key, old)
            touched.append(old)
            removed.add(key)
        for word in changes.put_words:
            old_word = self._by_key.get(word.key)
            if old_word is not None:
                self._forget(word.key, bulk)
                undo_put.setdefault(word.key, old_word)
                touched.append(old_word)
            self._add(word, bulk)
            touched.append(word)
            if word.key in removed:
                removed.discard(word.key)
                updated.add(word.key)
            elif old_word is None:
                inserted.add(word.key)
            else:
                updated.add(word.key)
        if bulk:
            self._words = sorted(self._by_key.values(), key=lambda word: word.sort_key)
            self._sort_keys = [word.sort_key for word in self._words]
        self._next_key = max(self._next_key, *(word.key + 1 for word in changes.put_words), 0)
        change = TranscriptChange(
            frozenset(inserted),
            frozenset(removed),
            frozenset(updated),
            min((word.start_ticks for word in touched), default=0),
            max((word.end_ticks for word in touched), default=0),
        )
        undo = WordChanges(remove_keys=tuple(sorted(inserted)), put_words=tuple(undo_put.values()))
        return change, undo

    def _forget(self, key: WordKey, bulk: bool) -> None:
        """Take the word out; in bulk, only from the key map (the order is rebuilt after)."""
        word = self._by_key.pop(key)
        self._heads_by_tail.pop(key, None)
        if not bulk:
            index = bisect_left(self._sort_keys, word.sort_key)
            del self._words[index]
            del self._sort_keys[index]

    def _add(self, word: EditableWord, bulk: bool) -> None:
        self._longest_word_ticks = max(self._longest_word_ticks, word.duration_ticks)
        self._by_key[word.key] = word
        if word.continues_word_key is not None:
            self._heads_by_tail[word.key] = word.continues_word_key
        if not bulk:
            index = bisect_left(self._sort_keys, word.sort_key)
            self._sort_keys.insert(index, word.sort_key)
            self._words.insert(index, word)


def _check_word(word: EditableWord) -> None:
    if not word.text or word.text != word.text.strip():
        raise ValueError(f"word {word.key} text must be non-empty and trimmed, got {word.text!r}")
    if word.start_ticks < 0 or word.end_ticks < word.start_ticks:
        raise ValueError(f"word {word.key} {word.text!r} has an impossible span {word.start_ticks}..{word.end_ticks}")
