"""A stretch of the engine's 16 kHz samples, by sample index."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SampleSpan:
    first: int
    end: int  # one past the last sample

    @property
    def count(self) -> int:
        return self.end - self.first
