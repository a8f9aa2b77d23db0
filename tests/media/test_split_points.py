"""Cutting long audio into parts at quiet moments."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from metavis_gui.media.part_plan import plan_parts
from metavis_gui.media.sample_span import SampleSpan
from metavis_gui.media.split_points import (
    MIN_PART_SECONDS,
    SAMPLE_RATE,
    part_count,
    quietest_sample,
)
from metavis_gui.media.wav_parts import write_wav_part, write_wav_pieces
from metavis_gui.media.wav_samples import WavSamples


def _noise(seconds: float, level: float, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(int(seconds * SAMPLE_RATE)) * level).astype(np.float32)


def test_a_cut_lands_in_the_pause_not_at_the_even_share() -> None:
    loud_then_pause = np.concatenate([_noise(13, 0.3), _noise(0.5, 0.001), _noise(6.5, 0.3, seed=1)])
    cut = quietest_sample(loud_then_pause) / SAMPLE_RATE
    assert 13.0 <= cut <= 13.5


def test_parts_of_unbroken_audio_are_cut_in_the_pause_near_each_share_in_order() -> None:
    total = 200 * SAMPLE_RATE
    audio = _noise(200, 0.3)
    for pause in (62.0, 141.0):  # near the thirds, 66.7 and 133.3 s
        audio[int(pause * SAMPLE_RATE) : int((pause + 0.4) * SAMPLE_RATE)] *= 0.001
    plans = plan_parts([SampleSpan(0, total)], 3, lambda first, count: audio[first : first + count])
    assert [round(plan.source_first / SAMPLE_RATE) for plan in plans] == [0, 62, 141]
    assert all(len(plan.pieces) == 1 for plan in plans)
    assert sum(plan.sample_count for plan in plans) == total


def test_part_count_keeps_every_part_long_enough() -> None:
    assert part_count(MIN_PART_SECONDS * 2 - 1, 4) == 1
    assert part_count(MIN_PART_SECONDS * 2, 4) == 2
    assert part_count(3600, 2) == 2
    assert part_count(30, 4, min_part_seconds=10) == 3


def test_a_part_copied_out_of_a_wav_holds_exactly_its_samples(tmp_path: Path) -> None:
    samples = (np.arange(48000) % 2000 - 1000).astype("<i2")
    source = tmp_path / "source.wav"
    with wave.open(str(source), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        writer.writeframes(samples.tobytes())
    part = tmp_path / "part.wav"
    write_wav_part(source, part, 1000, 30000)
    with WavSamples(part) as copied:
        assert len(copied) == 30000
        assert np.array_equal(copied[0:30000], samples[1000:31000])
    joined = tmp_path / "joined.wav"
    write_wav_pieces(source, joined, [(100, 400), (40000, 5000)])
    with WavSamples(joined) as copied:
        assert np.array_equal(copied[0:5400], np.concatenate([samples[100:500], samples[40000:45000]]))
