"""Parts of the decoded 16-bit PCM WAV as a WAV of their own, copied in bounded blocks."""

from __future__ import annotations

import wave
from collections.abc import Callable, Sequence
from pathlib import Path

_COPY_BLOCK_FRAMES = 1 << 20


def write_wav_part(source: Path, target: Path, first: int, count: int) -> None:
    """Samples [first, first + count) of source as a WAV of their own, same format."""
    write_wav_pieces(source, target, [(first, count)])


def write_wav_pieces(
    source: Path, target: Path, pieces: Sequence[tuple[int, int]], stopped: Callable[[], bool] = lambda: False
) -> None:
    """The (first sample, count) pieces of source joined end to end, in order, as one WAV, same format.

    A piece past the source's end gives what is there. Checks `stopped` between blocks and ends early when true.
    """
    # The target is opened first: a wave writer whose own open failed raises again when collected.
    with wave.open(str(source), "rb") as reader, target.open("wb") as raw, wave.open(raw, "wb") as writer:
        writer.setparams(reader.getparams())
        for first, count in pieces:
            reader.setpos(first)
            remaining = count
            while remaining > 0 and not stopped():
                block = reader.readframes(min(remaining, _COPY_BLOCK_FRAMES))
                if not block:
                    break
                writer.writeframes(block)
                remaining -= len(block) // (reader.getsampwidth() * reader.getnchannels())
