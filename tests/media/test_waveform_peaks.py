"""Waveform peaks: exact min/max at every level and for any pixel column, block-wise reading, the on-disk cache."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from metavis_gui.media.waveform_peaks import (
    BASE_BIN_SAMPLES,
    LEVEL_FACTOR,
    SMALLEST_LEVEL_BINS,
    compute_peaks,
    compute_peaks_from_wav,
    load_peaks,
    peaks_cache_path,
    save_peaks,
)
from tests.conftest import JFK_WAV
from tests.support.wav_files import write_mono_wav


def noise(sample_count: int, seed: int = 7) -> np.ndarray:
    generator = np.random.default_rng(seed)
    return generator.integers(-32768, 32767, sample_count, dtype=np.int16, endpoint=True)


def test_every_level_holds_the_exact_extremes_of_its_bins() -> None:
    samples = noise(BASE_BIN_SAMPLES * SMALLEST_LEVEL_BINS * LEVEL_FACTOR + 37)  # a short last bin
    peaks = compute_peaks(samples, 16000)
    assert peaks.level_count >= 2
    assert len(peaks.minima[-1]) < SMALLEST_LEVEL_BINS
    for level in range(peaks.level_count):
        size = peaks.bin_samples(level)
        for index in (0, 1, len(peaks.minima[level]) // 2, len(peaks.minima[level]) - 1):
            chunk = samples[index * size : (index + 1) * size]
            assert peaks.minima[level][index] == chunk.min() and peaks.maxima[level][index] == chunk.max(), (
                level,
                index,
            )


@pytest.mark.parametrize("samples_per_pixel", [3.7, 64.0, 250.0, 1000.0, 9999.5])
def test_columns_give_the_extremes_of_the_samples_each_pixel_covers(samples_per_pixel: float) -> None:
    samples = noise(800_000, seed=3)
    peaks = compute_peaks(samples, 16000)
    first_sample, width = 12_345.0, 300
    low, high = peaks.columns(first_sample, samples_per_pixel, width)
    level = peaks.level_for(samples_per_pixel)
    size = peaks.bin_samples(level)
    for column in (0, 1, width // 2, width - 1):
        start = first_sample + column * samples_per_pixel
        end = start + samples_per_pixel
        if start >= len(samples):
            assert low[column] == high[column] == 0
            continue
        # The column shows the whole bins it touches: a superset of its own samples, at most a bin wider.
        own = samples[int(np.ceil(start)) : int(end)]
        covered = samples[int(start // size) * size : int(np.ceil(max(end, start + 1) / size)) * size]
        if own.size:
            assert low[column] <= own.min() and high[column] >= own.max()
        assert low[column] >= covered.min() and high[column] <= covered.max()


def test_columns_outside_the_audio_are_silent() -> None:
    peaks = compute_peaks(noise(10_000), 16000)
    low, high = peaks.columns(-5_000.0, 100.0, 200)
    assert (low[:49] == 0).all() and (high[:49] == 0).all()
    assert (low[150:] == 0).all() and (high[150:] == 0).all()
    assert high[60] > 0 > low[60]


def test_reading_a_wav_block_by_block_gives_the_same_peaks_with_rising_progress(tmp_path: Path) -> None:
    samples = noise(2_500_000, seed=11)  # more than two blocks
    wav_path = write_mono_wav(tmp_path / "noise.wav", samples)
    fractions: list[float] = []
    from_file = compute_peaks_from_wav(wav_path, fractions.append)
    in_memory = compute_peaks(samples, 16000)
    assert from_file.sample_count == len(samples) and from_file.level_count == in_memory.level_count
    for level in range(in_memory.level_count):
        assert np.array_equal(from_file.minima[level], in_memory.minima[level])
        assert np.array_equal(from_file.maxima[level], in_memory.maxima[level])
    assert len(fractions) >= 3 and fractions == sorted(fractions) and fractions[-1] == 1.0


def test_the_cache_round_trips_and_is_keyed_by_path_size_and_modification_time(tmp_path: Path) -> None:
    media = tmp_path / "speech.wav"
    media.write_bytes(JFK_WAV.read_bytes())
    peaks = compute_peaks_from_wav(media)
    cache_path = peaks_cache_path(media, tmp_path / "cache")
    assert load_peaks(cache_path) is None
    save_peaks(cache_path, peaks)
    loaded = load_peaks(cache_path)
    assert loaded is not None and loaded.sample_count == peaks.sample_count == 176_000
    assert all(np.array_equal(a, b) for a, b in zip(loaded.maxima, peaks.maxima))
    assert [path.name for path in cache_path.parent.iterdir()] == [cache_path.name], "no temp file left"

    stat = media.stat()
    os.utime(media, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert peaks_cache_path(media, tmp_path / "cache") != cache_path, "a changed file gets new peaks"
    copy = tmp_path / "copy.wav"
    copy.write_bytes(media.read_bytes())
    assert peaks_cache_path(copy, tmp_path / "cache") != peaks_cache_path(media, tmp_path / "cache")


def test_a_damaged_cache_file_is_ignored(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    assert load_peaks(damaged) is None
