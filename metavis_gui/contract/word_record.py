"""One line of `transcript.words.v1.jsonl`, and how to build a file's worth of them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

WORD_SCHEMA = "transcript.word.v1"

# [0-9] rather than \d: Python's \d also matches non-ASCII digits.
WORD_ID_PATTERN = r"^w_(0|[1-9][0-9]*)_(0|[1-9][0-9]*)_([1-9][0-9]*)$"
_WORD_ID_REGEX = re.compile(WORD_ID_PATTERN)


def _require_utf8_encodable(text: str) -> str:
    # json.loads lets "\ud800" escapes through; they could never be written back as UTF-8.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"contains a character UTF-8 cannot hold at index {error.start}") from None
    return text


# The largest integer every JSON reader holds exactly (2**53 - 1): about 4 700 years of ticks. Larger values
# are damage, and would overflow the floats that seconds and pixels are computed in.
MAX_TICKS = 9_007_199_254_740_991

Text = Annotated[str, AfterValidator(_require_utf8_encodable)]
Ticks = Annotated[int, Field(ge=0, le=MAX_TICKS)]
Confidence = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


def format_word_id(start_ticks: int, end_ticks: int, occurrence: int) -> str:
    """The contract's wordId: `w_<start>_<end>_<n>`, n counting from 1."""
    return f"w_{start_ticks}_{end_ticks}_{occurrence}"


def parse_word_id(word_id: str) -> tuple[int, int, int] | None:
    """(start, end, n) of a well-formed wordId, else None."""
    match = _WORD_ID_REGEX.fullmatch(word_id)
    if match is None:
        return None
    start, end, occurrence = match.groups()
    return int(start), int(end), int(occurrence)


def _check_word(word: str) -> str:
    if not word:
        raise ValueError("word must not be empty")
    if word != word.strip():
        raise ValueError(f"word must be trimmed of surrounding whitespace, got {word!r}")
    return word


