"""The default pipeline against the fastest engine, on 4 minutes of connected speech, side by side in one run.

    METAVIS_MODELS_DIR=$PWD/.cache/models .venv/bin/python bench/default_pipeline_speed.py [--repetitions 3]

The clip is festival's `--long` reference speech (bench/reference_speech.py: ~4 min, two voices, exact word
times), made once under bench/output/. Each variant is the whole `metavis-transcribe transcript generate`
command, as an editor's job pays for it (probe, decode, engine, alignment, write), run interleaved with the
order rotated every repetition (pipeline_overhead.interleaved_order), after one untimed warm-up each:

- default: whisper.cpp, words timed by the aligner (whisper.cpp then runs without DTW);
- faster-whisper: its own word timestamps (`--align off`), the fastest engine alone;
- whisper.cpp + DTW: the old default (`--align off`).

Besides wall time (median) and its ratio to faster-whisper, it prints each variant's word error rate
against the text and its word-boundary error against festival's times (matched words only).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from bench_common import BENCH_OUTPUT_DIR, REPO_ROOT, format_table, median, percentile, use_repository_models_dir
from known_boundary_speech import TruthWord
from pipeline_overhead import RunCost, _measured_run, interleaved_order
from timing_errors import TimedWord, match_words

COMMAND = REPO_ROOT / ".venv" / "bin" / "metavis-transcribe"
LONG_CLIP_DIR = BENCH_OUTPUT_DIR / "reference-speech-long"
VARIANTS = {
    "default (whisper.cpp + aligner)": ["--engine", "whisper.cpp", "--align", "auto"],
    "faster-whisper (own word times)": ["--engine", "faster-whisper", "--align", "off"],
    "whisper.cpp + DTW (old default)": ["--engine", "whisper.cpp", "--align", "off"],
}
BASELINE = "faster-whisper (own word times)"


def long_clip() -> tuple[Path, list[TruthWord], str]:
    """The 4-minute clip, its true words and its text; made by reference_speech.py the first time."""
    wavs = sorted(LONG_CLIP_DIR.glob("*.wav"))
    if not wavs:
        import reference_speech

        LONG_CLIP_DIR.mkdir(parents=True, exist_ok=True)
        reference_speech.main(["--out", str(LONG_CLIP_DIR), "--long"])
        wavs = sorted(LONG_CLIP_DIR.glob("*.wav"))
    wav = wavs[0]
    document = json.loads(wav.with_suffix(".words.json").read_text(encoding="utf-8"))
    truth = [TruthWord(word["word"], word["start"], word["end"]) for word in document["words"]]
    return wav, truth, document["text"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=3)
    arguments = parser.parse_args()
    use_repository_models_dir()
    wav, truth, text = long_clip()
    audio_seconds = truth[-1].end_seconds if truth else 0.0
    costs: dict[str, list[RunCost]] = {name: [] for name in VARIANTS}
    outputs: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="metavis-bench-") as work_text:
        work = Path(work_text)
        for repetition in range(1 + arguments.repetitions):
            for name in interleaved_order(list(VARIANTS), repetition):
                out = work / f"{list(VARIANTS).index(name)}-{repetition}"
                argv = [str(COMMAND), "transcript", "generate", "--input", str(wav), "--out", str(out), "--quiet",
                        "--write-adjacent-captions", "false", *VARIANTS[name]]  # fmt: skip
                cost = _measured_run(argv, dict(os.environ), work / "log.txt")
                if repetition > 0:
                    costs[name].append(cost)
                outputs[name] = out
                print(f"  {name}: {cost.wall_seconds:.1f} s", file=sys.stderr, flush=True)
        print(_speed_table(costs, audio_seconds))
        print()
        quality, boundaries = _quality_table(outputs, truth, text)
        print(quality)
    print()
    print(_targets(costs, boundaries))
    return 0


DEFAULT = next(iter(VARIANTS))


def _targets(costs: dict[str, list[RunCost]], boundaries: dict[str, tuple[float, float]]) -> str:
    """The alignment issue's targets for the default pipeline, each printed met or MISSED."""
    ratio = median([cost.wall_seconds for cost in costs[DEFAULT]]) / median(
        [cost.wall_seconds for cost in costs[BASELINE]]
    )
    boundary_median, boundary_p95 = boundaries[DEFAULT]
    checks = [
        (f"default / faster-whisper wall time = {ratio:.2f}", ratio <= 1.0, "<= 1.00"),
        (f"default boundary median {boundary_median:.0f} ms", boundary_median <= 20, "<= 20 ms"),
        (f"default boundary p95 {boundary_p95:.0f} ms", boundary_p95 <= 80, "<= 80 ms"),
    ]
    return "\n".join(f"{'met' if ok else 'MISSED':6s} {what} (target {target})" for what, ok, target in checks)


def _speed_table(costs: dict[str, list[RunCost]], audio_seconds: float) -> str:
    baseline = median([cost.wall_seconds for cost in costs[BASELINE]])
    rows = []
    for name, runs in costs.items():
        wall = median([cost.wall_seconds for cost in runs])
        cpu = median([cost.cpu_seconds for cost in runs])
        rows.append((name, f"{wall:.1f}", f"{wall / audio_seconds:.3f}", f"{wall / baseline:.2f}", f"{cpu:.1f}",
                     " ".join(f"{cost.wall_seconds:.1f}" for cost in runs)))  # fmt: skip
    header = ("variant", "wall s (median)", "x real time", f"ratio to {BASELINE.split()[0]}", "CPU s", "all runs s")
    return f"{audio_seconds:.0f} s of speech\n" + format_table(header, rows)


def _quality_table(
    outputs: dict[str, Path], truth: list[TruthWord], text: str
) -> tuple[str, dict[str, tuple[float, float]]]:
    import jiwer

    rows = []
    boundaries: dict[str, tuple[float, float]] = {}
    for name, out in outputs.items():
        lines = (out / "transcript.words.v1.jsonl").read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines]
        words = [TimedWord(r["word"], r["sourceTimeTicks"] / 60000, r["sourceTimeEndTicks"] / 60000) for r in records]
        error_rate = jiwer.wer(_normalised(text), _normalised(" ".join(word.text for word in words)))
        pairs = match_words(truth, words)
        boundary_ms = [abs(pair.start_error_ms) for pair in pairs] + [abs(pair.end_error_ms) for pair in pairs]
        boundaries[name] = (median(boundary_ms), percentile(boundary_ms, 0.95))
        rows.append((name, f"{100 * error_rate:.1f}", f"{len(pairs)}/{len(truth)}",
                     f"{boundaries[name][0]:.0f}", f"{boundaries[name][1]:.0f}"))  # fmt: skip
    header = ("variant", "WER %", "matched", "boundary median ms", "boundary p95 ms")
    return format_table(header, rows), boundaries


def _normalised(text: str) -> str:
    return " ".join("".join(c for c in word.lower() if c.isalnum() or c == "'") for word in text.split())


if __name__ == "__main__":
    sys.exit(main())
