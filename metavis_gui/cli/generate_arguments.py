"""`transcript generate`'s arguments, read the way the MetaVis command reads them.

That command (Sources/MetaVisLab/TranscriptCommand.swift in the MetaVis repository) walks its arguments
by hand: the word after an option that takes a value is that value whatever it looks like, a number it
cannot read is 0, 0 seconds means from the start / to the end, a negative time counts as 0, and
words it does not know are skipped. Scripts written for it rely on all of that, so it is kept here; what
it did silently we say in a warning, and `--strict` turns those warnings into usage errors.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from metavis_gui.cli.engine_option import add_engine_option
from metavis_gui.cli.exit_codes import EXIT_CODES_HELP
from metavis_gui.cli.json_events import WarningCode, WarningEvent
from metavis_gui.engines.engine_command import CoreMLComputeUnits
from metavis_gui.exports.caption_rules import CAPTION_PRESETS, DEFAULT_CAPTION_PRESET
from metavis_gui.exports.export_formats import EXPORT_FORMATS
from metavis_gui.jobs.transcription_request import AlignMode, VadMode

GENERATE_COMMAND = ("transcript", "generate")
_TRUE_WORDS = ("true", "1", "yes")
_FALSE_WORDS = ("false", "0", "no")

SIZE_POLICY = (
    "accepted and ignored: the MetaVis command refused files of 1 GB or more without it; this one refuses no "
    "file for its size (it needs about 115 MB of temporary space per hour of audio)"
)


class ArgumentsRefused(ValueError):
    """Under --strict: an argument the MetaVis command would have ignored or guessed at."""


def add_generate_arguments(generate: argparse.ArgumentParser) -> None:
    generate.add_argument(
        "--input",
        required=True,
        type=Path,
        action="append",
        help="any audio or video file FFmpeg reads; given more than once, a folder or a quoted glob: a batch",
    )
    generate.add_argument(
        "--out", required=True, type=Path, help="folder for the three transcript files (a batch: one folder per input)"
    )
    generate.add_argument(
        "--start-seconds", default="0", metavar="S", help="where to start; 0 (the default) or less: the start"
    )
    generate.add_argument(
        "--max-seconds", default="0", metavar="S", help="how much to transcribe; 0 (the default) or less: to the end"
    )
    generate.add_argument("--language", default=None, help="a language code, or auto (the default) to detect")
    generate.add_argument(
        "--write-adjacent-captions",
        default="true",
        metavar="true|false",
        help="also write <media stem>.captions.vtt beside the media (default: true; true, 1 and yes mean "
        "true, anything else false)",
    )
    generate.add_argument("--allow-large", action="store_true", help=SIZE_POLICY)
    add_engine_option(generate)
    generate.add_argument("--model", default=None, help="a model name (tiny.en, base, ...) or a model file")
    generate.add_argument(
        "--threads", type=int, default=None, help="engine threads: 1 up to the CPU count (more is lowered to it)"
    )
    generate.add_argument(
        "--audio-stream",
        type=_stream_number,
        default=None,
        metavar="N",
        help="which audio stream to transcribe, counting audio streams only from 0 (default: the first; "
        "with several, the run says which it uses)",
    )
    generate.add_argument(
        "--align",
        choices=[mode.value for mode in AlignMode],
        default=AlignMode.AUTO.value,
        help="auto (the default): time the words from the audio where an acoustic model covers the language; "
        "off: keep the engine's own word times",
    )
    generate.add_argument(
        "--vad",
        choices=[mode.value for mode in VadMode],
        default=VadMode.AUTO.value,
        help="whisper.cpp hears only the speech Silero VAD finds, long music, noise and silence left out: auto "
        "(the default: for media over a minute), on or off; word times stay in the media's time "
        "(other engines: no effect)",
    )
    generate.add_argument(
        "--coreml-compute-units",
        choices=[units.value for units in CoreMLComputeUnits],
        default=None,
        help="where a Core ML build of whisper.cpp (Apple Silicon) runs its encoder: all (the default), "
        "cpu_and_ne (CPU and Neural Engine) or cpu_only; other builds and engines ignore it",
    )
    generate.add_argument(
        "--engine-processes",
        type=int,
        default=None,
        metavar="N",
        help="engine processes side by side on parts of long audio, cut at quiet moments (default: whisper.cpp "
        "one per thread, up to 4, for media of 2 minutes or more; other engines 1)",
    )
    generate.add_argument(
        "--export",
        action="append",
        default=[],
        metavar="FORMAT[,FORMAT]",
        help=f"also write these formats into --out, named after the input (interview.srt), with the transcript's "
        f"files; repeatable. Formats: {', '.join(export_format.id for export_format in EXPORT_FORMATS)}",
    )
    generate.add_argument(
        "--caption-preset",
        default=DEFAULT_CAPTION_PRESET.id,
        choices=[preset.id for preset in CAPTION_PRESETS],
        help=f"the caption rules of the exported captions and markers (default: {DEFAULT_CAPTION_PRESET.id})",
    )
    generate.add_argument("--quiet", action="store_true", help="print only warnings, errors and the written paths")
    generate.add_argument(
        "--json",
        action="store_true",
        help="progress and result as JSON lines on stdout (resources/transcript-generate-events.v1.schema.json); "
        "human text stays on stderr",
    )
    generate.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="a batch: inputs transcribed at once, at most the core count"
    )
    generate.add_argument("--force", action="store_true", help="a batch: redo inputs whose outputs are current")
    generate.add_argument(
        "--strict", action="store_true", help="refuse unknown arguments and unreadable values instead of ignoring them"
    )


GENERATE_EPILOG = f"""The word after an option that takes a value is its value, even when it starts with a dash
(--input -take1.wav). Arguments it does not know are ignored with one warning (refused under --strict).
WHISPERCPP_BIN and WHISPERCPP_MODEL name the whisper.cpp binary and model, as for the MetaVis command.

