"""A child process that runs faster-whisper on one WAV file: `python -m metavis_gui.engines.faster_whisper_runner`.

faster-whisper has no command line of its own. This one prints what the job runner reads from whisper-cli,
so the parsing is shared:
- stderr: `progress = NN%` from each segment's end over the audio's duration, and `error: ...` on failure;
- stdout: `[HH:MM:SS.mmm --> HH:MM:SS.mmm]  text` per segment, flushed, for live text;
- the output file: openai-whisper's JSON shape (`language`, `duration`, `segments[].words[]`), written
  atomically at the end, so a killed run leaves no file behind.

Exit codes: 0 done, 2 bad arguments, 3 the model failed to load, 4 the audio could not be read,
5 faster-whisper is not installed, 10 transcription failed. Everything runs in this one process
(CTranslate2's threads, PyAV's decoder), so killing it stops all of it.

Only the standard library and faster_whisper are imported: nothing of the app, to start quickly.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_USAGE = 2
EXIT_MODEL_FAILED = 3
EXIT_AUDIO_FAILED = 4
EXIT_NOT_INSTALLED = 5
EXIT_TRANSCRIPTION_FAILED = 10


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
        return _fail(EXIT_NOT_INSTALLED, f"faster-whisper is not installed in {sys.executable} ({error})")
    if not arguments.audio.is_file():
        return _fail(EXIT_AUDIO_FAILED, f"the audio file {arguments.audio} does not exist")
    try:
        model = WhisperModel(
            str(arguments.model),
            device=arguments.device,
            compute_type=arguments.compute_type,
            cpu_threads=max(1, arguments.threads),
            local_files_only=True,
        )
    except Exception as error:  # CTranslate2 raises RuntimeError, ValueError or OSError for a bad folder
        return _fail(EXIT_MODEL_FAILED, f"the model {arguments.model} failed to load: {_describe(error)}")
    language = None if arguments.language in ("", "auto") else arguments.language
    try:
        segments, info = model.transcribe(
            str(arguments.audio), language=language, word_timestamps=True, beam_size=arguments.beam_size
        )
    except Exception as error:  # PyAV's errors for unreadable audio have no common base we can name here
        return _fail(EXIT_AUDIO_FAILED, f"the audio {arguments.audio} could not be read: {_describe(error)}")
    _progress(0)
    try:
        collected = [_record(segment, info.duration) for segment in segments]
    except Exception as error:
        return _fail(EXIT_TRANSCRIPTION_FAILED, f"transcription failed: {_describe(error)}")
    document = {"language": info.language, "duration": info.duration, "segments": collected}
    try:
        _write_atomically(arguments.output, document)
    except OSError as error:
        return _fail(EXIT_TRANSCRIPTION_FAILED, f"the output {arguments.output} could not be written: {error}")
    _progress(100)
    return 0


def _record(segment: Any, duration: float) -> dict[str, Any]:
    print(f"[{_clock(segment.start)} --> {_clock(segment.end)}]  {segment.text.strip()}", flush=True)
    if duration > 0:
        _progress(round(100 * min(1.0, segment.end / duration)))
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


def _clock(seconds: float) -> str:
    milliseconds = max(0, round(seconds * 1000))
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _progress(percent: int) -> None:
    print(f"progress = {percent:3d}%", file=sys.stderr, flush=True)


def _fail(exit_code: int, message: str) -> int:
    print(f"error: {message}", file=sys.stderr, flush=True)
    return exit_code


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _write_atomically(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    sys.exit(main())
