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
from typing import Self

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