class WordRecord(BaseModel):
    """A word exactly as the contract writes it; aliases are the file's keys.

    Field order matters: cross-field checks read fields declared before them.
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid", strict=True)

    # Not `schema`: that name shadows a BaseModel method.
    schema_name: Literal["transcript.word.v1"] = Field(alias="schema")
    word: Annotated[Text, AfterValidator(_check_word)]
    confidence: Confidence
    source_time_ticks: Ticks = Field(alias="sourceTimeTicks")
    source_time_end_ticks: Ticks = Field(alias="sourceTimeEndTicks")
    word_id: str = Field(alias="wordId", pattern=WORD_ID_PATTERN)
    speaker_id: Text | None = Field(default=None, alias="speakerId")
    speaker_label: Text | None = Field(default=None, alias="speakerLabel")
    timeline_time_ticks: Ticks | None = Field(default=None, alias="timelineTimeTicks")
    timeline_time_end_ticks: Ticks | None = Field(default=None, alias="timelineTimeEndTicks")
    clip_id: Text | None = Field(default=None, alias="clipId")
    segment_id: Text | None = Field(default=None, alias="segmentId")
    # Set only by validation, so writers can trust a record without checking it twice;
    # model_construct leaves it False, and model_copy with changes validates again.
    _validated: bool = PrivateAttr(default=False)

    @model_validator(mode="after")
    def _stamp_validated(self) -> WordRecord:
        self._validated = True
        return self

    @property
    def is_validated(self) -> bool:
        private = self.__pydantic_private__  # read directly: pydantic's __getattr__ is slow on a hot path
        return bool(private and private.get("_validated"))

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> WordRecord:
        if update:
            return type(self).model_validate({**self.model_dump(), **update})
        return super().model_copy(deep=deep)

    @field_validator("source_time_end_ticks")
    @classmethod
    def _end_not_before_start(cls, end: int, info: ValidationInfo) -> int:
        start = info.data.get("source_time_ticks")
        if start is not None and end < start:
            raise ValueError(f"sourceTimeEndTicks {end} is before sourceTimeTicks {start}")
        return end

    @field_validator("word_id")
    @classmethod
    def _word_id_matches_ticks(cls, word_id: str, info: ValidationInfo) -> str:
        start = info.data.get("source_time_ticks")
        end = info.data.get("source_time_end_ticks")
        # The field's pattern already holds, so the prefix decides (a prefix test is cheap on long files).
        if start is not None and end is not None and not word_id.startswith(f"w_{start}_{end}_"):
            raise ValueError(f"wordId {word_id!r} does not match its ticks, expected 'w_{start}_{end}_<n>'")
        return word_id

    @field_validator("timeline_time_end_ticks")
    @classmethod
    def _timeline_end_not_before_start(cls, end: int | None, info: ValidationInfo) -> int | None:
        start = info.data.get("timeline_time_ticks")
        if start is not None and end is not None and end < start:
            raise ValueError(f"timelineTimeEndTicks {end} is before timelineTimeTicks {start}")
        return end


class WordDraft(BaseModel):
    """A word as an engine or an edit produces it, before ids and ordering exist."""

    model_config = ConfigDict(frozen=True, strict=True)

    word: Text
    start_ticks: Ticks
    end_ticks: Ticks
    confidence: Confidence = 1.0
    segment_id: Text | None = None
    speaker_id: Text | None = None
    speaker_label: Text | None = None
    timeline_start_ticks: Ticks | None = None
    timeline_end_ticks: Ticks | None = None
    clip_id: Text | None = None

    @model_validator(mode="after")
    def _check_times_and_text(self) -> WordDraft:
        if not self.word.strip():
            raise ValueError("word must not be empty or only whitespace")
        if self.end_ticks < self.start_ticks:
            raise ValueError(f"end_ticks {self.end_ticks} is before start_ticks {self.start_ticks}")
        if (self.timeline_start_ticks is None) != (self.timeline_end_ticks is None):
            raise ValueError("timeline_start_ticks and timeline_end_ticks are given together or not at all")
        if (
            self.timeline_start_ticks is not None
            and self.timeline_end_ticks is not None
            and self.timeline_end_ticks < self.timeline_start_ticks
        ):
            raise ValueError(
                f"timeline_end_ticks {self.timeline_end_ticks} is before "
                f"timeline_start_ticks {self.timeline_start_ticks}"
            )
        return self


def build_word_records(drafts: Iterable[WordDraft]) -> list[WordRecord]:
    """Order drafts as the contract wants and give each its wordId.

    Order is (start, end, original order); sorted() is stable, so equal spans keep
    their input order and n counts them 1, 2, ... in that order. Without a
    timeline position a word sits at its source time (no edit).
    """
    ordered = sorted(drafts, key=lambda draft: (draft.start_ticks, draft.end_ticks))
    occurrences_by_span: dict[tuple[int, int], int] = {}
    records: list[WordRecord] = []
    for draft in ordered:
        span = (draft.start_ticks, draft.end_ticks)
        occurrence = occurrences_by_span.get(span, 0) + 1
        occurrences_by_span[span] = occurrence
        has_timeline = draft.timeline_start_ticks is not None
        records.append(
            WordRecord(
                schema_name=WORD_SCHEMA,
                word_id=format_word_id(draft.start_ticks, draft.end_ticks, occurrence),
                word=draft.word.strip(),
                confidence=draft.confidence,
                source_time_ticks=draft.start_ticks,
                source_time_end_ticks=draft.end_ticks,
                speaker_id=draft.speaker_id,
                speaker_label=draft.speaker_label,
                timeline_time_ticks=draft.timeline_start_ticks if has_timeline else draft.start_ticks,
                timeline_time_end_ticks=draft.timeline_end_ticks if has_timeline else draft.end_ticks,
                clip_id=draft.clip_id,
                segment_id=draft.segment_id,
            )
        )
    return records
