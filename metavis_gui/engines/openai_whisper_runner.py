"""A child process that runs openai-whisper on one audio file: `python -m metavis_gui.engines.openai_whisper_runner`.

openai-whisper's own command line shows a progress bar or the recognised segments, never both. This runner
calls the same whisper.transcribe() with the options that command used (beam search of 5, best of 5, word
timestamps, the default temperature fallback), so the words and their times are the same, and speaks our
runners' line protocol (`runner_protocol`): progress as each 30 s window is decoded, each segment's text as
soon as it is, an `error:` line and an exit code on failure, and openai-whisper's JSON written atomically.
Progress and text are tapped in `openai_whisper_live_output`.

Audio is decoded by an `ffmpeg` child of this process (whisper.load_audio); killing the runner closes that
pipe, so ffmpeg ends too. Only the standard library, this app's engine-runner modules and whisper (with
torch) are imported, to start quickly.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from metavis_gui.engines.openai_whisper_live_output import LiveOutputTap, tapped_live_output
from metavis_gui.engines.runner_protocol import (
    EXIT_AUDIO_FAILED,
    EXIT_MODEL_FAILED,
    EXIT_NOT_INSTALLED,
    EXIT_TRANSCRIPTION_FAILED,
    RunnerFailed,
    describe_error,
    report_progress,
    report_segment,
    run_reporting_failure,
    write_json_atomically,
)

SAMPLE_RATE = 16_000
# `python -m whisper`'s defaults where they differ from transcribe()'s (greedy decoding): the same words and times.
_DECODING_OPTIONS = {"beam_size": 5, "best_of": 5, "task": "transcribe"}
TAP_WARNING = "warning: openai-whisper's live output was not seen"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metavis_gui.engines.openai_whisper_runner")
    parser.add_argument("--model", required=True, help="a .pt checkpoint, or a published model's name")
    parser.add_argument("--model-dir", type=Path, help="the folder a published model's checkpoint is in")
    parser.add_argument("--audio", required=True, type=Path, help="the audio file (16 kHz mono WAV is fastest)")
    parser.add_argument("--output", required=True, type=Path, help="the JSON file to write")
    parser.add_argument("--language", default="auto", help="a language code, or auto to detect")
    parser.add_argument("--threads", type=int, default=0, help="torch's CPU threads; 0 keeps torch's choice")
    parser.add_argument("--fp16", action=argparse.BooleanOptionalAction, default=False, help="decode in fp16 (GPU)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_reporting_failure(_run, build_parser().parse_args(argv))


def _run(arguments: argparse.Namespace) -> None:
    if not arguments.audio.is_file():
        raise RunnerFailed(EXIT_AUDIO_FAILED, f"the audio file {arguments.audio} does not exist")
    whisper = _import_whisper(arguments.threads)
    model = _load_model(whisper, arguments.model, arguments.model_dir)
    audio = _load_audio(whisper, arguments.audio)
    report_progress(0)
    language = None if arguments.language in ("", "auto") else arguments.language
    result = _transcribe(whisper, model, audio, language, arguments.fp16)
    document = {
        "language": result["language"],
        "duration": len(audio) / SAMPLE_RATE,
        "text": result["text"],
        "segments": result["segments"],
    }
    try:
        write_json_atomically(arguments.output, document)
    except OSError as error:
        raise RunnerFailed(
            EXIT_TRANSCRIPTION_FAILED, f"the output {arguments.output} could not be written: {error}"
        ) from error
    report_progress(100)  # whisper's own count stops short when it skips the last window as silence


def _import_whisper(threads: int) -> Any:
    try:
        import torch
        import whisper
    except ImportError as error:
        raise RunnerFailed(
            EXIT_NOT_INSTALLED, f"openai-whisper is not installed in {sys.executable} ({error})"
        ) from error
    if threads > 0:
        torch.set_num_threads(threads)
    return whisper


def _load_model(whisper: Any, name_or_path: str, model_dir: Path | None) -> Any:
    try:
        return whisper.load_model(name_or_path, download_root=str(model_dir) if model_dir else None)
    except Exception as error:  # torch.load and whisper raise many kinds for a bad checkpoint
        raise RunnerFailed(
            EXIT_MODEL_FAILED, f"the model {name_or_path} failed to load: {describe_error(error)}"
        ) from error


def _load_audio(whisper: Any, path: Path) -> Any:
    try:
        return whisper.load_audio(str(path))
    except FileNotFoundError as error:
        raise RunnerFailed(
            EXIT_AUDIO_FAILED, f"openai-whisper reads audio through FFmpeg: {describe_error(error)}"
        ) from error
    except RuntimeError as error:  # whisper's wrapper of ffmpeg's failure; ffmpeg says why on its last line
        raise RunnerFailed(
            EXIT_AUDIO_FAILED, f"the audio {path} could not be read: {_last_line(str(error))}"
        ) from error


def _transcribe(whisper: Any, model: Any, audio: Any, language: str | None, fp16: bool) -> dict[str, Any]:
    """whisper.transcribe() as `python -m whisper` calls it, printing progress and segments as they come."""
    try:
        with tapped_live_output(importlib.import_module("whisper.transcribe"), _report_frames, report_segment) as tap:
            result = whisper.transcribe(
                model, audio, verbose=True, word_timestamps=True, language=language, fp16=fp16, **_DECODING_OPTIONS
            )
    except Exception as error:  # torch's errors have no common base; the user needs the message
        raise RunnerFailed(EXIT_TRANSCRIPTION_FAILED, f"transcription failed: {describe_error(error)}") from error
    _warn_when_the_tap_saw_nothing(tap, result, whisper.__version__)
    return result


def _warn_when_the_tap_saw_nothing(tap: LiveOutputTap, result: dict[str, Any], whisper_version: str) -> None:
    # Whisper may skip every window as silence (no progress step, no segment), but it always opens its bar.
    missing = []
    if tap.bars_opened == 0:
        missing.append("no progress bar")
    if tap.segments == 0 and any(segment["text"].strip() for segment in result["segments"]):
        missing.append("no segment lines")
    if missing:
        print(
            f"{TAP_WARNING} ({' and '.join(missing)} from openai-whisper {whisper_version}; "
            "openai_whisper_live_output was checked against 20250625).",
            file=sys.stderr,
            flush=True,
        )


def _report_frames(decoded_frames: int, total_frames: int) -> None:
    if total_frames > 0:
        report_progress(round(100 * min(1.0, decoded_frames / total_frames)))


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else text


if __name__ == "__main__":
    sys.exit(main())
