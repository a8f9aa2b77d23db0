"""What the Python engines (openai-whisper, faster-whisper) share: the interpreter that runs them,
their segment JSON, and how to read a Python traceback on their stderr.

Both run as our runner modules (`python -m metavis_gui.engines.<engine>_runner`, speaking
`runner_protocol`) in children of this app's own interpreter, so they are installed where the app is.
Neither package is imported here: `importlib.metadata` and `find_spec` only look at the files.
The JSON shape is openai-whisper's (`{language, segments: [{start, end, text, words: [{word, start, end,
probability}]}]}`, seconds); both runners write it, so one parser serves both.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from metavis_gui.contract.ticks import ticks_from_seconds
from metavis_gui.engines.errors import EngineFailed, EngineNotFound
from metavis_gui.timeline.transcript import Transcript, TranscriptWord

# "[Music]", "(laughs)": sound descriptions, not words; whisper.cpp's parser drops them too.
_NON_SPEECH_ANNOTATION = re.compile(r"^[\[(].*[\])]$")
# The last line of a Python traceback: "RuntimeError: Failed to load audio: ...".
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt)):\s?(.*)$")


class PythonEngine(BaseModel):
    """An engine installed as a Python package beside the app, run by the app's own interpreter."""

    model_config = ConfigDict(frozen=True)

    distribution: str
    version: str
    python: Path


def locate_python_engine(distribution: str, required_modules: Sequence[str], install_hint: str) -> PythonEngine:
    """The engine's package and the modules it cannot run without, or why they cannot be used."""
    if getattr(sys, "frozen", False):
        raise EngineNotFound(
            f"{distribution} runs only when the app runs from its Python environment, not from the packaged "
            "app. Use whisper.cpp, or run the app from a checkout set up with scripts/setup."
        )
    try:
        version = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise EngineNotFound(
            f"{distribution} is not installed in this app's Python ({sys.executable}). Install it with: {install_hint}"
        ) from None
    missing = [module for module in required_modules if importlib.util.find_spec(module) is None]
    if missing:
        raise EngineNotFound(
            f"{distribution} {version} is installed, but {', '.join(missing)} is missing, so it cannot run. "
            f"Install it with: {install_hint}"
        )
    return PythonEngine(distribution=distribution, version=version, python=Path(sys.executable))


def parse_segments_json(path: Path, engine_name: str) -> Transcript:
    """Words from an openai-whisper-style JSON file: times in ticks, confidence = word probability."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise EngineFailed(f"{engine_name} wrote no readable output at {path} ({error}).") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EngineFailed(f"{engine_name}'s output {path} is not valid JSON ({error}).") from error
    if not isinstance(document, dict) or not isinstance(document.get("segments"), list):
        raise EngineFailed(f"{engine_name}'s output {path} has no segments list.")
    language = document.get("language")
    return Transcript(
        words=words_from_segments(document["segments"]),
        language=language if isinstance(language, str) and language else None,
    )


def words_from_segments(segments: list[Any]) -> tuple[TranscriptWord, ...]:
    """Words in order, never starting before the previous word ends; a segment's index is its position."""
    words: list[TranscriptWord] = []
    previous_end_ticks = 0
    for segment_index, segment in enumerate(segments):
        for word in (segment.get("words") or []) if isinstance(segment, dict) else []:
            text = str(word.get("word", "")).strip()
            if not text or _NON_SPEECH_ANNOTATION.match(text):
                continue
            start_ticks = max(_ticks(word.get("start")), previous_end_ticks)
            end_ticks = max(_ticks(word.get("end")), start_ticks)
            words.append(
                TranscriptWord(
                    text=text,
                    start_ticks=start_ticks,
                    end_ticks=end_ticks,
                    confidence=_probability(word.get("probability")),
                    segment_index=segment_index,
                )
            )
            previous_end_ticks = end_ticks
    return tuple(words)


def last_exception_line(stderr: str) -> str:
    """The "SomeError: message" line that ends the last traceback on stderr, or ""."""
    for line in reversed(stderr.splitlines()):
        stripped = line.strip()
        if _EXCEPTION_LINE.match(stripped):
            return stripped
    return ""


def _ticks(seconds: Any) -> int:
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return 0
    return ticks_from_seconds(value) if math.isfinite(value) and value > 0 else 0


def _probability(value: Any) -> float:
    try:
        probability = float(value)
    except (TypeError, ValueError):
        return 1.0
    if math.isnan(probability):
        return 0.0
    return min(1.0, max(0.0, round(probability, 6)))
