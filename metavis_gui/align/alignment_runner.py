"""A child process that aligns a transcript's words to its audio: `python -m metavis_gui.align.alignment_runner`.

    python -m metavis_gui.align.alignment_runner --audio AUDIO.wav --words IN.json --out OUT.json
        [--language en] [--workers N] [--acoustic-models DIR] [--wait-for-words SECONDS]

- AUDIO.wav: 16 kHz mono 16-bit PCM (the pipeline's one decoder writes it), times are from its first sample.
- IN.json: `{"words": [{"text", "start_ticks", "end_ticks", "confidence", "segment_index"}, ...]}`, the
  engine's words in ticks (1/60000 s); other keys of a word are ignored.
- OUT.json: the AlignmentResult (`words` with the same keys plus `timing_source`, `sources`, `aligner`,
  `aligner_version`, `acoustic_model`, `aligned_count`, `engine_timed_count`, `notice`), written atomically,
  so a killed run leaves no file behind.
- `--language`: the transcript's language code; omitted, the language is unknown and nothing is aligned
  (the output says so in `notice`), as for a language without an acoustic model. That is a result, exit 0.

It speaks the engine runners' line protocol (`runner_protocol`): `progress = NN%` on stderr as chunks
finish, one `error: ...` line and an exit code on failure: 2 bad arguments or words file, 3 the acoustic
model failed to load, 4 the audio could not be read, 5 pocketsphinx is not installed, 10 alignment failed.
With `--wait-for-words` it loads its modules and the acoustic model first and then waits for IN.json (the
pipeline starts it beside the engine, or for short media before the audio is even decoded, and writes the
words by a rename once the engine is done), saying `waiting = words` on stderr every 30 s so the parent
knows it is alive; only then does it read AUDIO.wav.
`main(argv)` is what a frozen app dispatches to. numpy, pydantic and pocketsphinx are imported only after
the arguments are parsed, and the forked workers inherit the loaded decoder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import wave
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from metavis_gui.engines.runner_protocol import (
    EXIT_AUDIO_FAILED,
    EXIT_MODEL_FAILED,
    EXIT_NOT_INSTALLED,
    EXIT_TRANSCRIPTION_FAILED,
    EXIT_USAGE,
    RunnerFailed,
    describe_error,
    report_progress,
    run_reporting_failure,
    write_json_atomically,
)
from metavis_gui.process_exit import exit_without_teardown

SAMPLE_RATE = 16_000
HEARTBEAT_SECONDS = 30.0
WAITING_LINE = "waiting = words"
_WAIT_POLL_SECONDS = 0.005
# Two workers take a 4-minute clip from 0.0105x to 0.0067x of its duration on a 2-core machine.
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metavis_gui.align.alignment_runner")
    parser.add_argument("--audio", required=True, type=Path, help="16 kHz mono 16-bit PCM WAV")
    parser.add_argument("--words", required=True, type=Path, help='JSON: {"words": [TranscriptWord, ...]}')
    parser.add_argument("--out", required=True, type=Path, help="the JSON file to write (AlignmentResult)")
    parser.add_argument("--language", default=None, help="the transcript's language code; omitted: unknown")
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"processes aligning chunks at once (default {DEFAULT_WORKERS})",
    )
    parser.add_argument(
        "--acoustic-models", type=Path, action="append", default=[], help="a folder of acoustic models per language"
    )
    parser.add_argument(
        "--wait-for-words",
        type=float,
        default=None,
        metavar="SECONDS",
        help="load everything first, then wait up to SECONDS for the words file to appear (written whole, by a "
        "rename): started while the engine still runs, the aligner's start-up costs the run nothing",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_reporting_failure(_run, build_parser().parse_args(argv))


def _run(arguments: argparse.Namespace) -> None:
    try:
        import pocketsphinx  # noqa: F401 - only to say so now if it is missing
    except ImportError as error:
        raise RunnerFailed(
            EXIT_NOT_INSTALLED, f"pocketsphinx is not installed in {sys.executable} ({error})"
        ) from error
    from metavis_gui.align.pocketsphinx_chunk_aligner import AcousticModelFailed
    from metavis_gui.align.word_alignment import align_words

    chunk_aligners = None
    if arguments.wait_for_words is None:
        samples = _read_audio(arguments.audio)
    else:
        from metavis_gui.align.chunk_workers import ChunkAligners

        decoder = _loaded_decoder(arguments)
        # The audio may still be being decoded: it is whole once the words exist.
        _wait_for(arguments.words, arguments.wait_for_words)
        samples = _read_audio(arguments.audio)
        if decoder is not None:
            chunk_aligners = ChunkAligners(decoder, samples, max(1, arguments.workers))
    words = _read_words(arguments.words)

    reported = -1

    def progressed(fraction: float) -> None:
        nonlocal reported
        percent = round(100 * fraction)
        if percent != reported:
            reported = percent
            report_progress(percent)

    progressed(0.0)
    try:
        result = align_words(
            samples,
            words,
            arguments.language,
            progress=progressed,
            workers=max(1, arguments.workers),
            acoustic_model_folders=arguments.acoustic_models,
            chunk_aligners=chunk_aligners,
        )
    except AcousticModelFailed as error:
        raise RunnerFailed(EXIT_MODEL_FAILED, str(error)) from error
    except Exception as error:
        raise RunnerFailed(EXIT_TRANSCRIPTION_FAILED, f"alignment failed: {describe_error(error)}") from error
    try:
        write_json_atomically(arguments.out, result.model_dump(mode="json"))
    except OSError as error:
        raise RunnerFailed(
            EXIT_TRANSCRIPTION_FAILED, f"the output {arguments.out} could not be written: {error}"
        ) from error
    progressed(1.0)


def _loaded_decoder(arguments: argparse.Namespace) -> Any:
    """The decoder align_words would make, made now (None without a model for the language); the modules
    reading words and audio are imported too."""
    import numpy  # noqa: F401

    from metavis_gui.align.acoustic_models import acoustic_model_for
    from metavis_gui.align.pocketsphinx_chunk_aligner import AcousticModelFailed, create_decoder
    from metavis_gui.timeline.transcript import TranscriptWord  # noqa: F401

    model = acoustic_model_for(arguments.language, arguments.acoustic_models)
    if model is None:
        return None
    try:
        return create_decoder(model)
    except AcousticModelFailed as error:
        raise RunnerFailed(EXIT_MODEL_FAILED, str(error)) from error


def _wait_for(path: Path, seconds: float) -> None:
    """Until `path` exists; a line on stderr every HEARTBEAT_SECONDS tells the parent this child is alive."""
    deadline = time.monotonic() + seconds
    next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
    while not path.exists():
        now = time.monotonic()
        if now > deadline:
            raise RunnerFailed(EXIT_USAGE, f"no words file {path} came within {seconds:g} s")
        if now > next_heartbeat:
            print(WAITING_LINE, file=sys.stderr, flush=True)
            next_heartbeat = now + HEARTBEAT_SECONDS
        time.sleep(_WAIT_POLL_SECONDS)


def _read_words(path: Path) -> list[Any]:
    from pydantic import ValidationError

    from metavis_gui.timeline.transcript import TranscriptWord

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RunnerFailed(EXIT_USAGE, f"the words file {path} could not be read: {describe_error(error)}") from error
    if not isinstance(document, dict) or not isinstance(document.get("words"), list):
        raise RunnerFailed(EXIT_USAGE, f'the words file {path} must hold {{"words": [...]}}')
    try:
        return [TranscriptWord.model_validate(word) for word in document["words"]]
    except ValidationError as error:
        raise RunnerFailed(EXIT_USAGE, f"the words file {path} has an invalid word: {describe_error(error)}") from error


def _read_audio(path: Path) -> Any:
    import numpy as np

    try:
        with wave.open(str(path), "rb") as reader:
            shape = (reader.getnchannels(), reader.getsampwidth(), reader.getframerate())
            if shape != (1, 2, SAMPLE_RATE):
                raise RunnerFailed(
                    EXIT_AUDIO_FAILED,
                    f"the audio {path} must be 16 kHz mono 16-bit PCM, not {shape[2]} Hz, "
                    f"{shape[0]} channel(s), {8 * shape[1]}-bit",
                )
            return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    except (OSError, EOFError, wave.Error) as error:
        raise RunnerFailed(EXIT_AUDIO_FAILED, f"the audio {path} could not be read: {describe_error(error)}") from error


if __name__ == "__main__":
    exit_without_teardown(main())
