"""A child process that runs faster-whisper on one WAV file: `python -m metavis_gui.engines.faster_whisper_runner`.

faster-whisper has no command line of its own. This one speaks our runners' line protocol
(`runner_protocol`: whisper-cli's progress and segment lines, an `error:` line and an exit code on failure,
openai-whisper's JSON shape written atomically), with progress from each segment's end over the audio's
duration. Everything runs in this one process (CTranslate2's threads, PyAV's decoder), so killing it stops
all of it.

Only the standard library, the protocol module and faster_whisper are imported: nothing else of the app,
to start quickly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from metavis_gui.engines.runner_protocol import (
    EXIT_AUDIO_FAILED,
    EXIT_MODEL_FAILED,
    EXIT_NOT_INSTALLED,
    EXIT_TRANSCRIPTION_FAILED,
    describe_error,
    report_failure,
    report_progress,
    report_segment,
    write_json_atomically,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metavis_gui.engines.faster_whisper_runner")
    parser.add_argument("--model", required=True, type=Path, help="a CTranslate2 Whisper model folder")
    parser.add_argument("--audio", required=True, type=Path, help="the audio file (16 kHz mono WAV is fastest)")
    parser.add_argument("--output", required=True, type=Path, help="the JSON file to write")
    parser.add_argument("--language", default="auto", help="a language code, or auto to detect")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda", "auto"))
    parser.add_argument("--compute-type", default="default", help="CTranslate2 compute type (default, int8, float32)")
    parser.add_argument("--beam-size", type=int, default=5)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    # Never reach for the network: a model folder without its tokenizer fails here instead of hanging.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from faster_whisper import WhisperModel
    except ImportError as error:
        return report_failure(EXIT_NOT_INSTALLED, f"faster-whisper is not installed in {sys.executable} ({error})")
    if not arguments.audio.is_file():
        return report_failure(EXIT_AUDIO_FAILED, f"the audio file {arguments.audio} does not exist")
    try:
        model = WhisperModel(
            str(arguments.model),
            device=arguments.device,
            compute_type=arguments.compute_type,
            cpu_threads=max(1, arguments.threads),
            local_files_only=True,
        )
    except Exception as error:  # noqa: BLE001 - CTranslate2 raises RuntimeError, ValueError or OSError for a bad folder
        return report_failure(EXIT_MODEL_FAILED, f"the model {arguments.model} failed to load: {describe_error(error)}")
    language = None if arguments.language in ("", "auto") else arguments.language
    try:
        segments, info = model.transcribe(
            str(arguments.audio), language=language, word_timestamps=True, beam_size=arguments.beam_size
        )
    except Exception as error:  # noqa: BLE001 - PyAV's errors for unreadable audio have no common base we can name
        return report_failure(
            EXIT_AUDIO_FAILED, f"the audio {arguments.audio} could not be read: {describe_error(error)}"
        )
    report_progress(0)
    try:
        collected = [_record(segment, info.duration) for segment in segments]
    except Exception as error:  # noqa: BLE001 - the child reports every failure on its protocol, never a traceback
        return report_failure(EXIT_TRANSCRIPTION_FAILED, f"transcription failed: {describe_error(error)}")
    document = {"language": info.language, "duration": info.duration, "segments": collected}
    try:
        write_json_atomically(arguments.output, document)
    except OSError as error:
        return report_failure(EXIT_TRANSCRIPTION_FAILED, f"the output {arguments.output} could not be written: {error}")
    report_progress(100)
    return 0


def _record(segment: Any, duration: float) -> dict[str, Any]:
    report_segment(segment.start, segment.end, segment.text)
    if duration > 0:
        report_progress(round(100 * min(1.0, segment.end / duration)))
    return {
        "id": segment.id,
        "start": segment.start,
        "end": segment.end,
        "text": segment.text,
        "words": [
            {"word": word.word, "start": word.start, "end": word.end, "probability": word.probability}
            for word in segment.words or ()
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
