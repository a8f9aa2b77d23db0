"""The `transcript generate --json` event stream: one JSON object a line on stdout, told apart by `event`.

Its JSON Schema, `resources/transcript-generate-events.v1.schema.json`, is generated from these models
(a test keeps the file equal to them). After changing a model, regenerate it with `REGENERATE_COMMAND`;
a change that breaks a reader needs a v2 file, not an edit.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator
from pydantic.alias_generators import to_camel

from metavis_gui.cli.exit_codes import ErrorCode, ExitCode
from metavis_gui.jobs.transcription_request import JobStage

SCHEMA_FILE_NAME = "transcript-generate-events.v1.schema.json"
REGENERATE_COMMAND = (
    ".venv/bin/python -c 'from metavis_gui.cli.json_events import event_schema_text as text; print(text(), end=\"\")'"
    f" > resources/{SCHEMA_FILE_NAME}"
)


class WarningCode(StrEnum):
    UNKNOWN_ARGUMENTS = "unknown_arguments"  # ignored; an error under --strict
    IGNORED_VALUE = "ignored_value"  # a value that is not a number or not true/false, taken as the original does
    COREML_UNAVAILABLE = "coreml_unavailable"  # whispercpp-coreml asked for, the CPU build runs
    NO_SPEECH = "no_speech"
    ALIGNMENT = "alignment"  # some or all words keep the engine's times, and why


class _Event(BaseModel):
    # Every key is written on every line (null where unknown), so the schema marks them all required.
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_serialization_defaults_required=True,
    )


class ProgressEvent(_Event):
    """Written when a stage's whole percent changes."""

    event: Literal["progress"] = "progress"
    stage: JobStage
    stage_percent: float = Field(ge=0, le=100)
    percent: float = Field(ge=0, le=100, description="the whole job")
    eta_seconds: float | None = Field(
        default=None, ge=0, description="seconds left in the transcribing or aligning stage, from its rate so far"
    )


class SegmentEvent(_Event):
    """A stretch of text the engine recognised, as it goes; times refer to the whole source file."""

    event: Literal["segment"] = "segment"
    start_seconds: float = Field(ge=0)
    end_seconds: float = Field(ge=0)
    text: str
    words_so_far: int = Field(ge=0, description="words recognised up to and including this segment")


class WarningEvent(_Event):
    event: Literal["warning"] = "warning"
    code: WarningCode
    message: str


class ResultTiming(_Event):
    """How the words were timed, when alignment was tried."""

    aligner: str | None
    acoustic_model: str | None
    aligned: int = Field(ge=0)
    engine_timed: int = Field(ge=0)


class ResultEvent(_Event):
    """The last line of a run that succeeded."""

    event: Literal["result"] = "result"
    output_paths: tuple[str, ...]
    word_count: int = Field(ge=0)
    language: str | None
    duration_seconds: float = Field(ge=0)
    timing: ResultTiming | None
    exit_code: Literal[ExitCode.DONE] = ExitCode.DONE


class ErrorEvent(_Event):
    """The last line of a run that did not succeed; `code` is stable, `message` is for people."""

    event: Literal["error"] = "error"
    code: ErrorCode
    message: str
    details: str | None = Field(default=None, description="the engine's own output, when it has some")
    exit_code: ExitCode

    @model_validator(mode="after")
    def _exit_code_matches(self) -> ErrorEvent:
        if self.exit_code != self.code.exit_code:
            raise ValueError(
                f"exit code {self.exit_code} does not go with {self.code}, which exits {self.code.exit_code}"
            )
        return self

    @classmethod
    def of(cls, code: ErrorCode, message: str, details: str | None = None) -> ErrorEvent:
        return cls(code=code, message=message, details=details or None, exit_code=code.exit_code)


GenerateEvent = Annotated[
    ProgressEvent | SegmentEvent | WarningEvent | ResultEvent | ErrorEvent, Field(discriminator="event")
]
GENERATE_EVENT = TypeAdapter[GenerateEvent](GenerateEvent)


def event_line(event: BaseModel) -> str:
    return event.model_dump_json(by_alias=True)


def write_event(event: BaseModel) -> None:
    sys.stdout.write(event_line(event) + "\n")
    sys.stdout.flush()


def event_schema() -> dict[str, Any]:
    schema = GENERATE_EVENT.json_schema(by_alias=True, mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "metavis-transcribe transcript generate --json events, v1",
        "description": "Each line of stdout under --json is one of these objects; `event` tells which.",
        **schema,
    }


def event_schema_text() -> str:
    return json.dumps(event_schema(), indent=2, ensure_ascii=False) + "\n"
