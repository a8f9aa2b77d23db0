"""`transcript generate` over several inputs: one folder per input under `--out`, `--jobs` at a time.

Each input runs the one pipeline exactly as the single-input command does (same checks, same files);
a failed input is recorded and the rest go on. `batch.summary.json` in `--out` records each input's
fingerprint and options, so a re-run skips inputs whose outputs are current unless `--force`.
Exit codes: 0 when no input failed (done or skipped), 1 when any did, 2 usage, 3 nothing to transcribe
(an empty folder, a glob matching nothing), 4 `--out` not writable, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Sequence
from pathlib import Path

from metavis_gui.cli.batch_inputs import BatchInput, BatchInputsRefused, batch_inputs, media_of
from metavis_gui.cli.batch_reporter import BatchReporter
from metavis_gui.cli.batch_summary import (
    BatchSummary,
    InputRecord,
    OutputOptions,
    SummaryUnreadable,
    current_record,
    fingerprint_of,
    read_summary,
    write_summary,
)
from metavis_gui.cli.engine_option import coreml_fallback_notice
from metavis_gui.cli.exit_codes import ErrorCode, ExitCode, error_code_of
from metavis_gui.cli.generate_arguments import ArgumentsRefused, DropInOptions, read_drop_in_options
from metavis_gui.cli.generate_command import (
    first_validation_message,
    problem_before_work,
    request_from_arguments,
    warning_event_of,
)
from metavis_gui.cli.json_events import ErrorEvent, InputStatus, WarningCode, WarningEvent
from metavis_gui.cli.output_checks import output_folder_problem
from metavis_gui.contract.transcript_bundle import adjacent_captions_path
from metavis_gui.engines.engine_table import resolve_model_path
from metavis_gui.engines.errors import EngineError
from metavis_gui.jobs.event_loop import Interrupted, run_on_asyncio_loop
from metavis_gui.jobs.transcription_pipeline import JobListener, run_transcription
from metavis_gui.jobs.transcription_request import TranscriptionFailed, TranscriptionRequest, default_thread_count
from metavis_gui.models.errors import ModelError

# Arguments that do not change what a run writes, or that OutputOptions names already.
_NOT_OTHER_OUTPUT_OPTIONS = frozenset(
    {"command", "transcript_command", "input", "out", "jobs", "force", "quiet", "json", "strict", "threads",
     "allow_large", "engine", "engine_name", "model", "language", "start_seconds", "max_seconds", "align",
     "write_adjacent_captions"}
)  # fmt: skip
CANCELLED_MESSAGE = "cancelled; the running engines were stopped. Finished inputs are kept and listed in {summary}."


def run_batch(arguments: argparse.Namespace, unknown: Sequence[str]) -> int:
    reporter = BatchReporter(quiet=arguments.quiet, json_lines=arguments.json)
    out_parent: Path = arguments.out.absolute()
    try:
        options = read_drop_in_options(arguments, unknown)
        items = batch_inputs(media_of(arguments.input), out_parent)
        jobs, threads = _jobs_and_threads(arguments, len(items), reporter)
        requests = {item: _request_for(arguments, options, item, threads) for item in items}
    except ArgumentsRefused as error:
        return _failed(reporter, ErrorEvent.of(ErrorCode.USAGE, str(error)))
    except BatchInputsRefused as error:
        return _failed(reporter, ErrorEvent.of(ErrorCode.INPUT_UNREADABLE, str(error)))
    except ValueError as error:
        return _failed(reporter, ErrorEvent.of(ErrorCode.USAGE, first_validation_message(error)))
    problem = output_folder_problem(out_parent)
    if problem is not None:
        return _failed(reporter, ErrorEvent.of(ErrorCode.OUTPUT_NOT_WRITABLE, problem))
    for warning in options.warnings:
        reporter.warned(warning)
    notice = coreml_fallback_notice(arguments.engine_name)
    if notice:
        reporter.warned(WarningEvent(code=WarningCode.COREML_UNAVAILABLE, message=notice))
    requests = _one_writer_per_adjacent_captions(requests, reporter)
    previous = _previous_summary(out_parent, arguments.force, reporter)
    reporter.started(items, jobs, threads)
    batch = _Batch(requests, previous, reporter, _output_options(arguments, options))
    try:
        run_on_asyncio_loop(batch.run(jobs))
        interrupted = False
    except Interrupted:
        interrupted = True
    records = batch.records_in_order()
    summary_path = write_summary(
        out_parent, BatchSummary(out_dir=str(out_parent), jobs=jobs, threads_per_job=threads, inputs=tuple(records))
    )
    if interrupted:
        message = CANCELLED_MESSAGE.format(summary=summary_path)
        return _failed(reporter, ErrorEvent.of(ErrorCode.INTERRUPTED, message))
    exit_code = ExitCode.FAILED if any(record.status is InputStatus.FAILED for record in records) else ExitCode.DONE
    reporter.finished(records, str(summary_path), exit_code)
    return int(exit_code)


class _Batch:
    def __init__(
        self,
        requests: dict[BatchInput, TranscriptionRequest],
        previous: BatchSummary | None,
        reporter: BatchReporter,
        options: OutputOptions,
    ) -> None:
        self._requests = requests
        self._previous = previous
        self._reporter = reporter
        self._options = options
        self._records: dict[BatchInput, InputRecord] = {}

    def records_in_order(self) -> list[InputRecord]:
        return [self._records[item] for item in self._requests if item in self._records]

    async def run(self, jobs: int) -> None:
        slots = asyncio.Semaphore(jobs)

        async def one(item: BatchInput) -> None:
            async with slots:
                self._reporter.input_started(item)
                record = await self._transcribe(item, self._requests[item])
                self._records[item] = record
                self._reporter.input_finished(item, record)

        await asyncio.gather(*(one(item) for item in self._requests))

    async def _transcribe(self, item: BatchInput, request: TranscriptionRequest) -> InputRecord:
        started = time.monotonic()
        try:
            fingerprint = fingerprint_of(item.media)
        except OSError:
            fingerprint = None  # the input check below says what is wrong with it
        record = InputRecord(
            input=str(item.media),
            out_dir=str(item.out_dir),
            status=InputStatus.FAILED,
            fingerprint=fingerprint,
            options=self._options,
        )
        current = fingerprint and current_record(self._previous, item.media, item.out_dir, fingerprint, self._options)
        if current:
            message = "outputs are current (same input and options as the last batch; --force to redo)"
            return current.model_copy(update={"status": InputStatus.SKIPPED, "seconds": 0.0, "message": message})
        problem = problem_before_work(request)
        if problem is not None:
            update = {"error_code": problem.code, "message": problem.message, "seconds": time.monotonic() - started}
            return record.model_copy(update=update)
        listener = JobListener(
            progressed=lambda progress: self._reporter.input_progressed(item, progress),
            warned=lambda warning: self._reporter.warned(warning_event_of(warning)),
        )
        try:
            outcome = await run_transcription(request, listener)
        except TranscriptionFailed as failure:
            adjacent = adjacent_captions_path(request.input_path) if request.write_adjacent_captions else None
            code = error_code_of(failure.__cause__, request.output_dir, adjacent)
            update = {"error_code": code, "message": failure.message, "seconds": time.monotonic() - started}
            return record.model_copy(update=update)
        warnings = [outcome.notice] if outcome.notice else []
        if outcome.timing is not None and outcome.timing.notice:
            warnings.append(outcome.timing.notice)
        if outcome.encoder is not None and not outcome.encoder.on_coreml:
            warnings.append(outcome.encoder.describe())
        return record.model_copy(
            update={
                "status": InputStatus.DONE,
                "output_paths": tuple(str(path.absolute()) for path in outcome.output_paths),
                "word_count": outcome.word_count,
                "seconds": time.monotonic() - started,
                "warnings": tuple(warnings),
            }
        )


def _jobs_and_threads(arguments: argparse.Namespace, input_count: int, reporter: BatchReporter) -> tuple[int, int]:
    """--jobs at most the core count (with a warning) and the input count; the threads shared between jobs."""
    cores = os.cpu_count() or 1
    asked = arguments.jobs
    if asked < 1:
        raise ArgumentsRefused(f"--jobs {asked}: give 1 or more inputs to transcribe at once")
    if asked > cores:
        message = f"--jobs {asked} is more than the {cores} cores here; running {cores} at once"
        reporter.warned(WarningEvent(code=WarningCode.JOBS_BOUNDED, message=message))
    jobs = max(1, min(asked, cores, input_count))
    total_threads = arguments.threads if arguments.threads is not None else default_thread_count()
    return jobs, max(1, total_threads // jobs)


def _request_for(
    arguments: argparse.Namespace, options: DropInOptions, item: BatchInput, threads: int
) -> TranscriptionRequest:
    one_input = argparse.Namespace(**{**vars(arguments), "input": item.media, "out": item.out_dir, "threads": threads})
    return request_from_arguments(one_input, options)


def _output_options(arguments: argparse.Namespace, options: DropInOptions) -> OutputOptions:
    try:
        model: str | None = str(resolve_model_path(arguments.engine, arguments.model))
    except (EngineError, ModelError, OSError):  # each input then fails with its own message; here just a name
        model = arguments.model
    others = {
        name: str(value) for name, value in sorted(vars(arguments).items()) if name not in _NOT_OTHER_OUTPUT_OPTIONS
    }
    return OutputOptions(
        engine=str(arguments.engine.value if hasattr(arguments.engine, "value") else arguments.engine),
        model=model,
        language=arguments.language,
        start_seconds=options.start_seconds,
        max_seconds=options.max_seconds,
        align=arguments.align,
        write_adjacent_captions=options.write_adjacent_captions,
        others=others,
    )


def _one_writer_per_adjacent_captions(
    requests: dict[BatchInput, TranscriptionRequest], reporter: BatchReporter
) -> dict[BatchInput, TranscriptionRequest]:
    """`a.wav` and `a.mov` side by side would both write `a.captions.vtt`: the first one given does."""
    writers: dict[Path, BatchInput] = {}
    kept: dict[BatchInput, TranscriptionRequest] = {}
    for item, request in requests.items():
        if request.write_adjacent_captions:
            captions = adjacent_captions_path(item.media)
            first = writers.setdefault(captions, item)
            if first is not item:
                message = (
                    f"{item.media.name} and {first.media.name} share {captions}; it is written for "
                    f"{first.media.name} only ({item.media.name}'s captions are in {item.out_dir})"
                )
                reporter.warned(WarningEvent(code=WarningCode.SHARED_ADJACENT_CAPTIONS, message=message))
                request = request.model_copy(update={"write_adjacent_captions": False})
        kept[item] = request
    return kept


def _previous_summary(out_parent: Path, force: bool, reporter: BatchReporter) -> BatchSummary | None:
    if force:
        return None
    try:
        return read_summary(out_parent)
    except SummaryUnreadable as error:
        message = f"{error}; every input runs, and a new summary replaces it"
        reporter.warned(WarningEvent(code=WarningCode.SUMMARY_UNREADABLE, message=message))
        return None


def _failed(reporter: BatchReporter, error: ErrorEvent) -> int:
    reporter.failed(error)
    return int(error.exit_code)
