"""Pauses in a short stretch of audio, judged against that stretch's own levels.

One threshold for a whole recording misses pauses wherever the room tone, a breath or a slowly decaying
tail sits near it. The timeline's speech envelope is computed here over just the stretch around a word
boundary, so its noise floor is the pause's own level; quiet then means 3 dB over that floor and, as
well, at least 35 dB under the stretch's speech (a reverberant or synthetic tail decays slowly, and a
listener hears the pause long before the tail reaches the floor). The stretch's levels are read from
the whole recording's envelope, computed once.
"""

from __future__ import annotations

import numpy as np

from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.speech_envelope import compute_speech_envelope

SAMPLE_RATE = 16000
ABOVE_FLOOR_DB = 3.0
BELOW_SPEECH_DB = 35.0
_FLOOR_PERCENTILE = 10.0
_SPEECH_PERCENTILE = 95.0
_SHORTEST_STRETCH_SAMPLES = SAMPLE_RATE // 10
_BRIDGED_GAP_SECONDS = 0.05  # dips shorter than this inside speech are closures, not pauses
_SHORTEST_SPEECH_SECONDS = 0.03  # louder blips shorter than this inside a pause are clicks


class LocalPauses:
    """The pause finder of one recording (16 kHz mono samples)."""

    def __init__(self, samples: np.ndarray) -> None:
        self._samples = samples
        whole = compute_speech_envelope(samples, SAMPLE_RATE)
        self._hop_samples = whole.hop_samples
        self._hop_energy_db = whole.hop_energy_db

    def level_under_speech_db(self, low_ticks: int, high_ticks: int) -> float:
        """How far the median level of [low, high) lies under the whole recording's speech level, in dB."""
        levels = self._hop_levels(*self._sample_range(low_ticks, high_ticks))
        if not levels.size:
            return 0.0
        speech = float(np.percentile(self._hop_energy_db, _SPEECH_PERCENTILE))
        return speech - float(np.median(levels))

    def between(self, low_ticks: int, high_ticks: int, shortest_ticks: int) -> list[tuple[int, int]]:
        """Pauses of at least `shortest_ticks` in [low, high), as (start, end) ticks of the whole audio."""
        first, last = self._sample_range(low_ticks, high_ticks)
        if last - first < _SHORTEST_STRETCH_SAMPLES:
            return []
        levels = self._hop_levels(first, last)
        floor, speech = np.percentile(levels, [_FLOOR_PERCENTILE, _SPEECH_PERCENTILE])
        envelope = compute_speech_envelope(
            self._samples[first:last],
            SAMPLE_RATE,
            noise_floor_percentile=_FLOOR_PERCENTILE,
            threshold_above_floor_db=max(ABOVE_FLOOR_DB, float(speech) - BELOW_SPEECH_DB - float(floor)),
            min_pause_seconds=_BRIDGED_GAP_SECONDS,
            min_speech_seconds=_SHORTEST_SPEECH_SECONDS,
        )
        offset = first * TICKS_PER_SECOND // SAMPLE_RATE
        starts = np.concatenate(([0], envelope.offset_ticks)) + offset
        ends = np.concatenate((envelope.onset_ticks, [envelope.duration_ticks])) + offset
        return [(int(start), int(end)) for start, end in zip(starts, ends) if end - start >= shortest_ticks]

    def _sample_range(self, low_ticks: int, high_ticks: int) -> tuple[int, int]:
        first = max(0, low_ticks) * SAMPLE_RATE // TICKS_PER_SECOND
        return first, min(len(self._samples), max(0, high_ticks) * SAMPLE_RATE // TICKS_PER_SECOND)

    def _hop_levels(self, first_sample: int, last_sample: int) -> np.ndarray:
        """The levels (dB) of the hops that hold samples [first, last)."""
        return self._hop_energy_db[first_sample // self._hop_samples : -(-last_sample // self._hop_samples)]
