"""Waveform peaks: min/max of the decoded 16 kHz samples at several resolutions, computed once per media, cached on disk.

Level 0 holds one (min, max) pair per `BASE_BIN_SAMPLES` samples (4 ms); each
next level merges `LEVEL_FACTOR` bins of the one below, until a level has
fewer than `SMALLEST_LEVEL_BINS` bins. A view picks the finest level whose
bins are not narrower than its pixels, so drawing any zoom reads at most a
few bins per pixel. 3 hours take about 14 MB.

The WAV is read in blocks, so computing peaks for hours of audio never holds
the whole file in memory; the caller runs `compute_peaks_from_wav` off the UI
thread and gets progress through a callback.
"""

from __future__ import annotations

import hashlib
import os
import wave
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import platformdirs

BASE_BIN_SAMPLES = 64
LEVEL_FACTOR = 4
SMALLEST_LEVEL_BINS = 2048
_BLOCK_BINS = 16_384  # 1 M samples (65 s) a block: small temporaries, few Python steps
CACHE_DIR_VARIABLE = "METAVIS_CACHE_DIR"
_CACHE_FORMAT_VERSION = 1

ProgressCallback = Callable[[float], None]


@dataclass(frozen=True, eq=False)
class WaveformPeaks:
    """`minima[level][i]`, `maxima[level][i]`: int16 extremes of samples [i * bin, (i + 1) * bin) at that level."""

    sample_rate: int
    sample_count: int
    minima: tuple[np.ndarray, ...]
    maxima: tuple[np.ndarray, ...]

    def bin_samples(self, level: int) -> int:
        return BASE_BIN_SAMPLES * LEVEL_FACTOR**level

    @property
    def level_count(self) -> int:
        return len(self.minima)

    @property
    def loudest(self) -> int:
        """The largest absolute sample, for drawing quiet recordings at a readable height."""
        top = self.maxima[-1]
        bottom = self.minima[-1]
        return max(int(top.max(initial=0)), -int(bottom.min(initial=0)), 1)

    def level_for(self, samples_per_pixel: float) -> int:
        """The coarsest level whose bins are still no wider than a pixel (level 0 when zoomed in further)."""
        level = 0
        while level + 1 < self.level_count and self.bin_samples(level + 1) <= samples_per_pixel:
            level += 1
        return level

    def columns(self, first_sample: float, samples_per_pixel: float, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Per pixel column, the (min, max) of the bins its samples fall in (at most a bin more than its own
        samples on each side); zeros where a column holds no audio."""
        level = self.level_for(samples_per_pixel)
        bin_size = self.bin_samples(level)
        minima, maxima = self.minima[level], self.maxima[level]
        edges = first_sample + samples_per_pixel * np.arange(width + 1)
        low = np.zeros(width, np.int16)
        high = np.zeros(width, np.int16)
        inside = np.flatnonzero((edges[1:] > 0) & (edges[:-1] < self.sample_count))
        if not inside.size:
            return low, high
        starts = np.clip(np.floor(edges[inside] / bin_size).astype(np.int64), 0, len(minima) - 1)
        ends = np.clip(np.ceil(edges[inside + 1] / bin_size).astype(np.int64), starts + 1, len(minima))
        # Columns are contiguous, so reduceat over the column starts covers [start, next start);
        # the bin holding a column's last sample (ends - 1) may be the next column's first: add it.
        bounded = slice(0, int(ends[-1]))
        low[inside] = np.minimum(np.minimum.reduceat(minima[bounded], starts), minima[ends - 1])
        high[inside] = np.maximum(np.maximum.reduceat(maxima[bounded], starts), maxima[ends - 1])
        return low, high


def compute_peaks(samples: np.ndarray, sample_rate: int) -> WaveformPeaks:
    """Peaks of mono int16 samples held in memory (tests, short media)."""
    samples = np.asarray(samples, dtype=np.int16)
    minima, maxima = _base_bins(samples)
    return _with_levels(sample_rate, len(samples), minima, maxima)


def compute_peaks_from_wav(wav_path: Path, on_progress: ProgressCallback | None = None) -> WaveformPeaks:
    """Peaks of a mono 16-bit WAV, read block by block; `on_progress(fraction)` after each block."""
    with wave.open(str(wav_path), "rb") as reader:
        if reader.getsampwidth() != 2 or reader.getnchannels() != 1:
            raise ValueError(f"{wav_path}: expected mono 16-bit audio")
        sample_rate, total = reader.getframerate(), reader.getnframes()
        block_samples = _BLOCK_BINS * BASE_BIN_SAMPLES
        minima_parts: list[np.ndarray] = []
        maxima_parts: list[np.ndarray] = []
        done = 0
        while done < total:
            block = np.frombuffer(reader.readframes(block_samples), dtype="<i2")
            if block.size == 0:
                break
            low, high = _base_bins(block)
            minima_parts.append(low)
            maxima_parts.append(high)
            done += block.size
            if on_progress is not None:
                on_progress(min(1.0, done / max(total, 1)))
    minima = np.concatenate(minima_parts) if minima_parts else np.zeros(0, np.int16)
    maxima = np.concatenate(maxima_parts) if maxima_parts else np.zeros(0, np.int16)
    return _with_levels(sample_rate, done, minima, maxima)


def _base_bins(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    whole = len(samples) // BASE_BIN_SAMPLES * BASE_BIN_SAMPLES
    frames = samples[:whole].reshape(-1, BASE_BIN_SAMPLES)
    minima, maxima = frames.min(axis=1), frames.max(axis=1)
    if whole < len(samples):
        tail = samples[whole:]
        minima = np.append(minima, tail.min())
        maxima = np.append(maxima, tail.max())
    return minima.astype(np.int16), maxima.astype(np.int16)


def _with_levels(sample_rate: int, sample_count: int, minima: np.ndarray, maxima: np.ndarray) -> WaveformPeaks:
    all_minima, all_maxima = [minima], [maxima]
    while len(all_minima[-1]) >= SMALLEST_LEVEL_BINS:
        all_minima.append(_merge(all_minima[-1], np.minimum))
        all_maxima.append(_merge(all_maxima[-1], np.maximum))
    return WaveformPeaks(sample_rate, sample_count, tuple(all_minima), tuple(all_maxima))


def _merge(values: np.ndarray, reduce: np.ufunc) -> np.ndarray:
    padded_length = -(-len(values) // LEVEL_FACTOR) * LEVEL_FACTOR
    # Pad with the last value: it neither raises a max nor lowers a min.
    padded = np.concatenate([values, np.full(padded_length - len(values), values[-1], values.dtype)])
    return reduce.reduce(padded.reshape(-1, LEVEL_FACTOR), axis=1)


# The on-disk cache.


def peaks_cache_dir() -> Path:
    override = os.environ.get(CACHE_DIR_VARIABLE)
    base = Path(override) if override else Path(platformdirs.user_cache_dir("MetaVis Transcribe", "MetaVis"))
    return base / "waveform-peaks"


def peaks_cache_path(media_path: Path, cache_dir: Path | None = None) -> Path:
    """Named after the media's full path, size and modification time: a changed file gets new peaks."""
    media_path = Path(media_path).resolve()
    status = media_path.stat()
    identity = f"{_CACHE_FORMAT_VERSION}|{media_path}|{status.st_size}|{status.st_mtime_ns}"
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return (cache_dir or peaks_cache_dir()) / f"{digest}.npz"


def save_peaks(path: Path, peaks: WaveformPeaks) -> None:
    """Written beside and renamed, so a reader never loads half a cache file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f"min{level}": peaks.minima[level] for level in range(peaks.level_count)}
    arrays |= {f"max{level}": peaks.maxima[level] for level in range(peaks.level_count)}
    temp_path = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temp_path.open("wb") as stream:
        np.savez(stream, header=np.array([peaks.sample_rate, peaks.sample_count, peaks.level_count]), **arrays)
    os.replace(temp_path, path)


def load_peaks(path: Path) -> WaveformPeaks | None:
    """The cached peaks, or None when there are none or the file is damaged (they are then computed again)."""
    try:
        with np.load(path) as archive:
            sample_rate, sample_count, level_count = (int(value) for value in archive["header"])
            minima = tuple(archive[f"min{level}"] for level in range(level_count))
            maxima = tuple(archive[f"max{level}"] for level in range(level_count))
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        return None
    return WaveformPeaks(sample_rate, sample_count, minima, maxima)
