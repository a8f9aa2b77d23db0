"""The domain transcript: words with times in ticks, as engines produce and editors change them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from metavis_gui.contract.encoder_summary import EncoderSummary
from metavis_gui.contract.word_timing import WordTimingSource


class TranscriptWord(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str = Field(min_length=1)
    start_ticks: int = Field(ge=0)
    end_ticks: int = Field(ge=0)
    confidence: float = Field(ge=0.0, le=1.0)
    segment_index: int = Field(default=0, ge=0)
    timing_source: WordTimingSource = WordTimingSource.ENGINE

    @model_validator(mode="after")
    def _end_not_before_start(self) -> TranscriptWord:
        if self.end_ticks < self.start_ticks:
            raise ValueError(f"word {self.text!r} ends ({self.end_ticks}) before it starts ({self.start_ticks})")
        return self

    def shifted(self, offset_ticks: int) -> TranscriptWord:
        return self.model_copy(
            update={"start_ticks": self.start_ticks + offset_ticks, "end_ticks": self.end_ticks + offset_ticks}
        )


class Transcript(BaseModel):
    model_config = ConfigDict(frozen=True)

    words: tuple[TranscriptWord, ...] = ()
    language: str | None = None
    encoder: EncoderSummary | None = None  # where the engine ran its encoder, when it said

    def shifted(self, offset_ticks: int) -> Transcript:
        """Times moved by offset_ticks, so they refer to the whole source file when only a part was transcribed."""
        if offset_ticks == 0:
            return self
        return self.model_copy(update={"words": tuple(word.shifted(offset_ticks) for word in self.words)})

    def clipped_to(self, duration_ticks: int) -> Transcript:
        """Engines pad the last window; no word may end after the media does."""
        clipped = tuple(
            word.model_copy(
                update={
                    "start_ticks": min(word.start_ticks, duration_ticks),
                    "end_ticks": min(word.end_ticks, duration_ticks),
                }
            )
            for word in self.words
        )
        return self.model_copy(update={"words": clipped})
