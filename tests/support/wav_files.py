"""Writing test audio: samples as a 16-bit mono PCM WAV, the shape every engine and the aligner read."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


def write_mono_wav(path: Path, samples: np.ndarray, sample_rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(sample_rate)
        writer.writeframes(samples.astype("<i2").tobytes())
    return path
