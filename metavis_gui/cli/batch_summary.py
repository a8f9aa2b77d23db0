"""`batch.summary.json` in a batch's `--out`: what each input gave, and what a re-run needs to skip it.

An input is current, and skipped unless `--force`, when the last summary says it was done (or skipped as
current) with the same input fingerprint and the same output-changing options, and its files are still there.
The fingerprint is the size, the modification time (ns) and a SHA-256 of the first and last MiB, not of
the whole file: reading a 3-hour video in full to learn it is unchanged would take longer than it saves,
and an edit that keeps size, mtime and both ends is not something editors' tools do.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from metavis_gui.cli.exit_codes import ErrorCode
from metavis_gui.cli.json_events import InputStatus
from metavis_gui.contract.atomic_write import write_bytes_atomic

SUMMARY_FILE_NAME = "batch.summary.json"
_ENDS_BYTES = 1 << 20


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, alias_generator=to_camel, populate_by_name=True, extra="ignore")


class InputFingerprint(_Record):
    size: int = Field(ge=0)
    mtime_ns: int
    sha256_first_last_mib: str


class OutputOptions(_Record):
    """The options that change what a run writes; `threads` and `--jobs` do not, so they are not here."""

    engine: str
    model: str | None  # as given (--model, else WHISPERCPP_MODEL), None: the default
    language: str | None
    start_seconds: float
    max_seconds: float | None
    align: str
    write_adjacent_captions: bool
    # Every other option of the command (exports, VAD, audio stream, ...) as given: added options count too.
    others: dict[str, str] = Field(default_factory=dict)


class InputRecord(_Record):
    input: str  # absolute path
    out_dir: str
    status: InputStatus
    fingerprint: InputFingerprint | None  # None: the input could not be read
    options: OutputOptions
    output_paths: tuple[str, ...] = ()
    word_count: int | None = None
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    error_code: ErrorCode | None = None
    message: str | None = None


class BatchSummary(_Record):
    format: str = "metavis-transcribe.batch-summary.v1"
    out_dir: str
    jobs: int
    threads_per_job: int
    inputs: tuple[InputRecord, ...]


class SummaryUnreadable(ValueError):
    pass


def fingerprint_of(media: Path) -> InputFingerprint:
    status = media.stat()
    digest = hashlib.sha256()
    with media.open("rb") as file:
        digest.update(file.read(_ENDS_BYTES))
        if status.st_size > _ENDS_BYTES:
            file.seek(max(_ENDS_BYTES, status.st_size - _ENDS_BYTES))
            digest.update(file.read(_ENDS_BYTES))
    return InputFingerprint(size=status.st_size, mtime_ns=status.st_mtime_ns, sha256_first_last_mib=digest.hexdigest())


def read_summary(out_parent: Path) -> BatchSummary | None:
    """The last batch's summary, None when there is none; SummaryUnreadable when it is damaged."""
    path = out_parent / SUMMARY_FILE_NAME
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SummaryUnreadable(f"{path}: {error.strerror or error}") from error
    try:
        return BatchSummary.model_validate_json(text)
    except (ValidationError, ValueError, RecursionError) as error:
        raise SummaryUnreadable(f"{path} is not a batch summary this version reads") from error


def write_summary(out_parent: Path, summary: BatchSummary) -> Path:
    out_parent.mkdir(parents=True, exist_ok=True)
    path = out_parent / SUMMARY_FILE_NAME
    write_bytes_atomic(path, (summary.model_dump_json(by_alias=True, indent=2) + "\n").encode("utf-8"))
    return path


def current_record(
    previous: BatchSummary | None, media: Path, out_dir: Path, fingerprint: InputFingerprint, options: OutputOptions
) -> InputRecord | None:
    """The last run's record of `media` when its outputs are current, else None."""
    if previous is None:
        return None
    for record in previous.inputs:
        if record.input != str(media) or record.status is InputStatus.FAILED:
            continue
        same = record.out_dir == str(out_dir) and record.fingerprint == fingerprint and record.options == options
        if same and record.output_paths and all(os.path.isfile(path) for path in record.output_paths):
            return record
    return None
