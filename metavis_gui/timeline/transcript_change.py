"""What an edit changed, so every view refreshes only that (Anki's change-set)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from metavis_gui.timeline.editable_word import EditableWord, WordKey


@dataclass(frozen=True, slots=True)
class TranscriptChange:
    """Keys of words that appeared, disappeared or changed, and the ticks they covered before or after.

    `start_ticks`/`end_ticks` span the old and the new times of every touched
    word: repaint that range of the timeline. Both are 0 for an empty change.
    """

    inserted_keys: frozenset[WordKey] = frozenset()
    removed_keys: frozenset[WordKey] = frozenset()
    updated_keys: frozenset[WordKey] = frozenset()
    start_ticks: int = 0
    end_ticks: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.inserted_keys or self.removed_keys or self.updated_keys)

    @classmethod
    def combined(cls, changes: Iterable[TranscriptChange]) -> TranscriptChange:
        """One change for several applied in order (a batch, or undo of several steps)."""
        inserted: set[WordKey] = set()
        removed: set[WordKey] = set()
        updated: set[WordKey] = set()
        spans: list[tuple[int, int]] = []
        for change in changes:
            if change.is_empty:
                continue
            spans.append((change.start_ticks, change.end_ticks))
            for key in change.removed_keys:
                updated.discard(key)
                if key in inserted:
                    inserted.discard(key)  # born and gone inside the batch: views never saw it
                else:
                    removed.add(key)
            for key in change.inserted_keys:
                if key in removed:
                    removed.discard(key)  # gone and back: to a view it is the same word, changed
                    updated.add(key)
                else:
                    inserted.add(key)
            updated.update(key for key in change.updated_keys if key not in inserted)
        if not spans:
            return cls()
        return cls(
            frozenset(inserted),
            frozenset(removed),
            frozenset(updated),
            min(start for start, _ in spans),
            max(end for _, end in spans),
        )


@dataclass(frozen=True, slots=True)
class WordChanges:
    """A diff of the word list: remove these keys, then put these words (insert or replace by key).

    Every edit is expressed as one of these, and so is its undo.
    """

    remove_keys: tuple[WordKey, ...] = ()
    put_words: tuple[EditableWord, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.remove_keys or self.put_words)
