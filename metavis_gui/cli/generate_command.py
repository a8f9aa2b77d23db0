"""`transcript generate`: one media file into `--out`, checked before the work, with an exit code that says how."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from metavis_gui.cli.engine_option import coreml_fallback_notice
from metavis_gui.cli.exit_codes import ErrorCode, ExitCode, error_code_of
from metavis_gui.cli.generate_arguments import ArgumentsRefused, DropInOptions, read_drop_in_options
from metavis_gui.cli.generate_reporter import GenerateReporter
from metavis_gui.cli.json_events import ErrorEvent, WarningCode, WarningEvent
from metavis_gui.cli.output_checks import adjacent_captions_problem, output_folder_problem
from metavis_gui.cli.thread_option import bounded_threads
from metavis_gui.contract.transcript_bundle import adjacent_captions_path
from metavis_gui.jobs.event_loop import Interrupted, run_on_asyncio_loop
from metavis_gui.jobs.transcription_pipeline import JobListener, run_transcription
from metavis_gui.jobs.transcription_request import (
    JobWarning,
    TranscriptionFailed,
    TranscriptionOutcome,
    TranscriptionRequest,
)
from metavis_gui.media.errors import MediaError
from metavis_gui.media.probe import check_media_file

CANCELLED_MESSAGE = "cancelled; the run was stopped and nothing was written (earlier files in --out are unchanged)."


def run_generate(arguments: argparse.Namespace, unknown: Sequence[str]) -> int:
    reporter = GenerateReporter(quiet=arguments.quiet, json_lines=arguments.json)
    try:
        options = read_drop_in_options(arguments, unknown)
        arguments.threads, threads_warning = bounded_threads(arguments.threads)
        request = request_from_arguments(arguments, options)
    except ArgumentsRefused as error:
        return _failed(reporter, ErrorEvent.of(ErrorCode.USAGE, str(error)))
    except ValueError as error:
        return _failed(reporter, ErrorEvent.of(ErrorCode.USAGE, first_validation_message(error)))
    for warning in (*options.warnings, *([threads_warning] if threads_warning else [])):
        reporter.warned(warning)
    notice = coreml_fallback_notice(arguments.engine_name)
    if notice:
        reporter.warned(WarningEvent(code=WarningCode.COREML_UNAVAILABLE, message=notice))
    problem = problem_before_work(request)
    if problem is not None:
        return _failed(reporter, problem)
    written: list[Path] = []
    listener = JobListener(
        progressed=reporter.progressed,
        segment_recognised=reporter.segment_recognised,
        outputs_written=written.extend,
        warned=lambda warning: reporter.warned(warning_event_of(warning)),
    )
    try:
        outcome = run_on_asyncio_loop(run_transcription(request, listener))
    except Interrupted:
        return _failed(reporter, ErrorEvent.of(ErrorCode.INTERRUPTED, _interrupted_message(written)))
    except TranscriptionFailed as failure:
        adjacent = adjacent_captions_path(request.input_path) if request.write_adjacent_captions else None
        code = error_code_of(failure.__cause__, request.output_dir, adjacent)
        return _failed(reporter, ErrorEvent.of(code, failure.message, failure.details))
    _report_notices(reporter, outcome)
    reporter.finished(outcome)
    return int(ExitCode.DONE)


def request_from_arguments(arguments: argparse.Namespace, options: DropInOptions) -> TranscriptionRequest:
    chosen = {
        "input_path": arguments.input,
        "output_dir": arguments.out,
        "start_seconds": options.start_seconds,
        "max_seconds": options.max_seconds,
        "language": arguments.language,
        "write_adjacent_captions": options.write_adjacent_captions,
        "engine": arguments.engine,
        "model": arguments.model,
        "align": arguments.align,
        "vad": arguments.vad,
        "engine_processes": arguments.engine_processes,
        "coreml_compute_units": getattr(arguments, "coreml_compute_units", None),
        "audio_stream": getattr(arguments, "audio_stream", None),
        "export_formats": tuple(arguments.export),
        "caption_preset": arguments.caption_preset,
    }
    if arguments.threads is not None:
        chosen["threads"] = arguments.threads
    return TranscriptionRequest(**chosen)


def problem_before_work(request: TranscriptionRequest) -> ErrorEvent | None:
    """A missing input (3) or an output that cannot be written (4), told before minutes of work."""
    try:
        check_media_file(request.input_path)
    except MediaError as error:
        return ErrorEvent.of(error_code_of(error, request.output_dir, None), str(error))
    problem = output_folder_problem(request.output_dir)
    if problem is None and request.write_adjacent_captions:
        problem = adjacent_captions_problem(request.input_path)
    return None if problem is None else ErrorEvent.of(ErrorCode.OUTPUT_NOT_WRITABLE, problem)


def _interrupted_message(written: Sequence[Path]) -> str:
    """The outputs are committed as one unit, so either every new file is in place or none is."""
    if not written:
        return CANCELLED_MESSAGE
    listed = ", ".join(str(path) for path in written)
    return f"interrupted after the run had finished writing: all {len(written)} new files are in place ({listed})."


def warning_event_of(warning: JobWarning) -> WarningEvent:
    return WarningEvent(code=WarningCode(warning.kind.value), message=warning.message)


def _report_notices(reporter: GenerateReporter, outcome: TranscriptionOutcome) -> None:
    if outcome.notice:
        reporter.warned(WarningEvent(code=WarningCode.NO_SPEECH, message=outcome.notice))
    if outcome.timing is not None and outcome.timing.notice:
        reporter.warned(WarningEvent(code=WarningCode.ALIGNMENT, message=outcome.timing.notice))


def _failed(reporter: GenerateReporter, error: ErrorEvent) -> int:
    reporter.failed(error)
    return int(error.exit_code)


def first_validation_message(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ()))
        return f"{field}: {first.get('msg', error)}".removeprefix(": ")
    return str(error)
