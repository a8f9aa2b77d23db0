"""Windows and parts of the decoded 16-bit PCM WAV, read and copied in bounded blocks."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

_COPY_BLOCK_FRAMES = 1 << 20


def wav_frame_count(path: Path) -> int:
    with wave.open(str(path), "rb") as reader:
        return reader.getnframes()


def read_wav_window(path: Path, first: int, count: int) -> np.ndarray:
    """count samples of channel one from sample first, as floats in [-1, 1]."""
    with wave.open(str(path), "rb") as reader:
        reader.setpos(min(first, reader.getnframes()))
        raw = reader.readframes(count)
        channels = reader.getnchannels()
    samples = np.frombuffer(raw, dtype="<i2")
    return samples[::channels].astype(np.float32) / 32768.0


def write_wav_part(source: Path, target: Path, first: int, count: int) -> None:
    """Samples [first, first + count) of source as a WAV of their own, same format."""
    with wave.open(str(source), "rb") as reader, wave.open(str(target), "wb") as writer:
        writer.setparams(reader.getparams())
        reader.setpos(first)
        remaining = count
        while remaining > 0:
            block = reader.readframes(min(remaining, _COPY_BLOCK_FRAMES))
            if not block:
                break
            writer.writeframes(block)
            remaining -= len(block) // (reader.getsampwidth() * reader.getnchannels())
