"""Silero VAD (faster-whisper's ONNX network, run by our own code) on real speech between music and noise."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from metavis_gui.media import speech_spans
from metavis_gui.media.silero_speech import silero_model_path
from metavis_gui.media.speech_spans import (
    SPEECH_THRESHOLD,
    SampleSpan,
    kept_spans,
    load_speech_detection,
    speech_in_stretch,
    stretches,
)
from metavis_gui.media.wav_samples import WavSamples
from tests.conftest import JFK_WAV
from tests.support.wav_files import write_mono_wav

RATE = 16000


def _jfk() -> np.ndarray:
    with wave.open(str(JFK_WAV), "rb") as reader:
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")


@pytest.fixture(scope="module")
def speech_between_chords_and_noise(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 s of chords, JFK (11 s), 20 s of pink-ish noise, JFK again: speech at 20-31 s and 51-62 s."""
    time = np.arange(20 * RATE) / RATE
    chords = 2500 * sum(np.sin(2 * np.pi * 220 * ratio * time) for ratio in (1.0, 1.26, 1.5))
    noise = np.cumsum(np.random.default_rng(3).standard_normal(20 * RATE))
    noise = 1500 * (noise - np.convolve(noise, np.ones(400) / 400, mode="same")) / 20
    audio = np.concatenate([chords, _jfk(), noise, _jfk()])
    return write_mono_wav(tmp_path_factory.mktemp("vad") / "speech between chords and noise.wav", audio)


def _speech(path: Path) -> list[SampleSpan]:
    model = load_speech_detection(path, path.parent)
    with WavSamples(path) as samples:
        return [span for stretch in stretches(len(samples)) for span in speech_in_stretch(model, samples, stretch)]


def _kept_seconds(path: Path) -> list[tuple[float, float]]:
    with WavSamples(path) as samples:
        total = len(samples)
    kept = kept_spans(_speech(path), total)
    return [(span.first / RATE, span.end / RATE) for span in kept]


def test_the_speech_is_kept_and_the_chords_and_noise_are_left_out(speech_between_chords_and_noise: Path) -> None:
    kept = _kept_seconds(speech_between_chords_and_noise)
    assert len(kept) == 2, kept
    (first_start, first_end), (second_start, second_end) = kept
    assert 18.5 <= first_start <= 20.5 and 30.0 <= first_end <= 32.5
    assert 49.5 <= second_start <= 51.5 and 61.0 <= second_end <= 62.1


def test_stretches_cover_long_audio_and_speech_across_a_stretch_edge_is_joined(
    speech_between_chords_and_noise: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _kept_seconds(speech_between_chords_and_noise)
    monkeypatch.setattr(speech_spans, "STRETCH_SAMPLES", 25 * RATE)  # an edge at 25 s, inside the first speech
    assert [span.first for span in stretches(62 * RATE)] == [0, 25 * RATE, 50 * RATE]
    in_stretches = _kept_seconds(speech_between_chords_and_noise)
    assert len(in_stretches) == 2
    for (start, end), (whole_start, whole_end) in zip(in_stretches, whole, strict=True):
        assert abs(start - whole_start) < 0.6 and abs(end - whole_end) < 0.6


def test_a_missing_network_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, speech_between_chords_and_noise: Path
) -> None:
    monkeypatch.setattr(speech_spans, "silero_model_path", lambda: None)
    with pytest.raises(
        speech_spans.SpeechDetectionUnavailable,
        match="silero_vad_v6.onnx was not found.*Run scripts/setup again, or choose --vad auto or off",
    ):
        load_speech_detection(speech_between_chords_and_noise, speech_between_chords_and_noise.parent)


def test_the_frozen_app_finds_its_own_copy_of_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from metavis_gui import app_paths

    monkeypatch.setattr(app_paths, "bundled_resources_dir", lambda: tmp_path)
    assert silero_model_path() is None  # the bundle's copy is the only one a frozen app may use
    (tmp_path / "silero").mkdir()
    (tmp_path / "silero" / "silero_vad_v6.onnx").write_bytes(b"network")
    assert silero_model_path() == tmp_path / "silero" / "silero_vad_v6.onnx"


@pytest.mark.parametrize("clip", ["between chords and noise", "jfk", "en-kal-workshop", "en-slt-weather-pink-snr22"])
def test_the_spans_are_faster_whispers_own(clip: str, speech_between_chords_and_noise: Path, tmp_path: Path) -> None:
    """Our reading of the network gives the spans faster-whisper's VAD gives, within one 32 ms frame."""
    vad = pytest.importorskip("faster_whisper.vad")
    from tests.conftest import DATA_DIR

    named = {"between chords and noise": speech_between_chords_and_noise, "jfk": JFK_WAV}
    path = named.get(clip, DATA_DIR / "reference_speech" / f"{clip}.wav")
    with wave.open(str(path), "rb") as reader:
        audio = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    theirs = vad.get_speech_timestamps(audio, vad.VadOptions(threshold=SPEECH_THRESHOLD), sampling_rate=RATE)
    ours = _speech(write_mono_wav(tmp_path / "clip.wav", (audio * 32768.0).astype(np.int16)))
    their_kept = kept_spans([SampleSpan(span["start"], span["end"]) for span in theirs], len(audio))
    our_kept = kept_spans(ours, len(audio))
    assert len(our_kept) == len(their_kept) >= 1
    for mine, reference in zip(our_kept, their_kept, strict=True):
        assert abs(mine.first - reference.first) <= 512 and abs(mine.end - reference.end) <= 512, (mine, reference)
