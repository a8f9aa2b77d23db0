"""The pipeline learns the decoded audio's length and whether it is silent in one streamed pass, never holding it
whole, and without numpy (the command reaches its engine sooner)."""

from __future__ import annotations

import tracemalloc
import wave
from pathlib import Path

import numpy as np
import pytest

from metavis_gui.media.decode import SILENCE_PEAK_LEVEL, decoded_duration_seconds, is_silent, scan_decoded_audio
from metavis_gui.media.errors import MediaUnreadable
from metavis_gui.media.wav_scan import scan_wav
from tests.conftest import JFK_WAV


def write_wav(path: Path, samples: np.ndarray, repeat: int = 1) -> Path:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16_000)
        for _ in range(repeat):
            writer.writeframes(samples.astype("<i2").tobytes())
    return path


def test_the_scan_of_speech_gives_its_length_and_hears_it() -> None:
    with wave.open(str(JFK_WAV), "rb") as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    scan = scan_decoded_audio(JFK_WAV, JFK_WAV)
    assert scan.sample_count == samples.size
    assert decoded_duration_seconds(scan) == pytest.approx(samples.size / 16_000)
    assert not is_silent(scan)


@pytest.mark.parametrize("loud", [-32768, -(SILENCE_PEAK_LEVEL + 1), SILENCE_PEAK_LEVEL + 1, 32767])
def test_one_sample_above_the_quiet_level_in_a_late_block_is_heard(tmp_path: Path, loud: int) -> None:
    samples = np.zeros(50_000, np.int16)
    samples[41_000] = loud
    scan = scan_wav(write_wav(tmp_path / "click.wav", samples), SILENCE_PEAK_LEVEL, block_samples=4096)
    assert scan.sample_count == 50_000 and scan.heard and not is_silent(scan)


@pytest.mark.parametrize("level", [0, -SILENCE_PEAK_LEVEL, SILENCE_PEAK_LEVEL])
def test_samples_at_or_below_the_quiet_level_are_silence(tmp_path: Path, level: int) -> None:
    samples = np.full(9_001, level, np.int16)
    quiet = scan_wav(write_wav(tmp_path / "quiet.wav", samples), SILENCE_PEAK_LEVEL, block_samples=4096)
    assert is_silent(quiet) and quiet.sample_count == 9_001


def test_ten_minutes_are_scanned_in_a_few_megabytes(tmp_path: Path) -> None:
    minute = np.random.default_rng(7).integers(-3000, 3000, 60 * 16_000).astype(np.int16)
    wav = write_wav(tmp_path / "ten minutes.wav", minute, repeat=10)  # 19 MB of samples
    tracemalloc.start()
    scan = scan_decoded_audio(wav, wav)
    peak_bytes = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert scan.sample_count == 10 * minute.size
    assert peak_bytes < 6_000_000, f"{peak_bytes / 1e6:.1f} MB traced: the scan holds more than a block or two"


def test_no_samples_or_no_wav_is_a_clear_error(tmp_path: Path) -> None:
    empty = write_wav(tmp_path / "empty.wav", np.zeros(0, np.int16))
    with pytest.raises(MediaUnreadable, match="decoding gave no audio samples"):
        scan_decoded_audio(Path("clip.mov"), empty)
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not a wav")
    with pytest.raises(MediaUnreadable, match="clip.mov: decoding gave no usable audio"):
        scan_decoded_audio(Path("clip.mov"), junk)