A batch (--input more than once, a folder, or a quoted glob such as 'media/*.mov'): each input gets
--out/<stem> (--out/<stem>-<ext> when stems clash); a failed input does not stop the others; a table on
stderr and --out/batch.summary.json tell how each went; a re-run skips inputs whose outputs are current
unless --force. It exits 0 when no input failed, 1 when any did.

{EXIT_CODES_HELP}"""


def joined_option_values(argv: Sequence[str], value_options: frozenset[str]) -> list[str]:
    """`--input -x` as `--input=-x`, so argparse takes a dash-leading value as the value, not an option."""
    if tuple(argv[:2]) != GENERATE_COMMAND:
        return list(argv)
    joined, index = list(argv[:2]), 2
    while index < len(argv):
        word = argv[index]
        if word in value_options and index + 1 < len(argv):
            joined.append(f"{word}={argv[index + 1]}")
            index += 2
        else:
            joined.append(word)
            index += 1
    return joined


def value_options(parser: argparse.ArgumentParser) -> frozenset[str]:
    """The option strings of `parser` that take exactly one value."""
    return frozenset(
        option
        for action in parser._actions  # argparse keeps its actions here; there is no public accessor
        for option in action.option_strings
        if action.nargs is None
    )


class DropInOptions(BaseModel):
    """The values the MetaVis command's own reading gives, and what we say about how we read them."""

    model_config = ConfigDict(frozen=True)

    start_seconds: float  # 0 or more
    max_seconds: float | None  # None: to the end
    write_adjacent_captions: bool
    warnings: tuple[WarningEvent, ...] = ()


def read_drop_in_options(arguments: argparse.Namespace, unknown: Sequence[str]) -> DropInOptions:
    """The drop-in reading of the lenient arguments; ArgumentsRefused under --strict where it had to guess."""
    guesses: list[_Guess] = []
    if unknown:
        guesses.append(_Guess(WarningCode.UNKNOWN_ARGUMENTS, f"unknown arguments: {' '.join(unknown)}", "ignored"))
    start = _seconds("--start-seconds", arguments.start_seconds, "from the start", guesses)
    length = _seconds("--max-seconds", arguments.max_seconds, "to the end", guesses)
    adjacent = _adjacent_captions(arguments.write_adjacent_captions, guesses)
    if arguments.strict and guesses:
        raise ArgumentsRefused("refused under --strict: " + "; ".join(guess.problem for guess in guesses))
    return DropInOptions(
        start_seconds=start,
        max_seconds=length if length > 0 else None,
        write_adjacent_captions=adjacent,
        warnings=tuple(
            WarningEvent(code=guess.code, message=f"{guess.problem}; {guess.taken_as}") for guess in guesses
        ),
    )


def _stream_number(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a stream number: give 0 for the first audio stream, 1, ...")
    return number


class _Guess(NamedTuple):
    """An argument the MetaVis command reads silently one way: a warning here, an error under --strict."""

    code: WarningCode
    problem: str
    taken_as: str


def _seconds(option: str, text: str, zero_means: str, guesses: list[_Guess]) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problem = f"{option} {text!r} is not a number of seconds"
        guesses.append(_Guess(WarningCode.IGNORED_VALUE, problem, f"taken as 0 ({zero_means})"))
        return 0.0
    return max(0.0, value)


def _adjacent_captions(text: str, guesses: list[_Guess]) -> bool:
    # Exactly the MetaVis command's test: lower-cased, not trimmed.
    word = text.lower()
    if word not in _TRUE_WORDS + _FALSE_WORDS:
        problem = f"--write-adjacent-captions {text!r} is not true or false"
        guesses.append(_Guess(WarningCode.IGNORED_VALUE, problem, "taken as false"))
    return word in _TRUE_WORDS
