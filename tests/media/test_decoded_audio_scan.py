"""The pipeline learns the decoded audio's length and loudness in one streamed pass, never holding it whole."""

from __future__ import annotations

import tracemalloc
import wave
from pathlib import Path

import numpy as np
import pytest

from metavis_gui.media.decode import decoded_duration_seconds, is_silent, scan_decoded_audio
from metavis_gui.media.errors import MediaUnreadable
from metavis_gui.media.wav_samples import scan_wav
from tests.conftest import JFK_WAV


def write_wav(path: Path, samples: np.ndarray, repeat: int = 1) -> Path:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16_000)
        for _ in range(repeat):
            writer.writeframes(samples.astype("<i2").tobytes())
    return path


def test_the_scan_of_speech_gives_its_length_and_peak() -> None:
    with wave.open(str(JFK_WAV), "rb") as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    scan = scan_decoded_audio(JFK_WAV, JFK_WAV)
    assert scan.sample_count == samples.size
    assert scan.peak == int(np.abs(samples.astype(np.int32)).max())
    assert decoded_duration_seconds(scan) == pytest.approx(samples.size / 16_000)
    assert not is_silent(scan)


def test_the_peak_spans_blocks_and_the_most_negative_sample(tmp_path: Path) -> None:
    samples = np.zeros(50_000, np.int16)
    samples[41_000] = -32768
    scan = scan_wav(write_wav(tmp_path / "click.wav", samples), block_samples=4096)
    assert (scan.sample_count, scan.peak) == (50_000, 32768)
    quiet = scan_wav(write_wav(tmp_path / "quiet.wav", np.full(9_000, -16, np.int16)), block_samples=4096)
    assert is_silent(quiet) and quiet.sample_count == 9_000


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
