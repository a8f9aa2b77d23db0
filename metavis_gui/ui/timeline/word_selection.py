"""The one selection both views share: which words, which of them is current, and which edge is picked for nudging."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from metavis_gui.timeline.editable_word import WordEdge, WordKey


class WordSelection(QObject):
    """Views write it on a click and redraw on `selection_changed`; none writes it back from that signal."""

    selection_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys: tuple[WordKey, ...] = ()
        self._edge: WordEdge | None = None

    @property
    def keys(self) -> tuple[WordKey, ...]:
        return self._keys

    @property
    def current_key(self) -> WordKey | None:
        """The word the last click picked: the one edits of a single word act on."""
        return self._keys[-1] if self._keys else None

    @property
    def edge(self) -> WordEdge | None:
        """The current word's picked edge, or None: nudges then move the whole word."""
        return self._edge

    def select(self, keys: Iterable[WordKey], edge: WordEdge | None = None) -> None:
        keys = tuple(dict.fromkeys(keys))
        edge = edge if keys else None
        if keys == self._keys and edge == self._edge:
            return
        self._keys, self._edge = keys, edge
        self.selection_changed.emit()

    def select_one(self, key: WordKey | None, edge: WordEdge | None = None) -> None:
        self.select(() if key is None else (key,), edge)

    def toggle(self, key: WordKey) -> None:
        """Ctrl+click: add or take out one word; the added word becomes current."""
        if key in self._keys:
            self.select(tuple(other for other in self._keys if other != key))
        else:
            self.select((*self._keys, key))

    def set_edge(self, edge: WordEdge | None) -> None:
        if self._keys and edge != self._edge:
            self._edge = edge
            self.selection_changed.emit()

    def forget_missing(self, present: Iterable[WordKey]) -> None:
        """After an edit removed words, drop them from the selection."""
        present_set = set(present)
        kept = tuple(key for key in self._keys if key in present_set)
        if kept != self._keys:
            self.select(kept, self._edge)
