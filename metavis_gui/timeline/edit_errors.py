"""Edits the timeline refuses, each with a message a user can act on.

Timing edits are clamped to the nearest legal value and never raise; only an
edit with no sensible nearest value (empty text, a word that is not there)
raises one of these.
"""

from __future__ import annotations


class EditRejected(ValueError):
    """An edit that cannot be applied; nothing was changed."""


class EmptyWordText(EditRejected):
    """An edit would leave a word with no text; delete the word instead."""


class UnknownWord(EditRejected):
    """The edit names a word key the transcript does not hold (stale selection or command)."""


class NoNeighbourWord(EditRejected):
    """The edit needs a next word (merge, shared edge) and the word is the last one."""


class WordKeyInUse(EditRejected):
    """A command would create a word under a key another word already has."""
