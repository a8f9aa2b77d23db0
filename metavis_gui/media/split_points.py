"""How many parts long audio is cut into for engines side by side, and the quietest moment near a cut.

A cut inside a word costs that word (each part's engine hears half of it), so each cut is moved, within a
search window around its even share, to the middle of the quietest stretch: a pause in speech, or the
quietest part of music or noise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

from metavis_gui.media.decode import ENGINE_SAMPLE_RATE

SAMPLE_RATE = ENGINE_SAMPLE_RATE
# Each part must stay long enough that its model load and first window are a small share of its cost.
MIN_PART_SECONDS = 60.0
# When the user asks for a number of processes: parts still long enough to hold whole sentences.
MIN_ASKED_PART_SECONDS = 10.0
SEARCH_SECONDS = 10.0
_QUIET_WINDOW_SECONDS = 0.3
_FRAME_SECONDS = 0.01

ReadSamples = Callable[[int, int], "np.ndarray"]  # (first sample, sample count) -> samples, int16 or float


def part_count(audio_seconds: float, wanted_parts: int, min_part_seconds: float = MIN_PART_SECONDS) -> int:
    """How many parts this audio splits into: at most wanted_parts, each at least min_part_seconds."""
    return max(1, min(wanted_parts, int(audio_seconds // min_part_seconds)))


def quietest_sample(samples: np.ndarray) -> int:
    """The middle of the quietest _QUIET_WINDOW_SECONDS of samples (by mean energy of 10 ms frames)."""
    import numpy as np  # only long media is split: a short clip's run need not load it

    frame = int(_FRAME_SECONDS * SAMPLE_RATE)
    frames = len(samples) // frame
    if frames == 0:
        return len(samples) // 2
    energy = np.square(samples[: frames * frame].astype(np.float64)).reshape(frames, frame).mean(axis=1)
    span = max(1, min(frames, int(_QUIET_WINDOW_SECONDS / _FRAME_SECONDS)))
    windowed = np.convolve(energy, np.ones(span) / span, mode="valid")
    # Ties (digital silence) go to the window nearest the middle, the even share.
    middle = (len(windowed) - 1) / 2
    best = min(range(len(windowed)), key=lambda start: (windowed[start], abs(start - middle)))
    return (best + span // 2) * frame
