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
from pydantic_core import PydanticSerializationError

from metavis_gui.cli.exit_codes import ErrorCode, ExitCode
from metavis_gui.contract.file_name_text import file_name_text
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
    AUDIO_STREAM = "audio_stream"  # the media has several audio streams: which one runs, how to pick another
    TRUNCATED_MEDIA = "truncated_media"  # less audio decoded than the media says it holds: the file is cut off
    THREADS_BOUNDED = "threads_bounded"  # --threads above the CPUs this process may use, lowered to them
    JOBS_BOUNDED = "jobs_bounded"  # batch: --jobs above the core count, lowered to it
    SHARED_ADJACENT_CAPTIONS = "shared_adjacent_captions"  # batch: two inputs would write one <stem>.captions.vtt
    SUMMARY_UNREADABLE = "summary_unreadable"  # batch: the last batch.summary.json could not be read; all inputs run


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


class InputStatus(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"  # its outputs are current: same input fingerprint and options as the last batch
    FAILED = "failed"


class BatchStartedEvent(_Event):
    """The first line of a batch (several --input values, a folder or a glob): what will run, and where."""

    event: Literal["batch_started"] = "batch_started"
    inputs: tuple[str, ...]
    out_dirs: tuple[str, ...] = Field(description="one folder per input, in the order of `inputs`")
    jobs: int = Field(ge=1, description="inputs transcribed at once")
    threads_per_job: int = Field(ge=1)


class InputStartedEvent(_Event):
    event: Literal["input_started"] = "input_started"
    input: str
    out_dir: str


class InputProgressEvent(_Event):
    """A batch's progress of one input, when a stage's whole percent changes."""

    event: Literal["input_progress"] = "input_progress"
    input: str
    stage: JobStage
    stage_percent: float = Field(ge=0, le=100)
    percent: float = Field(ge=0, le=100, description="the whole job of this input")


class InputFinishedEvent(_Event):
    """One input of a batch is done, skipped or failed; a failure does not stop the others."""

    event: Literal["input_finished"] = "input_finished"
    input: str
    out_dir: str
    status: InputStatus
    output_paths: tuple[str, ...]
    word_count: int | None = Field(ge=0)
    seconds: float = Field(ge=0, description="wall-clock time this input took in this run")
    warnings: tuple[str, ...]
    error_code: ErrorCode | None
    message: str | None = Field(description="why it failed or was skipped")


class BatchResultEvent(_Event):
    """The last line of a batch that ran to its end: exit code 0 when none failed, else 1."""

    event: Literal["batch_result"] = "batch_result"
    done: int = Field(ge=0)
    skipped: int = Field(ge=0)
    failed: int = Field(ge=0)
    summary_path: str
    exit_code: Literal[ExitCode.DONE, ExitCode.FAILED]


GenerateEvent = Annotated[
    ProgressEvent
    | SegmentEvent
    | WarningEvent
    | ResultEvent
    | ErrorEvent
    | BatchStartedEvent
    | InputStartedEvent
    | InputProgressEvent
    | InputFinishedEvent
    | BatchResultEvent,
    Field(discriminator="event"),
]
GENERATE_EVENT = TypeAdapter[GenerateEvent](GenerateEvent)


def event_line(event: BaseModel) -> str:
    try:
        return event.model_dump_json(by_alias=True)
    except PydanticSerializationError:
        # A file name that is not UTF-8 (b'take\xff.wav') in a path or message: U+FFFD for its odd bytes.
        document = _text_without_surrogates(event.model_dump(mode="json", by_alias=True))
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _text_without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return file_name_text(value)
    if isinstance(value, dict):
        return {key: _text_without_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_text_without_surrogates(item) for item in value]
    return value


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
