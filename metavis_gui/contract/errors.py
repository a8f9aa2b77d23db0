"""Typed errors of the transcript contract; each message says what to fix."""

from __future__ import annotations

from pathlib import Path


class ContractError(Exception):
    """Base of every error raised by `metavis_gui.contract`."""


class InvalidTime(ContractError, ValueError):
    """A time that cannot become ticks: NaN, infinite, negative or not a number."""


class WordRecordsInvalid(ContractError, ValueError):
    """Records that would break a file-level rule (order, wordId numbering)."""


class TranscriptFileInvalid(ContractError, ValueError):
    """A transcript file that cannot be read at all (missing, not UTF-8, not JSON)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class TranscriptBundleInvalid(ContractError, ValueError):
    """Bundle parts that disagree with each other, e.g. wordCount against the words."""
