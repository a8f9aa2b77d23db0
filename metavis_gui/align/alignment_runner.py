"""A child process that aligns a transcript's words to its audio: `python -m metavis_gui.align.alignment_runner`.

    python -m metavis_gui.align.alignment_runner --audio AUDIO.wav --words IN.json --out OUT.json
        [--language en] [--workers N] [--acoustic-models DIR]

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
`main(argv)` is what a frozen app dispatches to. numpy, pydantic and pocketsphinx are imported only after
the arguments are parsed, and the forked workers inherit the loaded decoder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
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

SAMPLE_RATE = 16_000
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_reporting_failure(_run, build_parser().parse_args(argv))


def _run(arguments: argparse.Namespace) -> None:
    words = _read_words(arguments.words)
    samples = _read_audio(arguments.audio)
    try:
        import pocketsphinx  # noqa: F401 - only to say so now if it is missing
    except ImportError as error:
        raise RunnerFailed(
            EXIT_NOT_INSTALLED, f"pocketsphinx is not installed in {sys.executable} ({error})"
        ) from error
    from metavis_gui.align.pocketsphinx_chunk_aligner import AcousticModelFailed
    from metavis_gui.align.word_alignment import align_words

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
    sys.exit(main())
