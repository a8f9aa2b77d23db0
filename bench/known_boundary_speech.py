"""Speech whose word boundaries are known to the sample.

Each word is synthesized on its own with espeak-ng, resampled to 16 kHz mono, and cut to the samples
whose amplitude reaches a threshold (so it carries no silence of its own); the words are then joined
with pauses of known length. Between two words there is only digital silence, so the truth (where each
word's samples lie in the joined file) is exact by construction.

Deterministic: a fixed text, a fixed pause schedule (a seeded generator), one espeak-ng voice and rate.
Reused by the timeline's boundary-refinement measurements:

    from known_boundary_speech import make_known_boundary_speech
    wav_path, truth = make_known_boundary_speech(Path("bench/output/known-boundary"))
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from bench_common import run_ffmpeg, write_mono_wav

SAMPLE_RATE = 16000
DEFAULT_VOICE = "en-us"
DEFAULT_WORDS_PER_MINUTE = 150
PAUSE_SEED = 20251126
LEADING_SILENCE_SECONDS = 0.5
TRAILING_SILENCE_SECONDS = 0.8
# Relative to the word's own peak: quieter samples at either end count as the word's silence.
TRIM_THRESHOLD_DB = -40.0

# Phrases end at a comma or a sentence end; the pause after a phrase is long, inside one it is short.
SENTENCES = (
    "The old lighthouse keeper climbed the narrow stairs every evening, and he lit the lamp before the sun went down.",
    "Ships passing in the night could see the bright beam from many miles away, even when the fog was thick.",
    "One winter the storm was so strong that the windows shook, but the light never failed.",
    "Years later, the village remembered him as a quiet man who kept everyone safe.",
    "Today the tower stands empty, yet children still climb the hill to watch the boats come home.",
)


@dataclass(frozen=True)
class TruthWord:
    text: str
    start_seconds: float
    end_seconds: float


@dataclass(frozen=True)
class ScriptWord:
    """A word of the text and the pause that follows it (the last word's pause is the trailing silence)."""

    text: str
    pause_after_seconds: float
    ends_phrase: bool


def script_words(sentences: tuple[str, ...] = SENTENCES, seed: int = PAUSE_SEED) -> list[ScriptWord]:
    """The words to speak and the known pause after each.

    Inside a phrase a quarter of the joins have no pause at all and the rest 50-150 ms; after a comma
    300-500 ms, after a sentence 500-800 ms. Whole milliseconds, so the truth stays exact in samples.
    """
    generator = random.Random(seed)
    words: list[ScriptWord] = []
    tokens = [token for sentence in sentences for token in sentence.split()]
    for index, token in enumerate(tokens):
        text = re.sub(r"[^\w'-]", "", token)
        is_last = index == len(tokens) - 1
        if is_last:
            pause_ms = TRAILING_SILENCE_SECONDS * 1000
        elif token.endswith((".", "!", "?")):
            pause_ms = generator.randint(500, 800)
        elif token.endswith((",", ";", ":")):
            pause_ms = generator.randint(300, 500)
        elif generator.random() < 0.25:
            pause_ms = 0
        else:
            pause_ms = generator.randint(50, 150)
        ends_phrase = is_last or token[-1] in ".!?,;:"
        words.append(ScriptWord(text=text, pause_after_seconds=pause_ms / 1000, ends_phrase=ends_phrase))
    return words


def trimmed_bounds(samples: np.ndarray, threshold_db: float = TRIM_THRESHOLD_DB) -> tuple[int, int]:
    """[first, last + 1) of the samples whose magnitude reaches threshold_db below the peak."""
    magnitude = np.abs(samples.astype(np.float64))
    peak = float(magnitude.max()) if magnitude.size else 0.0
    if peak <= 0:
        raise ValueError("the clip is silent")
    loud = np.flatnonzero(magnitude >= peak * 10 ** (threshold_db / 20))
    return int(loud[0]), int(loud[-1]) + 1


def join_words(
    clips: list[np.ndarray], pauses_after_seconds: list[float], leading_silence_seconds: float
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The joined samples and each clip's [start, end) sample range in them."""
    pieces = [np.zeros(round(leading_silence_seconds * SAMPLE_RATE), dtype=np.int16)]
    position = len(pieces[0])
    ranges: list[tuple[int, int]] = []
    for clip, pause in zip(clips, pauses_after_seconds, strict=True):
        ranges.append((position, position + len(clip)))
        gap = np.zeros(round(pause * SAMPLE_RATE), dtype=np.int16)
        pieces += [clip.astype(np.int16), gap]
        position += len(clip) + len(gap)
    return np.concatenate(pieces), ranges


def with_noise(samples: np.ndarray, snr_db: float, seed: int, speech_ranges: list[tuple[int, int]]) -> np.ndarray:
    """samples plus white noise snr_db below the RMS of the speech (the silence between words not counted)."""
    speech = np.concatenate([samples[start:end] for start, end in speech_ranges]).astype(np.float64)
    noise_rms = float(np.sqrt(np.mean(speech**2))) * 10 ** (-snr_db / 20)
    noise = np.random.default_rng(seed).normal(0.0, noise_rms, len(samples))
    return np.clip(np.round(samples.astype(np.float64) + noise), -32768, 32767).astype(np.int16)


def make_known_boundary_speech(
    out_dir: Path,
    voice: str = DEFAULT_VOICE,
    words_per_minute: int = DEFAULT_WORDS_PER_MINUTE,
    seed: int = PAUSE_SEED,
    noise_snr_db: float | None = None,
) -> tuple[Path, list[TruthWord]]:
    """Write known-boundary-speech-*.wav (16 kHz mono) and its .truth.json in out_dir; return both.

    noise_snr_db adds steady white noise that many dB below the speech's RMS, everywhere (deterministic):
    real recordings have no digital silence between words, and whisper.cpp's token heuristic snaps to
    energy, which digital silence flatters. The truth does not change: the words' samples stay where they are.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    script = script_words(seed=seed)
    clips = _synthesized_clips(sorted({word.text for word in script}), voice, words_per_minute)
    samples, ranges = join_words(
        [clips[word.text] for word in script], [word.pause_after_seconds for word in script], LEADING_SILENCE_SECONDS
    )
    truth = [
        TruthWord(text=word.text, start_seconds=start / SAMPLE_RATE, end_seconds=end / SAMPLE_RATE)
        for word, (start, end) in zip(script, ranges, strict=True)
    ]
    stem = f"known-boundary-speech-{voice}-{words_per_minute}wpm-{seed}"
    if noise_snr_db is not None:
        samples = with_noise(samples, noise_snr_db, seed, speech_ranges=ranges)
        stem += f"-snr{noise_snr_db:g}db"
    wav_path = out_dir / f"{stem}.wav"
    write_mono_wav(wav_path, samples)
    truth_document = {
        "wav": wav_path.name,
        "sample_rate": SAMPLE_RATE,
        "voice": voice,
        "words_per_minute": words_per_minute,
        "pause_seed": seed,
        "trim_threshold_db": TRIM_THRESHOLD_DB,
        "noise_snr_db": noise_snr_db,
        "text": " ".join(SENTENCES),
        "words": [
            {**asdict(word), "pause_after_seconds": item.pause_after_seconds, "ends_phrase": item.ends_phrase}
            for word, item in zip(truth, script, strict=True)
        ],
    }
    (out_dir / f"{stem}.truth.json").write_text(json.dumps(truth_document, indent=1) + "\n", encoding="utf-8")
    return wav_path, truth


def read_truth(truth_path: Path) -> list[TruthWord]:
    document = json.loads(truth_path.read_text(encoding="utf-8"))
    return [TruthWord(item["text"], item["start_seconds"], item["end_seconds"]) for item in document["words"]]


def _synthesized_clips(texts: list[str], voice: str, words_per_minute: int) -> dict[str, np.ndarray]:
    clips: dict[str, np.ndarray] = {}
    with tempfile.TemporaryDirectory(prefix="known-boundary-") as folder:
        for index, text in enumerate(texts):
            raw = Path(folder) / f"{index}-raw.wav"
            resampled = Path(folder) / f"{index}.wav"
            subprocess.run(
                ["espeak-ng", "-w", str(raw), "-v", voice, "-s", str(words_per_minute), text],
                check=True,
                capture_output=True,
            )
            run_ffmpeg("-i", str(raw), "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", str(resampled))
            samples = _read_wav(resampled)
            first, end = trimmed_bounds(samples)
            clips[text] = samples[first:end]
    return clips


def _read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as reader:
        if reader.getnchannels() != 1 or reader.getsampwidth() != 2 or reader.getframerate() != SAMPLE_RATE:
            raise ValueError(f"{path}: expected 16-bit mono {SAMPLE_RATE} Hz")
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").copy()


if __name__ == "__main__":
    from bench_common import BENCH_OUTPUT_DIR

    path, words = make_known_boundary_speech(BENCH_OUTPUT_DIR / "known-boundary")
    print(f"{path}: {len(words)} words, {words[-1].end_seconds + TRAILING_SILENCE_SECONDS:.2f} s")
