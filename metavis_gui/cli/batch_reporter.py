"""What a batch tells while and after it runs.

stderr: on a terminal one progress bar line redrawn in place, with a line above it per finished input;
otherwise plain lines (one when an input starts and one when it ends), never carriage returns. Then a table
of every input. stdout: the written paths, or under --json only events (`InputStartedEvent` and the rest).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from metavis_gui.cli.batch_inputs import BatchInput
from metavis_gui.cli.batch_summary import InputRecord
from metavis_gui.cli.exit_codes import ErrorCode, ExitCode
from metavis_gui.cli.json_events import (
    BatchResultEvent,
    BatchStartedEvent,
    ErrorEvent,
    InputFinishedEvent,
    InputProgressEvent,
    InputStartedEvent,
    InputStatus,
    WarningEvent,
    write_event,
)
from metavis_gui.jobs.transcription_request import JobProgress

PROGRAM = "metavis-transcribe"
BAR_WIDTH = 24
_REDRAW_SECONDS = 0.1


def progress_bar_line(fraction: float, finished: int, total: int, running: Sequence[str]) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * BAR_WIDTH)
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    now = f"  {', '.join(running)}" if running else ""
    return f"[{bar}] {fraction * 100:3.0f}%  {finished}/{total} finished{now}"


class BatchReporter:
    def __init__(
        self,
        *,
        quiet: bool,
        json_lines: bool,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._quiet = quiet
        self._json_lines = json_lines
        self._stream = stream or sys.stderr
        self._terminal = self._stream.isatty()
        self._clock = clock
        self._inputs: list[BatchInput] = []
        self._fractions: dict[BatchInput, float] = {}
        self._stages: dict[BatchInput, str] = {}
        self._last_event_step: dict[BatchInput, tuple[str, int]] = {}
        self._finished = 0
        self._last_redraw = -1.0
        self._bar_shown = False

    def _say(self, text: str) -> None:
        self._clear_bar()
        print(text, file=self._stream, flush=True)
        self._draw_bar(force=True)

    def started(self, inputs: Sequence[BatchInput], jobs: int, threads_per_job: int) -> None:
        self._inputs = list(inputs)
        if not self._quiet:
            parent = inputs[0].out_dir.parent if inputs else ""
            threads = f"{threads_per_job} engine thread{'s' if threads_per_job != 1 else ''}"
            self._say(f"{len(inputs)} inputs into {parent}, {jobs} at a time, {threads} each")
        if self._json_lines:
            write_event(
                BatchStartedEvent(
                    inputs=tuple(str(each.media) for each in inputs),
                    out_dirs=tuple(str(each.out_dir) for each in inputs),
                    jobs=jobs,
                    threads_per_job=threads_per_job,
                )
            )

    def warned(self, warning: WarningEvent) -> None:
        self._say(f"{PROGRAM}: {warning.message}")
        if self._json_lines:
            write_event(warning)

    def input_started(self, item: BatchInput) -> None:
        self._fractions[item] = 0.0
        if not self._quiet and not self._terminal:
            self._say(f"[{self._number(item)}] started  {item.media.name} -> {item.out_dir}")
        if self._json_lines:
            write_event(InputStartedEvent(input=str(item.media), out_dir=str(item.out_dir)))
        self._draw_bar(force=True)

    def input_progressed(self, item: BatchInput, progress: JobProgress) -> None:
        self._fractions[item] = progress.fraction
        self._stages[item] = progress.stage.value
        stage_percent = progress.stage_fraction * 100
        step = (progress.stage.value, int(stage_percent))
        if self._json_lines and self._last_event_step.get(item) != step:
            self._last_event_step[item] = step
            write_event(
                InputProgressEvent(
                    input=str(item.media),
                    stage=progress.stage,
                    stage_percent=round(stage_percent, 1),
                    percent=round(progress.fraction * 100, 1),
                )
            )
        self._draw_bar()

    def input_finished(self, item: BatchInput, record: InputRecord) -> None:
        self._finished += 1
        self._fractions[item] = 1.0
        self._stages.pop(item, None)
        if record.status is InputStatus.FAILED or not self._quiet:
            self._say(f"[{self._number(item)}] {record.status.value:<8} {item.media.name}: {_outcome_text(record)}")
        if self._json_lines:
            write_event(
                InputFinishedEvent(
                    input=record.input,
                    out_dir=record.out_dir,
                    status=record.status,
                    output_paths=record.output_paths,
                    word_count=record.word_count,
                    seconds=round(record.seconds, 2),
                    warnings=record.warnings,
                    error_code=record.error_code,
                    message=record.message,
                )
            )

    def finished(self, records: Sequence[InputRecord], summary_path: str, exit_code: ExitCode) -> None:
        self._clear_bar()
        counts = {status: sum(record.status is status for record in records) for status in InputStatus}
        if not self._quiet:
            print(results_table(records), file=self._stream, flush=True)
        print(
            f"{counts[InputStatus.DONE]} done, {counts[InputStatus.SKIPPED]} skipped (current), "
            f"{counts[InputStatus.FAILED]} failed; summary: {summary_path}",
            file=self._stream,
            flush=True,
        )
        if self._json_lines:
            write_event(
                BatchResultEvent(
                    done=counts[InputStatus.DONE],
                    skipped=counts[InputStatus.SKIPPED],
                    failed=counts[InputStatus.FAILED],
                    summary_path=summary_path,
                    exit_code=exit_code,
                )
            )
            return
        for record in records:
            if record.status is InputStatus.DONE:
                for path in record.output_paths:
                    print(path, flush=True)

    def failed(self, error: ErrorEvent) -> None:
        self._clear_bar()
        newline = "\n" if error.code is ErrorCode.INTERRUPTED else ""
        print(f"{newline}{PROGRAM}: {error.message}", file=self._stream, flush=True)
        if self._json_lines:
            write_event(error)

    def _number(self, item: BatchInput) -> str:
        return f"{self._inputs.index(item) + 1}/{len(self._inputs)}"

    def _draw_bar(self, force: bool = False) -> None:
        if not self._terminal or not self._inputs:
            return
        now = self._clock()
        if not force and now - self._last_redraw < _REDRAW_SECONDS:
            return
        self._last_redraw = now
        fraction = sum(self._fractions.values()) / len(self._inputs)
        running = [f"{item.media.name} {stage}" for item, stage in self._stages.items()]
        line = progress_bar_line(fraction, self._finished, len(self._inputs), running)
        self._stream.write("\r\x1b[K" + line)
        self._stream.flush()
        self._bar_shown = True

    def _clear_bar(self) -> None:
        if self._bar_shown:
            self._stream.write("\r\x1b[K")
            self._bar_shown = False


def _outcome_text(record: InputRecord) -> str:
    if record.status is InputStatus.DONE:
        return f"{record.word_count} words in {record.seconds:.1f} s -> {record.out_dir}"
    if record.status is InputStatus.SKIPPED:
        return f"{record.message} -> {record.out_dir}"
    return f"{record.error_code.value if record.error_code else 'failed'}: {record.message}"


def results_table(records: Sequence[InputRecord]) -> str:
    rows = [("input", "status", "words", "seconds", "out / why")]
    for record in records:
        words = "-" if record.word_count is None else str(record.word_count)
        seconds = f"{record.seconds:.1f}" if record.status is InputStatus.DONE else "-"
        where = record.out_dir if record.status is not InputStatus.FAILED else f"{record.error_code}: {record.message}"
        rows.append((_name(record.input), record.status.value, words, seconds, where))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return "\n".join(
        f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]:>{widths[3]}}  {row[4]}"
        for row in rows
    )


def _name(path: str) -> str:
    return Path(path).name
