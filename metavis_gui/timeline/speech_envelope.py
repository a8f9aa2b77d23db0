"""Where speech starts and stops in the audio: a short-time energy envelope and its speech runs.

Log energy of 10 ms hops; the threshold is set from the noise floor (a low
percentile of the hop energies), so it adapts to each recording's level and
noise. Hops above it are speech; pauses shorter than `min_pause_seconds` are
bridged (stop closures inside a word) and runs shorter than `min_speech_seconds`
dropped (clicks). Each run's edges are then placed on the sample, inside the
edge hop, so a boundary is not off by up to a hop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metavis_gui.contract import TICKS_PER_SECOND

DEFAULT_HOP_SECONDS = 0.010
DEFAULT_NOISE_FLOOR_PERCENTILE = 10.0
# Chosen on known-boundary speech with whisper.cpp times, clean and with white noise at 20-30 dB SNR:
# 6 dB keeps soft word edges that 9-12 dB cut off in noise; bridging pauses under 50 ms removes
# most stop closures (30-45 ms in espeak-ng's words), which otherwise pull boundaries into words.
DEFAULT_THRESHOLD_ABOVE_FLOOR_DB = 6.0
DEFAULT_MIN_PAUSE_SECONDS = 0.050
DEFAULT_MIN_SPEECH_SECONDS = 0.020
_SILENCE_DB = -100.0  # digital silence; keeps log10 finite
_SPEECH_LEVEL_PERCENTILE = 95.0
# About a minute at 16 kHz: hours of int16 samples (a memory map) never exist as float all at once.
_SAMPLES_PER_BLOCK = 1 << 20


@dataclass(frozen=True, eq=False)
class SpeechEnvelope:
    """Speech runs [onset_ticks[i], offset_ticks[i]), in order, non-overlapping, in source ticks."""

    sample_rate: int
    hop_samples: int
    hop_energy_db: np.ndarray
    threshold_db: float
    onset_ticks: np.ndarray
    offset_ticks: np.ndarray
    duration_ticks: int

    @property
    def run_count(self) -> int:
        return len(self.onset_ticks)

    def speech_ticks_between(self, start_ticks: int, end_ticks: int) -> int:
        """How much of [start_ticks, end_ticks) is speech."""
        if end_ticks <= start_ticks:
            return 0
        first = int(self.offset_ticks.searchsorted(start_ticks, side="right"))
        last = int(self.onset_ticks.searchsorted(end_ticks, side="left"))
        return sum(
            min(end_ticks, int(self.offset_ticks[run])) - max(start_ticks, int(self.onset_ticks[run]))
            for run in range(first, last)
        )


def compute_speech_envelope(
    samples: np.ndarray,
    sample_rate: int,
    hop_seconds: float = DEFAULT_HOP_SECONDS,
    noise_floor_percentile: float = DEFAULT_NOISE_FLOOR_PERCENTILE,
    threshold_above_floor_db: float = DEFAULT_THRESHOLD_ABOVE_FLOOR_DB,
    min_pause_seconds: float = DEFAULT_MIN_PAUSE_SECONDS,
    min_speech_seconds: float = DEFAULT_MIN_SPEECH_SECONDS,
) -> SpeechEnvelope:
    """The envelope of mono samples (float in [-1, 1], or int16).

    `samples` is read a block at a time, by slices: an array, a memory map, or anything
    with len, ndim, dtype and slicing that reads on demand (media's WavSamples).
    """
    samples = _as_mono(samples)
    hop = max(1, round(hop_seconds * sample_rate))
    energy_db = _hop_energy_db(samples, hop)
    threshold_db = _threshold_db(energy_db, noise_floor_percentile, threshold_above_floor_db)
    first_hops, end_hops = _speech_runs(
        energy_db > threshold_db,
        min_pause_hops=round(min_pause_seconds * sample_rate / hop),
        min_speech_hops=round(min_speech_seconds * sample_rate / hop),
    )
    amplitude = 10 ** (threshold_db / 20)
    onset_samples = np.array([_first_loud_sample(samples, hop, index, amplitude) for index in first_hops], np.int64)
    offset_samples = np.array(
        [_last_loud_sample_end(samples, hop, index - 1, amplitude) for index in end_hops], np.int64
    )
    return SpeechEnvelope(
        sample_rate=sample_rate,
        hop_samples=hop,
        hop_energy_db=energy_db,
        threshold_db=threshold_db,
        onset_ticks=_ticks_of_samples(onset_samples, sample_rate),
        offset_ticks=_ticks_of_samples(offset_samples, sample_rate),
        duration_ticks=int(_ticks_of_samples(np.array([len(samples)], np.int64), sample_rate)[0]),
    )


def _as_mono(samples: np.ndarray) -> np.ndarray:
    if not hasattr(samples, "ndim"):  # a list; array-likes that read on demand (WavSamples) stay as they are
        samples = np.asarray(samples)
    if samples.ndim != 1:
        raise ValueError(f"expected mono samples (one dimension), got shape {samples.shape}")
    return samples


def _as_float(samples: np.ndarray) -> np.ndarray:
    """A slice as float32 in [-1, 1]; element by element, so converting in blocks changes no value."""
    if np.issubdtype(samples.dtype, np.integer):
        return samples.astype(np.float32) / float(np.iinfo(samples.dtype).max)
    return samples.astype(np.float32, copy=False)


def _hop_energy_db(samples: np.ndarray, hop: int) -> np.ndarray:
    hop_count = -(-len(samples) // hop)
    hops_per_block = max(1, _SAMPLES_PER_BLOCK // hop)
    energy = np.empty(hop_count, np.float64)
    for first in range(0, hop_count, hops_per_block):
        last = min(first + hops_per_block, hop_count)
        block = _as_float(samples[first * hop : last * hop])
        padded = np.zeros((last - first) * hop, np.float32)
        padded[: len(block)] = block  # the last hop may be short; its missing samples count as silence
        frames = padded.reshape(-1, hop)
        energy[first:last] = np.einsum("ij,ij->i", frames, frames, dtype=np.float64) / hop
    return np.maximum(10 * np.log10(np.maximum(energy, 1e-30)), _SILENCE_DB)


def _threshold_db(energy_db: np.ndarray, noise_floor_percentile: float, above_floor_db: float) -> float:
    if energy_db.size == 0:
        return _SILENCE_DB
    floor = float(np.percentile(energy_db, noise_floor_percentile))
    speech_level = float(np.percentile(energy_db, _SPEECH_LEVEL_PERCENTILE))
    # With little headroom above the noise, meet halfway so speech still clears the bar.
    return floor + min(above_floor_db, max(0.0, speech_level - floor) / 2)


def _speech_runs(is_speech: np.ndarray, min_pause_hops: int, min_speech_hops: int) -> tuple[list[int], list[int]]:
    """[first, end) hop indices of speech runs, short pauses bridged first, then short runs dropped."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], is_speech.astype(np.int8), [0]))))
    runs: list[list[int]] = []
    for first, end in zip(edges[0::2].tolist(), edges[1::2].tolist()):
        if runs and first - runs[-1][1] < min_pause_hops:
            runs[-1][1] = end
        else:
            runs.append([first, end])
    kept = [run for run in runs if run[1] - run[0] >= min_speech_hops]
    return [run[0] for run in kept], [run[1] for run in kept]


def _first_loud_sample(samples: np.ndarray, hop: int, hop_index: int, amplitude: float) -> int:
    start = hop_index * hop
    loud = np.flatnonzero(np.abs(_as_float(samples[start : start + hop])) >= amplitude)
    return start + int(loud[0]) if loud.size else start


def _last_loud_sample_end(samples: np.ndarray, hop: int, hop_index: int, amplitude: float) -> int:
    start = hop_index * hop
    loud = np.flatnonzero(np.abs(_as_float(samples[start : start + hop])) >= amplitude)
    return start + int(loud[-1]) + 1 if loud.size else min(start + hop, len(samples))


def _ticks_of_samples(sample_indices: np.ndarray, sample_rate: int) -> np.ndarray:
    # Integer round-half-up: exact for any length, unlike going through float seconds.
    return (sample_indices * (2 * TICKS_PER_SECOND) + sample_rate) // (2 * sample_rate)
