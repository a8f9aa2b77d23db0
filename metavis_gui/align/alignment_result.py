"""What alignment hands back: the same words with new times, and where each word's times came from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from metavis_gui.contract.word_timing import WordTimingSource
from metavis_gui.timeline.transcript import TranscriptWord


class AlignmentResult(BaseModel):
    """`words` has the input's count, order and text; `sources[i]` says whether words[i] was aligned."""

    model_config = ConfigDict(frozen=True)

    words: tuple[TranscriptWord, ...]
    sources: tuple[WordTimingSource, ...]
    aligner: str  # "pocketsphinx"
    aligner_version: str
    acoustic_model: str | None  # "en-us"; None when no model covers the language
    aligned_count: int = Field(ge=0)
    engine_timed_count: int = Field(ge=0)
    notice: str | None = None  # one sentence for the user when some words kept the engine's times

    @model_validator(mode="after")
    def _sources_match_words(self) -> AlignmentResult:
        if len(self.sources) != len(self.words):
            raise ValueError(f"{len(self.sources)} sources for {len(self.words)} words")
        aligned = sum(source is WordTimingSource.ALIGNED for source in self.sources)
        if (aligned, len(self.words) - aligned) != (self.aligned_count, self.engine_timed_count):
            raise ValueError("aligned_count and engine_timed_count must count the sources")
        if any(source is WordTimingSource.HAND for source in self.sources):
            raise ValueError("alignment never marks a word as set by hand")
        return self

    @classmethod
    def of(
        cls,
        words: tuple[TranscriptWord, ...],
        sources: tuple[WordTimingSource, ...],
        *,
        aligner_version: str,
        acoustic_model: str | None,
        notice: str | None,
    ) -> AlignmentResult:
        aligned = sum(source is WordTimingSource.ALIGNED for source in sources)
        return cls(
            words=words,
            sources=sources,
            aligner="pocketsphinx",
            aligner_version=aligner_version,
            acoustic_model=acoustic_model,
            aligned_count=aligned,
            engine_timed_count=len(words) - aligned,
            notice=notice,
        )
