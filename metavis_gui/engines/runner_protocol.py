"""The lines and exit codes our engine runner modules (faster-whisper, openai-whisper) speak to the job runner.

A runner is `python -m metavis_gui.engines.<engine>_runner` in a child process. It prints what the job
runner reads from whisper-cli, so the whisper.cpp adapter's parsers read every engine's live output:
- stderr: `progress = NN%` as decoding advances, and `error: ...` once, on failure;
- stdout: `[HH:MM:SS.mmm --> HH:MM:SS.mmm]  text` per segment, flushed as soon as it is decoded;
- the output file: openai-whisper's JSON shape (`language`, `duration`, `segments[].words[]`), written
  atomically at the end, so a killed run leaves no file behind.

Exit codes: 0 done, 2 bad arguments (argparse's own), 3 the model failed to load, 4 the audio could not be
read, 5 the engine is not installed, 10 transcription failed.

Only the standard library is imported: runners import this before their engine, and must start quickly.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ArgumentsType = TypeVar("ArgumentsType")

EXIT_USAGE = 2
EXIT_MODEL_FAILED = 3
EXIT_AUDIO_FAILED = 4
EXIT_NOT_INSTALLED = 5
EXIT_TRANSCRIPTION_FAILED = 10

_ERROR_PREFIX = "error: "


class RunnerFailed(Exception):
    """A failure the runner reports as one `error:` line and its exit code."""

    def __init__(self, exit_code: int, message: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.message = message


def run_reporting_failure(run: Callable[[ArgumentsType], None], arguments: ArgumentsType) -> int:
    """A runner's main: 0 when `run` finishes, else its RunnerFailed reported as the one error line and code."""
    try:
        run(arguments)
    except RunnerFailed as failure:
        return report_failure(failure.exit_code, failure.message)
    return 0


def report_progress(percent: int) -> None:
    print(f"progress = {percent:3d}%", file=sys.stderr, flush=True)


def report_segment(start_seconds: float, end_seconds: float, text: str) -> None:
    print(f"[{_clock(start_seconds)} --> {_clock(end_seconds)}]  {text.strip()}", flush=True)


def report_failure(exit_code: int, message: str) -> int:
    """Print the one error line the adapter shows the user; returns exit_code for `return report_failure(...)`."""
    print(f"{_ERROR_PREFIX}{message}", file=sys.stderr, flush=True)
    return exit_code


def describe_error(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def write_json_atomically(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def reported_error(stderr: str) -> str:
    """The message of the runner's last `error:` line on stderr, or ""."""
    for line in reversed(stderr.splitlines()):
        if line.startswith(_ERROR_PREFIX):
            return line.removeprefix(_ERROR_PREFIX).strip()
    return ""


def _clock(seconds: float) -> str:
    milliseconds = max(0, round(seconds * 1000))
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"
