"""Real speech with known word times for the alignment tests, and engine-like words made from it."""

from __future__ import annotations

import json
import random
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.transcript import TranscriptWord

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "reference_speech"
JFK_WAV = Path(__file__).resolve().parents[1] / "data" / "jfk.wav"
ENGLISH_CLIPS = (
    "en-kal-workshop",
    "en-ked-bakery",
    "en-slt-telescope",
    "en-kal-fast-marathon",
    "en-slt-weather-pink-snr22",
)
# How far an engine's word edges are off, at most, in the words made from the truth: whisper.cpp with
# DTW is off by 82 ms in the median and 222 ms at the 95th percentile on connected speech.
ENGINE_JITTER_SECONDS = 0.15


@dataclass(frozen=True)
class ReferenceWord:
    text: str
    start_seconds: float
    end_seconds: float


@dataclass(frozen=True)
class ReferenceClip:
    name: str
    samples: np.ndarray
    words: tuple[ReferenceWord, ...]

    @property
    def duration_ticks(self) -> int:
        return len(self.samples) * TICKS_PER_SECOND // 16000


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, 16000)
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")


def line_up_tone(seconds: float) -> np.ndarray:
    """The 1 kHz tone at -20 dBFS (peak) that leads a take (bars and tone), as 16-bit samples."""
    time = np.arange(round(seconds * 16_000)) / 16_000
    return (0.1 * 32767 * np.sin(2 * np.pi * 1000 * time)).astype("<i2")


def load_reference_clip(name: str) -> ReferenceClip:
    document = json.loads((REFERENCE_DIR / f"{name}.words.json").read_text(encoding="utf-8"))
    words = tuple(ReferenceWord(word["word"], word["start"], word["end"]) for word in document["words"])
    return ReferenceClip(name, read_wav(REFERENCE_DIR / f"{name}.wav"), words)


def engine_like_words(clip: ReferenceClip, seed: int = 3) -> list[TranscriptWord]:
    """The clip's words as an engine might time them: every edge moved by up to ENGINE_JITTER_SECONDS,
    a new segment after each sentence."""
    jitter = random.Random(f"{clip.name}-{seed}")
    words: list[TranscriptWord] = []
    segment = 0
    for word in clip.words:
        start = max(0.0, word.start_seconds + jitter.uniform(-ENGINE_JITTER_SECONDS, ENGINE_JITTER_SECONDS))
        end = max(start + 0.02, word.end_seconds + jitter.uniform(-ENGINE_JITTER_SECONDS, ENGINE_JITTER_SECONDS))
        words.append(
            TranscriptWord(
                text=word.text,
                start_ticks=round(start * TICKS_PER_SECOND),
                end_ticks=min(round(end * TICKS_PER_SECOND), clip.duration_ticks),
                confidence=0.9,
                segment_index=segment,
            )
        )
        if word.text.endswith((".", "!", "?")):
            segment += 1
    return words


def boundary_errors_ms(reference: tuple[ReferenceWord, ...], timed: list[TranscriptWord]) -> list[float]:
    """|start error| and |end error| of every word, in ms (the lists are parallel)."""
    assert [word.text for word in timed] == [word.text for word in reference]
    return [
        abs(word.start_ticks / TICKS_PER_SECOND - truth.start_seconds) * 1000 for word, truth in zip(timed, reference)
    ] + [abs(word.end_ticks / TICKS_PER_SECOND - truth.end_seconds) * 1000 for word, truth in zip(timed, reference)]


@pytest.fixture(scope="session")
def reference_clips() -> dict[str, ReferenceClip]:
    return {name: load_reference_clip(name) for name in ENGLISH_CLIPS}


@pytest.fixture(scope="session")
def jfk_samples() -> np.ndarray:
    return read_wav(JFK_WAV)
