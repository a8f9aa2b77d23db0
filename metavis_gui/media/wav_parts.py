"""A part of the decoded 16-bit PCM WAV as a WAV of its own, copied in bounded blocks."""

from __future__ import annotations

import wave
from pathlib import Path

_COPY_BLOCK_FRAMES = 1 << 20


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
