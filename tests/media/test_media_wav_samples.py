"""WavSamples reads a WAV's samples slice by slice, and the speech envelope from it equals the one from memory."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from metavis_gui.media.wav_samples import WavSamples
from metavis_gui.timeline.speech_envelope import compute_speech_envelope
from tests.conftest import JFK_WAV


def samples_in_memory(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as reader:
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")


def test_slices_are_the_samples_of_the_file() -> None:
    expected = samples_in_memory(JFK_WAV)
    with WavSamples(JFK_WAV) as samples:
        assert len(samples) == len(expected) and samples.shape == expected.shape
        for piece in (slice(0, 160), slice(1234, 99_999), slice(len(expected) - 7, len(expected) + 50), slice(5, 5)):
            assert np.array_equal(samples[piece], expected[piece])


def test_the_envelope_read_on_demand_equals_the_one_from_memory() -> None:
    expected = compute_speech_envelope(samples_in_memory(JFK_WAV), 16_000)
    with WavSamples(JFK_WAV) as samples:
        envelope = compute_speech_envelope(samples, 16_000)
    assert envelope.hop_energy_db.tobytes() == expected.hop_energy_db.tobytes()
    assert envelope.threshold_db == expected.threshold_db
    assert np.array_equal(envelope.onset_ticks, expected.onset_ticks) and envelope.run_count > 5
    assert np.array_equal(envelope.offset_ticks, expected.offset_ticks)
    assert envelope.duration_ticks == expected.duration_ticks


def test_stereo_and_truncated_files_are_refused_with_the_file_named(tmp_path: Path) -> None:
    stereo = tmp_path / "stereo.wav"
    with wave.open(str(stereo), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(16_000)
        writer.writeframes(b"\0\0" * 200)
    with pytest.raises(ValueError, match="stereo.wav"):
        WavSamples(stereo)

    cut = tmp_path / "cut.wav"
    cut.write_bytes(JFK_WAV.read_bytes())
    with WavSamples(cut) as samples:
        with cut.open("r+b") as file:
            file.truncate(cut.stat().st_size - 1000)
        with pytest.raises(OSError, match="cut.wav"):
            samples[len(samples) - 1000 : len(samples)]
