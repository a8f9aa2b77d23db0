"""metavis-transcribe: the headless command, a drop-in for MetaVis's `transcript generate`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from metavis_gui.cli.engine_option import add_engine_option
from metavis_gui.cli.model_manager_commands import (
    MODEL_MANAGER_COMMANDS,
    add_model_manager_commands,
    run_model_manager_command,
)
from metavis_gui.engines.engine_command import LiveSegment
from metavis_gui.jobs.alignment_stage import FROZEN_ALIGNER_COMMAND
from metavis_gui.jobs.event_loop import Interrupted, run_on_qt_loop
from metavis_gui.jobs.transcription_pipeline import JobListener, run_transcription
from metavis_gui.jobs.transcription_request import AlignMode, JobProgress, TranscriptionFailed, TranscriptionRequest

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, not {text!r}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="metavis-transcribe", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    transcript = commands.add_parser("transcript", help="make word-level transcripts")
    transcript_commands = transcript.add_subparsers(dest="transcript_command", required=True)
    generate = transcript_commands.add_parser("generate", help="transcribe one media file into --out")
    generate.add_argument("--input", required=True, type=Path, help="any audio or video file FFmpeg reads")
    generate.add_argument("--out", required=True, type=Path, help="folder for the three transcript files")
    generate.add_argument("--start-seconds", type=float, default=0.0)
    generate.add_argument("--max-seconds", type=float, default=None)
    generate.add_argument("--language", default=None, help="a language code, or auto (the default) to detect")
    generate.add_argument("--write-adjacent-captions", type=_boolean, default=False, metavar="true|false")
    add_engine_option(generate)
    generate.add_argument("--model", default=None, help="a model name (tiny.en, base, ...) or a model file")
    generate.add_argument("--threads", type=int, default=None)
    generate.add_argument(
        "--align",
        choices=[mode.value for mode in AlignMode],
        default=AlignMode.AUTO.value,
        help="auto (the default): time the words from the audio where an acoustic model covers the language; "
        "off: keep the engine's own word times",
    )
    generate.add_argument("--quiet", action="store_true", help="print only errors and the written paths")

    models = commands.add_parser("models", help="list, import and install models")
    model_commands = models.add_subparsers(dest="models_command", required=True)
    model_commands.add_parser("list", help="installed whisper.cpp models")
    import_ct2 = model_commands.add_parser("import-ct2", help="convert a faster-whisper (CTranslate2) model folder")
    import_ct2.add_argument("source", type=Path)
    import_ct2.add_argument("--name", default=None, help="model name to install as (inferred when omitted)")
    model_commands.add_parser("install-default", help="install the bundled tiny.en model")
    model_commands.add_parser(
        "install-default-openai-whisper",
        help="convert the bundled tiny.en into openai-whisper's .pt checkpoint (needs the engines extra)",
    )
    add_model_manager_commands(model_commands)

    commands.add_parser(
        "engines", help="every engine, whether it can run here and why not; exits 1 when the default one cannot"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [FROZEN_ALIGNER_COMMAND]:  # the packaged app's aligner child (no `python -m` there)
        from metavis_gui.align.alignment_runner import main as run_aligner

        return run_aligner(argv[1:])
    arguments = build_parser().parse_args(argv)
    try:
        if arguments.command == "transcript":
            return _generate(arguments)
        if arguments.command == "models":
            from metavis_gui.cli.models_commands import run_models_command

            if arguments.models_command in MODEL_MANAGER_COMMANDS:
                return run_model_manager_command(arguments)
            return run_models_command(arguments)
        from metavis_gui.cli.models_commands import print_engines

        return print_engines()
    except BrokenPipeError:
        return EXIT_FAILED


def _generate(arguments: argparse.Namespace) -> int:
    options = {
        "input_path": arguments.input,
        "output_dir": arguments.out,
        "start_seconds": arguments.start_seconds,
        "max_seconds": arguments.max_seconds,
        "language": arguments.language,
        "write_adjacent_captions": arguments.write_adjacent_captions,
        "engine": arguments.engine,
        "model": arguments.model,
        "align": arguments.align,
    }
    if arguments.threads is not None:
        options["threads"] = arguments.threads
    try:
        request = TranscriptionRequest(**options)
    except ValueError as error:
        print(f"metavis-transcribe: {_first_validation_message(error)}", file=sys.stderr)
        return EXIT_USAGE
    printer = _ProgressPrinter(quiet=arguments.quiet)
    listener = JobListener(progressed=printer.progressed, segment_recognised=printer.segment_recognised)
    try:
        outcome = run_on_qt_loop(run_transcription(request, listener))
    except Interrupted:
        print("\nmetavis-transcribe: cancelled; the engine was stopped and nothing was written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except TranscriptionFailed as failure:
        print(f"metavis-transcribe: {failure.message}", file=sys.stderr)
        if failure.details and not arguments.quiet:
            print(f"--- engine output ---\n{failure.details}", file=sys.stderr)
        return EXIT_FAILED
    if outcome.notice:
        print(f"metavis-transcribe: {outcome.notice}", file=sys.stderr)
    timing = outcome.timing
    if timing is not None and timing.notice:
        print(f"metavis-transcribe: {timing.notice}", file=sys.stderr)
    if not arguments.quiet:
        print(f"{outcome.word_count} words, language {outcome.language or 'unknown'}", file=sys.stderr)
        if timing is not None:
            aligner = f" by {timing.aligner} ({timing.acoustic_model})" if timing.aligner else ""
            print(
                f"{timing.aligned} words timed from the audio{aligner}, {timing.engine_timed} kept the engine's times",
                file=sys.stderr,
            )
    for path in outcome.output_paths:
        print(path)
    return 0


def _first_validation_message(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ()))
        return f"{field}: {first.get('msg', error)}".removeprefix(": ")
    return str(error)


class _ProgressPrinter:
    """One line per 5 % step, so logs stay short and terminals show steady progress."""

    def __init__(self, quiet: bool) -> None:
        self._quiet = quiet
        self._last_step: tuple[str, int] | None = None

    def progressed(self, progress: JobProgress) -> None:
        step = (progress.stage.value, int(progress.stage_fraction * 100) // 5 * 5)
        if self._quiet or step == self._last_step:
            return
        self._last_step = step
        print(f"{step[0]:<12} {step[1]:3d}%  (overall {progress.fraction * 100:5.1f}%)", file=sys.stderr, flush=True)

    def segment_recognised(self, segment: LiveSegment) -> None:
        if not self._quiet:
            print(f"  [{segment.start_seconds:8.2f}s] {segment.text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
