"""The speech envelope read in bounded blocks is bit for bit the envelope of all samples converted at once."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from metavis_gui.timeline import speech_envelope
from metavis_gui.timeline.speech_envelope import SpeechEnvelope, compute_speech_envelope
from tests.conftest import REPO_ROOT

JFK_WAV = REPO_ROOT / "tests" / "data" / "jfk.wav"
RATE = 16_000
HOP = 160
WHOLE = 1 << 40  # one block holds every sample: the old all-at-once conversion


def jfk_int16() -> np.ndarray:
    with wave.open(str(JFK_WAV), "rb") as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, RATE)
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")


def envelope_with_block(monkeypatch: pytest.MonkeyPatch, samples: np.ndarray, block_samples: int) -> SpeechEnvelope:
    with monkeypatch.context() as patch:
        patch.setattr(speech_envelope, "_SAMPLES_PER_BLOCK", block_samples)
        return compute_speech_envelope(samples, RATE)


def assert_identical(found: SpeechEnvelope, expected: SpeechEnvelope) -> None:
    assert found.hop_energy_db.dtype == expected.hop_energy_db.dtype
    assert found.hop_energy_db.tobytes() == expected.hop_energy_db.tobytes()
    assert found.threshold_db == expected.threshold_db
    assert found.onset_ticks.tolist() == expected.onset_ticks.tolist()
    assert found.offset_ticks.tolist() == expected.offset_ticks.tolist()
    assert (found.duration_ticks, found.hop_samples) == (expected.duration_ticks, expected.hop_samples)


# A block is rounded down to whole hops (3 s + 37 samples -> 300 hops); 1 sample still makes a block of one hop.
@pytest.mark.parametrize("block_samples", [RATE * 3 + 37, 7 * HOP, 1], ids=["3s", "7-hops", "1-sample"])
@pytest.mark.parametrize("trim", [0, 77], ids=["whole-hops", "short-last-hop"])
def test_blocks_of_real_speech_give_the_envelope_of_all_samples_at_once(
    monkeypatch: pytest.MonkeyPatch, block_samples: int, trim: int
) -> None:
    samples = jfk_int16()[: len(jfk_int16()) - trim]
    if block_samples > HOP:
        assert len(samples) % (block_samples // HOP * HOP) != 0  # the last block is a partial one
    expected = envelope_with_block(monkeypatch, samples, WHOLE)
    assert expected.run_count > 5  # real speech with pauses, not an empty envelope
    assert_identical(envelope_with_block(monkeypatch, samples, block_samples), expected)


def test_float_samples_in_blocks_match_too(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = jfk_int16()[:-77].astype(np.float64) / 32767
    expected = envelope_with_block(monkeypatch, samples, WHOLE)
    assert_identical(envelope_with_block(monkeypatch, samples, RATE * 3 + 37), expected)


def test_a_memory_mapped_wav_gives_the_envelope_of_its_samples_in_memory(tmp_path: Path) -> None:
    samples = jfk_int16()
    raw = tmp_path / "samples.raw"
    samples.tofile(raw)
    mapped = np.memmap(raw, dtype="<i2", mode="r", shape=(len(samples),))
    assert_identical(compute_speech_envelope(mapped, RATE), compute_speech_envelope(samples.copy(), RATE))
