"""Where each word's times came from, as the summary records it (`timing`, written when alignment ran).

The words file has no room for it (its twelve keys are fixed), so the summary carries one letter per
word in the words file's line order: `a` aligned to the audio, `e` the engine's own times, `h` set by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from metavis_gui.contract.word_record import Text


class WordTimingSource(StrEnum):
    ALIGNED = "aligned"
    ENGINE = "engine"
    HAND = "hand"

    @property
    def letter(self) -> str:
        return self.value[0]


_SOURCE_BY_LETTER = {source.letter: source for source in WordTimingSource}


class TimingSummary(BaseModel):
    """How a run timed its words: the aligner and its acoustic model, and the source of every word."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid", strict=True)

    aligner: Text | None = None  # e.g. "pocketsphinx 5.1.1"; None: no aligner ran
    acoustic_model: Text | None = Field(default=None, alias="acousticModel")
    aligned: int = Field(default=0, ge=0)
    engine_timed: int = Field(default=0, ge=0, alias="engineTimed")
    hand_set: int = Field(default=0, ge=0, alias="handSet")
    word_sources: str = Field(default="", alias="wordSources", pattern=r"^[aeh]*$")
    notice: Text | None = None  # what the user was told, e.g. why some words kept the engine's times

    @model_validator(mode="after")
    def _counts_match_sources(self) -> TimingSummary:
        counted = (self.aligned, self.engine_timed, self.hand_set)
        letters = tuple(self.word_sources.count(source.letter) for source in WordTimingSource)
        if counted != letters:
            raise ValueError(f"counts {counted} do not match wordSources {letters} (aligned, engine, hand)")
        return self

    @classmethod
    def of_sources(
        cls,
        sources: Iterable[WordTimingSource],
        aligner: str | None = None,
        acoustic_model: str | None = None,
        notice: str | None = None,
    ) -> TimingSummary:
        letters = "".join(source.letter for source in sources)
        return cls(
            aligner=aligner,
            acoustic_model=acoustic_model,
            aligned=letters.count("a"),
            engine_timed=letters.count("e"),
            hand_set=letters.count("h"),
            word_sources=letters,
            notice=notice,
        )

    def sources(self) -> tuple[WordTimingSource, ...]:
        return tuple(_SOURCE_BY_LETTER[letter] for letter in self.word_sources)
