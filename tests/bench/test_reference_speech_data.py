"""The committed reference speech (tests/data/reference_speech, made by bench/reference_speech.py) is sound:
its words files parse and fit their WAVs, and the noisy clip's SNR measured from the data is the stated one."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "reference_speech"
WORDS_FILES = sorted(REFERENCE_DIR.glob("*.words.json"))
SAMPLE_RATE = 16000
# The noise is measured inside festival's longer pauses, away from their edges, where the clean speech is silent.
NOISE_PAUSE_MIN_SECONDS = 0.1
NOISE_PAUSE_EDGE_SECONDS = 0.03


def read_document(words_path: Path) -> dict:
    return json.loads(words_path.read_text(encoding="utf-8"))


def read_samples(words_path: Path) -> np.ndarray:
    wav_path = words_path.with_name(words_path.name.removesuffix(".words.json") + ".wav")
    with wave.open(str(wav_path), "rb") as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, SAMPLE_RATE)
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").astype(np.float64)


def mean_power(samples: np.ndarray, spans: list[tuple[float, float]]) -> float:
    pieces = [samples[round(start * SAMPLE_RATE) : round(end * SAMPLE_RATE)] for start, end in spans]
    return float(np.mean(np.concatenate(pieces) ** 2))


def test_there_are_clips_of_each_kind() -> None:
    documents = [read_document(path) for path in WORDS_FILES]
    assert sum(bool(document["words"]) for document in documents) >= 6
    assert any(not document["words"] for document in documents)
    assert any(document["noise"] and document["words"] for document in documents)


@pytest.mark.parametrize("words_path", WORDS_FILES, ids=lambda path: path.name)
def test_words_fit_the_text_and_the_wav(words_path: Path) -> None:
    document = read_document(words_path)
    duration = len(read_samples(words_path)) / SAMPLE_RATE
    words = document["words"]
    assert document["sample_rate"] == SAMPLE_RATE
    assert len(words) == len(document["text"].split())
    assert [word["word"] for word in words] == document["text"].split()
    previous_end = 0.0
    for word in words:
        assert word["word"].strip()
        assert previous_end <= word["start"] < word["end"] <= duration, word
        previous_end = word["end"]


@pytest.mark.parametrize(
    "words_path", [path for path in WORDS_FILES if read_document(path)["noise"]], ids=lambda path: path.name
)
def test_noise_is_at_the_stated_snr(words_path: Path) -> None:
    document = read_document(words_path)
    samples = read_samples(words_path)
    if document["words"]:
        noise_spans = [
            (start + NOISE_PAUSE_EDGE_SECONDS, end - NOISE_PAUSE_EDGE_SECONDS)
            for start, end in document["pauses"]
            if end - start >= NOISE_PAUSE_MIN_SECONDS
        ]
        noise_power = mean_power(samples, noise_spans)
        # Speech and noise are independent, so their powers add inside the words.
        speech_power = mean_power(samples, [(word["start"], word["end"]) for word in document["words"]]) - noise_power
    else:
        noise_power = document["noise"]["noise_rms"] ** 2
        speech_power = float(np.mean(samples**2)) - noise_power
    measured_snr_db = 10 * np.log10(speech_power / noise_power)
    assert abs(measured_snr_db - document["noise"]["snr_db"]) <= 1.0
