"""The samples of a 16-bit mono PCM WAV, read on demand: hours of audio never sit in memory at once.

A memory map would do the same for the heap, but every page it touches stays
resident until the map is dropped, so a pass over three hours holds the whole
file in the process's memory; reading slices keeps it to one slice.
"""

from __future__ import annotations

import os
import wave
from pathlib import Path
from types import TracebackType
from typing import NamedTuple, Self

import numpy as np

_SAMPLE_DTYPE = np.dtype("<i2")


class WavSamples:
    """Enough of a 1-D int16 array for block-wise readers: len, shape, dtype and slicing with step 1.

    Use it as a context manager: the file stays open for the many small reads at speech edges.
    """

    ndim = 1
    dtype = _SAMPLE_DTYPE

    def __init__(self, wav_path: Path) -> None:
        self.path = Path(wav_path)
        with wave.open(str(self.path), "rb") as reader:
            if reader.getsampwidth() != 2 or reader.getnchannels() != 1:
                raise ValueError(f"{self.path}: expected 16-bit mono PCM")
            self._count = reader.getnframes()
        # The data chunk is the file's last (ffmpeg writes it so).
        self._data_offset = self.path.stat().st_size - self._count * _SAMPLE_DTYPE.itemsize
        self._descriptor = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))

    def close(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __len__(self) -> int:
        return self._count

    @property
    def shape(self) -> tuple[int]:
        return (self._count,)

    def __getitem__(self, index: slice) -> np.ndarray:
        if not isinstance(index, slice):
            raise TypeError("WavSamples reads slices only")
        start, stop, step = index.indices(self._count)
        if step != 1:
            raise ValueError("WavSamples reads contiguous slices only")
        size = max(0, stop - start) * _SAMPLE_DTYPE.itemsize
        data = os.pread(self._descriptor, size, self._data_offset + start * _SAMPLE_DTYPE.itemsize)
        if len(data) != size:
            raise OSError(f"{self.path}: the WAV ended early (truncated while reading?)")
        return np.frombuffer(data, dtype=_SAMPLE_DTYPE)


BLOCK_SAMPLES = 1 << 20  # 2 MiB of int16 a read: 65 s at 16 kHz


class DecodedAudioScan(NamedTuple):
    """What the pipeline needs to know of the decoded WAV before the engine runs, found in one streamed pass."""

    sample_count: int
    sample_rate: int
    peak: int  # the largest absolute sample

    @property
    def duration_seconds(self) -> float:
        return self.sample_count / self.sample_rate if self.sample_rate else 0.0


def scan_wav(wav_path: Path, block_samples: int = BLOCK_SAMPLES) -> DecodedAudioScan:
    """Sample count and peak of a 16-bit mono WAV, read block by block: memory stays one block, for any length.

    Raises wave.Error, EOFError or OSError when the file is not such a WAV.
    """
    with wave.open(str(wav_path), "rb") as reader:
        if reader.getsampwidth() != 2 or reader.getnchannels() != 1:
            raise wave.Error(f"{wav_path}: expected 16-bit mono PCM")
        sample_rate, count, peak = reader.getframerate(), 0, 0
        while block := reader.readframes(block_samples):
            samples = np.frombuffer(block, dtype=_SAMPLE_DTYPE)
            count += samples.size
            # Widened block by block: abs(-32768) does not fit int16.
            peak = max(peak, -int(samples.min()), int(samples.max()))
    return DecodedAudioScan(count, sample_rate, peak)
