"""Word times of the whole command where the speech is not alone: the reference clips put after silence,
a tone or room tone, split by a long silence, or under music, each run through the default pipeline.

Usage (from the checkout's root, after scripts/setup):
    METAVIS_MODELS_DIR=$PWD/.cache/models .venv/bin/python bench/alignment_robustness.py [--conditions ...]

Each English clip of tests/data/reference_speech is made into one WAV a condition (bench/output/robustness/),
its known word times moved with the audio. `metavis-transcribe transcript generate` runs on each as an
editor would run it (VAD, engine parts and aligner as shipped), and its words are matched to the known
ones by text. A row a condition, all clips pooled: matched words, the median, 95th percentile and largest
|error| over starts and ends, and how many words have an edge more than 0.5 s off (a box an editor must
move by hand). Nothing is asserted: compare the rows with `clean`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from bench_common import (
    BENCH_OUTPUT_DIR,
    DEFAULT_MODEL_NAME,
    REPO_ROOT,
    format_table,
    median,
    percentile,
    use_repository_models_dir,
    write_mono_wav,
)
from known_boundary_speech import TruthWord
from timing_errors import TimedWord, match_words

SAMPLE_RATE = 16000
REFERENCE_DIR = REPO_ROOT / "tests" / "data" / "reference_speech"
CLIPS = ("en-kal-workshop", "en-ked-bakery", "en-slt-telescope", "en-kal-fast-marathon", "en-slt-weather-pink-snr22")
FAR_OFF_SECONDS = 0.5
OUTPUT_DIR = BENCH_OUTPUT_DIR / "robustness"


@dataclass(frozen=True)
class Variant:
    samples: np.ndarray
    truth: list[TruthWord]


Condition = Callable[[np.ndarray, list[TruthWord]], Variant]


def _seconds(count: float) -> int:
    return int(count * SAMPLE_RATE)


def _shifted(truth: list[TruthWord], seconds: float, from_index: int = 0) -> list[TruthWord]:
    return [
        TruthWord(word.text, word.start_seconds + seconds, word.end_seconds + seconds) if index >= from_index else word
        for index, word in enumerate(truth)
    ]


def _before(lead: np.ndarray) -> Condition:
    def condition(samples: np.ndarray, truth: list[TruthWord]) -> Variant:
        return Variant(np.concatenate([lead, samples]), _shifted(truth, len(lead) / SAMPLE_RATE))

    return condition


def _after(tail: np.ndarray) -> Condition:
    def condition(samples: np.ndarray, truth: list[TruthWord]) -> Variant:
        return Variant(np.concatenate([samples, tail]), truth)

    return condition


def _noise(seconds: float, dbfs: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 32767 * 10 ** (dbfs / 20), _seconds(seconds))


def _tone(seconds: float, frequency: float, dbfs: float) -> np.ndarray:
    time = np.arange(_seconds(seconds)) / SAMPLE_RATE
    return 32767 * 10 ** (dbfs / 20) * np.sqrt(2) * np.sin(2 * np.pi * frequency * time)


def _chords(seconds: float, dbfs: float) -> np.ndarray:
    time = np.arange(_seconds(seconds)) / SAMPLE_RATE
    bed = np.zeros_like(time)
    for number, root in enumerate((220.0, 174.6, 196.0, 261.6) * int(seconds // 8 + 1)):
        span = (time >= number * 2.0) & (time < number * 2.0 + 2.0)
        for ratio in (1.0, 1.26, 1.5):
            bed[span] += np.sin(2 * np.pi * root * ratio * time[span])
    return bed / np.sqrt(np.mean(bed**2)) * 32767 * 10 ** (dbfs / 20)


def _split_by_silence(seconds: float) -> Condition:
    """The silence goes into the longest pause near the middle, so the clip is two takes far apart."""

    def condition(samples: np.ndarray, truth: list[TruthWord]) -> Variant:
        middle = len(truth) // 2
        candidates = range(max(1, middle - 8), min(len(truth), middle + 8))
        after = max(candidates, key=lambda index: truth[index].start_seconds - truth[index - 1].end_seconds)
        cut = _seconds((truth[after - 1].end_seconds + truth[after].start_seconds) / 2)
        joined = np.concatenate([samples[:cut], np.zeros(_seconds(seconds)), samples[cut:]])
        return Variant(joined, _shifted(truth, seconds, from_index=after))

    return condition


def _under(bed: Callable[[float], np.ndarray]) -> Condition:
    def condition(samples: np.ndarray, truth: list[TruthWord]) -> Variant:
        return Variant(samples + bed(len(samples) / SAMPLE_RATE), truth)

    return condition


def _quieter(decibels: float) -> Condition:
    def condition(samples: np.ndarray, truth: list[TruthWord]) -> Variant:
        return Variant(samples * 10 ** (-decibels / 20), truth)

    return condition


def _echo(delays_seconds: tuple[float, ...], gain: float) -> Condition:
    """Reflections of the voice a room adds: each delay, `gain` times weaker than the one before."""

    def condition(samples: np.ndarray, truth: list[TruthWord]) -> Variant:
        wet = samples.copy()
        for number, delay in enumerate(delays_seconds, start=1):
            shift = _seconds(delay)
            wet[shift:] += gain**number * samples[:-shift]
        return Variant(wet / (1 + sum(gain**n for n in range(1, len(delays_seconds) + 1))), truth)

    return condition


CONDITIONS: dict[str, Condition] = {
    "clean": lambda samples, truth: Variant(samples, truth),
    "12 s digital silence before": _before(np.zeros(_seconds(12))),
    "12 s room tone before (-60 dBFS)": _before(_noise(12, -60, seed=1)),
    "8 s line-up tone before (1 kHz, -20 dBFS)": _before(_tone(8, 1000.0, -20)),
    "90 s silence in the middle": _split_by_silence(90),
    "chords under the speech (-30 dBFS)": _under(lambda seconds: _chords(seconds, -30)),
    "10 s of chords before (-20 dBFS)": _before(_chords(10, -20)),
    "10 s of chords after (-20 dBFS)": _after(_chords(10, -20)),
    "speech 30 dB quieter": _quieter(30),
    "room echo (40, 90, 150 ms)": _echo((0.04, 0.09, 0.15), 0.5),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conditions", nargs="*", default=list(CONDITIONS), choices=list(CONDITIONS), metavar="NAME")
    parser.add_argument("--model", default=DEFAULT_MODEL_NAME)
    parser.add_argument("--show-far-off", action="store_true", help="list each word more than 0.5 s off")
    arguments = parser.parse_args(argv)
    use_repository_models_dir()
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in arguments.conditions:
        errors: list[float] = []
        far_off = matched = spoken = 0
        for clip in CLIPS:
            variant = CONDITIONS[name](*_reference(clip))
            recognized = _transcribed(_written(clip, name, variant.samples), arguments.model)
            pairs = match_words(variant.truth, recognized)
            matched, spoken = matched + len(pairs), spoken + len(variant.truth)
            for pair in pairs:
                edges = (abs(pair.start_error_ms), abs(pair.end_error_ms))
                errors.extend(edges)
                far_off += max(edges) > FAR_OFF_SECONDS * 1000
                if arguments.show_far_off and max(edges) > FAR_OFF_SECONDS * 1000:
                    print(
                        f"  {name} / {clip}: {pair.truth.text!r} at {pair.recognized.start_seconds:.2f}-"
                        f"{pair.recognized.end_seconds:.2f} s, spoken {pair.truth.start_seconds:.2f}-"
                        f"{pair.truth.end_seconds:.2f} s"
                    )
        rows.append((name, f"{matched}/{spoken}", *(f"{value:.0f}" for value in _spread(errors)), far_off))
        print(f"{name}: done", file=sys.stderr)
    print(format_table(("condition", "matched", "med ms", "p95 ms", "max ms", "words > 0.5 s off"), rows))
    return 0


def _reference(clip: str) -> tuple[np.ndarray, list[TruthWord]]:
    with wave.open(str(REFERENCE_DIR / f"{clip}.wav"), "rb") as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").astype(np.float64)
    words = json.loads((REFERENCE_DIR / f"{clip}.words.json").read_text())["words"]
    return samples, [TruthWord(word["word"], word["start"], word["end"]) for word in words]


def _written(clip: str, condition: str, samples: np.ndarray) -> Path:
    slug = "".join(character if character.isalnum() else "-" for character in condition.lower()).strip("-")
    return write_mono_wav(
        OUTPUT_DIR / f"{clip}--{slug}.wav", np.clip(np.round(samples), -32768, 32767).astype(np.int16)
    )


def _transcribed(wav_path: Path, model: str) -> list[TimedWord]:
    command = REPO_ROOT / ".venv" / "bin" / "metavis-transcribe"
    with tempfile.TemporaryDirectory() as out_dir:
        subprocess.run(
            [str(command), "transcript", "generate", "--input", str(wav_path), "--out", out_dir, "--model", model,
             "--quiet", "--write-adjacent-captions", "false"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        lines = (Path(out_dir) / "transcript.words.v1.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [TimedWord(r["word"], r["sourceTimeTicks"] / 60000, r["sourceTimeEndTicks"] / 60000) for r in records]


def _spread(errors: list[float]) -> tuple[float, float, float]:
    return median(errors), percentile(errors, 0.95), max(errors, default=float("nan"))


if __name__ == "__main__":
    sys.exit(main())
