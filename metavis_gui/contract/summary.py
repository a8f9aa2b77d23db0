"""`transcript.summary.v1.json`: what was transcribed, with which tool, how many words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from metavis_gui.contract.atomic_write import write_bytes_atomic
from metavis_gui.contract.bounded_reading import (
    MAX_DOCUMENT_BYTES,
    JsonRefused,
    decode_contract_text,
    loads_bounded,
    read_contract_bytes,
)
from metavis_gui.contract.encoder_summary import EncoderSummary
from metavis_gui.contract.errors import TranscriptFileInvalid
from metavis_gui.contract.word_record import MAX_TICKS, Text
from metavis_gui.contract.word_timing import TimingSummary

SUMMARY_SCHEMA = "transcript.summary.v1"
MAX_FILE_NAME_BYTES = 255  # what common file systems allow; a longer name cannot be the media's


class ToolInfo(BaseModel):
    """The engine that produced the words."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    name: Text = Field(min_length=1)
    version: Text | None = None
    model: Text = Field(min_length=1)


class TranscriptSummary(BaseModel):
    """The summary file; aliases are its keys."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid", strict=True)

    # Not `schema`: that name shadows a BaseModel method.
    schema_name: Literal["transcript.summary.v1"] = Field(default=SUMMARY_SCHEMA, alias="schema")
    input_file_name: Text = Field(alias="input", min_length=1)
    duration_seconds: Annotated[float, Field(ge=0.0, le=MAX_TICKS / 60_000, allow_inf_nan=False)] = Field(
        alias="durationSeconds"
    )
    language: Text | None
    tool: ToolInfo
    word_count: Annotated[int, Field(ge=0)] = Field(alias="wordCount")
    # Not in the contract's list; readers that do not know it skip it. Absent when no alignment was tried.
    timing: TimingSummary | None = None
    # Likewise optional: absent unless the engine said where its encoder ran (a Core ML build of whisper.cpp).
    encoder: EncoderSummary | None = None

    @field_validator("input_file_name")
    @classmethod
    def _file_name_only(cls, name: str) -> str:
        # Downstream tools compare it with the media's name; a path would leak local folders.
        if "/" in name or "\\" in name or name in {".", ".."}:
            raise ValueError(f"input must be a file name without folders, got {name!r}")
        if "\x00" in name or len(name.encode("utf-8", "surrogatepass")) > MAX_FILE_NAME_BYTES:
            raise ValueError(f"input must be a file name of at most {MAX_FILE_NAME_BYTES} bytes with no NUL")
        return name

    @model_validator(mode="after")
    def _one_timing_source_per_word(self) -> TranscriptSummary:
        if self.timing is not None and len(self.timing.word_sources) != self.word_count:
            raise ValueError(
                f"timing.wordSources has {len(self.timing.word_sources)} letters for {self.word_count} words"
            )
        return self


def serialize_summary(summary: TranscriptSummary) -> bytes:
    """Sorted keys, two-space indent, trailing newline: the same bytes for the same summary."""
    document = summary.model_dump(by_alias=True)
    for optional in ("timing", "encoder"):
        if document[optional] is None:
            del document[optional]  # the summary stays byte for byte what it was before these existed
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def write_summary(path: Path, summary: TranscriptSummary) -> None:
    """Serialize first, then replace `path` atomically."""
    write_bytes_atomic(Path(path), serialize_summary(summary))


def read_summary(path: Path) -> TranscriptSummary:
    """Read and validate a summary file; `schema` must be written, not defaulted.

    Raises `TranscriptFileInvalid` naming the file and what is wrong with it.
    """
    path = Path(path)
    text = decode_contract_text(path, read_contract_bytes(path, MAX_DOCUMENT_BYTES)).removeprefix("\ufeff")
    try:
        document = loads_bounded(text)
    except JsonRefused as error:
        raise TranscriptFileInvalid(path, f"line {error.line}: {error.reason}") from None
    if not isinstance(document, dict):
        raise TranscriptFileInvalid(path, "expected a JSON object")
    if "schema" not in document:
        raise TranscriptFileInvalid(path, "schema: missing required key")
    try:
        return TranscriptSummary.model_validate(document)
    except ValidationError as error:
        details = "; ".join(
            f"{'.'.join(map(str, detail['loc'])) or '(summary)'}: {detail['msg']}"
            for detail in error.errors(include_url=False)
        )
        raise TranscriptFileInvalid(path, details) from None
