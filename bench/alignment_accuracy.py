"""How close word times come to known word boundaries: whisper.cpp's own times vs the same words aligned.

    METAVIS_MODELS_DIR=$PWD/.cache/models .venv/bin/python bench/alignment_accuracy.py [--reuse] [--no-long]

Clips: the English reference clips in tests/data/reference_speech (festival's voices reading connected
paragraphs, one in pink noise at 22 dB SNR; word times from festival's own utterance structure) and,
unless --no-long, the ~4-minute clip `reference_speech.py --long` writes (made once, into bench/output).

For each clip whisper-cli runs with the app's argv twice: as today's default (DTW word times) and as the
pipeline runs it when alignment follows (no DTW, the engine's token times). The no-DTW words are then
aligned (metavis_gui.align.align_words) with one worker and with two; the two must agree. Recognized
words are matched to the spoken ones by text (difflib), and only matched words count. Cost is the median
wall time of align_words (decoder load included, --repetitions runs) over the audio's duration.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench_common import (
    BENCH_OUTPUT_DIR,
    DEFAULT_MODEL_NAME,
    REPO_ROOT,
    format_table,
    median,
    use_repository_models_dir,
)
from known_boundary_speech import TruthWord
from timing_errors import TimedWord, match_words, summarize

REFERENCE_DIR = REPO_ROOT / "tests" / "data" / "reference_speech"
SHORT_CLIPS = (
    "en-kal-workshop",
    "en-ked-bakery",
    "en-slt-telescope",
    "en-kal-fast-marathon",
    "en-slt-weather-pink-snr22",
)
TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_COST = 20.0, 80.0, 0.02
ENGINE_DTW, ENGINE_PLAIN, ALIGNED = "engine, dtw (default today)", "engine, no dtw", "aligned (no-dtw words)"


@dataclass(frozen=True)
class ClipRun:
    name: str
    duration_seconds: float
    truth: list[TruthWord]
    errors: dict[str, tuple[list[float], list[float]]]  # mode -> (start errors, end errors), ms, signed
    matched: dict[str, int]
    align_seconds: dict[int, float]  # workers -> wall seconds
    aligned_count: int
    word_count: int
    notice: str | None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=DEFAULT_MODEL_NAME)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=BENCH_OUTPUT_DIR / "alignment")
    parser.add_argument("--reuse", action="store_true", help="read whisper-cli's JSON of the previous run")
    parser.add_argument("--no-long", action="store_true", help="skip the ~4-minute clip")
    parser.add_argument("--repetitions", type=int, default=3, help="timed alignments per worker count (median)")
    arguments = parser.parse_args(argv)
    use_repository_models_dir()
    from metavis_gui.engines.engine_table import resolve_model_path
    from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary

    model_path = resolve_model_path("whisper.cpp", arguments.model)
    binary = locate_whisper_cpp_binary()
    print(f"model {model_path}; whisper-cli {binary.path} ({binary.version})")
    clips = [(name, REFERENCE_DIR / f"{name}.wav", REFERENCE_DIR / f"{name}.words.json") for name in SHORT_CLIPS]
    if not arguments.no_long:
        clips.append(_long_clip(arguments.out))
    runs = []
    for name, wav_path, words_path in clips:
        run = _run_clip(name, wav_path, words_path, binary, model_path, arguments)
        runs.append(run)
        print(f"\n=== {name}: {run.duration_seconds:.1f} s, {len(run.truth)} words ===")
        print(_accuracy_table([run]))
        if run.notice:
            print(f"notice: {run.notice}")
    print("\n=== all clips pooled ===")
    print(_accuracy_table(runs))
    print("\n=== alignment cost (wall time of align_words / audio duration) ===")
    print(_cost_table(runs))
    print(_targets(runs))
    return 0


def _long_clip(out_dir: Path) -> tuple[str, Path, Path]:
    import reference_speech

    name = reference_speech.LONG_CLIP.name
    wav_path, words_path = out_dir / f"{name}.wav", out_dir / f"{name}.words.json"
    if not (wav_path.is_file() and words_path.is_file()):
        print(f"making {name} with festival (once) ...")
        out_dir.mkdir(parents=True, exist_ok=True)
        reference_speech.make_speech_clip(reference_speech.LONG_CLIP, out_dir)
    return name, wav_path, words_path


def _run_clip(name: str, wav_path: Path, words_path: Path, binary, model_path: Path, arguments) -> ClipRun:
    import wave

    import numpy as np

    from metavis_gui.align import align_words

    truth = [
        TruthWord(word["word"], word["start"], word["end"]) for word in json.loads(words_path.read_text())["words"]
    ]
    with wave.open(str(wav_path), "rb") as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    duration = len(samples) / 16000
    engine = {
        ENGINE_DTW: _whisper_cpp_words(binary, model_path, wav_path, arguments, engine_word_times=True),
        ENGINE_PLAIN: _whisper_cpp_words(binary, model_path, wav_path, arguments, engine_word_times=False),
    }
    results, times = {}, {1: [], 2: []}
    for _ in range(arguments.repetitions):
        for workers in (1, 2):  # interleaved, so a busy spell of a shared machine hits both
            started = time.perf_counter()
            results[workers] = align_words(samples, engine[ENGINE_PLAIN], "en", workers=workers)
            times[workers].append(time.perf_counter() - started)
    seconds = {workers: median(values) for workers, values in times.items()}
    if results[1] != results[2]:
        print(f"warning: {name}: one worker and two workers gave different results", file=sys.stderr)
    timed = {
        mode: [TimedWord(w.text, w.start_ticks / 60000, w.end_ticks / 60000) for w in words]
        for mode, words in engine.items()
    }
    timed[ALIGNED] = [TimedWord(w.text, w.start_ticks / 60000, w.end_ticks / 60000) for w in results[1].words]
    errors, matched = {}, {}
    for mode, words in timed.items():
        pairs = match_words(truth, words)
        errors[mode] = ([pair.start_error_ms for pair in pairs], [pair.end_error_ms for pair in pairs])
        matched[mode] = len(pairs)
    return ClipRun(
        name,
        duration,
        truth,
        errors,
        matched,
        seconds,
        results[1].aligned_count,
        len(results[1].words),
        results[1].notice,
    )


def _whisper_cpp_words(binary, model_path: Path, wav_path: Path, arguments, *, engine_word_times: bool) -> list:
    from metavis_gui.engines.engine_command import TranscriptionSettings
    from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter

    out_dir = arguments.out / f"{wav_path.stem}.{'dtw' if engine_word_times else 'plain'}-run"
    out_dir.mkdir(parents=True, exist_ok=True)
    adapter = WhisperCppAdapter(binary)
    settings = TranscriptionSettings(
        audio_path=wav_path, model_path=model_path, language="en", threads=arguments.threads,
        engine_word_times=engine_word_times,
    )  # fmt: skip
    command = adapter.build_command(settings, out_dir)
    if arguments.reuse and command.output_path.is_file():
        return list(adapter.read_result(command, 0, "").words)
    command.output_path.unlink(missing_ok=True)
    completed = subprocess.run([str(command.program), *command.arguments], check=False, capture_output=True, text=True)
    return list(adapter.read_result(command, completed.returncode, completed.stderr).words)


def _accuracy_table(runs: list[ClipRun]) -> str:
    rows = []
    for mode in (ENGINE_DTW, ENGINE_PLAIN, ALIGNED):
        starts = [error for run in runs for error in run.errors[mode][0]]
        ends = [error for run in runs for error in run.errors[mode][1]]
        both, start, end = summarize(starts + ends), summarize(starts), summarize(ends)
        matched = sum(run.matched[mode] for run in runs)
        rows.append([
            mode, f"{matched}/{sum(len(run.truth) for run in runs)}",
            _ms(both.median_abs_ms), _ms(both.p95_abs_ms), _ms(start.median_abs_ms), _ms(start.p95_abs_ms),
            _ms(end.median_abs_ms), _ms(end.p95_abs_ms), _ms(start.mean_signed_ms, True), _ms(end.mean_signed_ms, True),
        ])  # fmt: skip
    header = [
        "times",
        "matched",
        "med",
        "p95",
        "start med",
        "start p95",
        "end med",
        "end p95",
        "start bias",
        "end bias",
    ]
    return format_table(header, rows)


def _cost_table(runs: list[ClipRun]) -> str:
    rows = [
        [run.name, f"{run.duration_seconds:.1f}", f"{run.aligned_count}/{run.word_count}",
         f"{run.align_seconds[1]:.2f}", f"{run.align_seconds[1] / run.duration_seconds:.4f}",
         f"{run.align_seconds[2]:.2f}", f"{run.align_seconds[2] / run.duration_seconds:.4f}"]
        for run in runs
    ]  # fmt: skip
    header = ["clip", "audio s", "aligned", "1 worker s", "1 worker x", "2 workers s", "2 workers x"]
    return format_table(header, rows)


def _targets(runs: list[ClipRun]) -> str:
    errors = [abs(error) for run in runs for part in run.errors[ALIGNED] for error in part]
    both = summarize(errors)
    audio = sum(run.duration_seconds for run in runs)
    cost = min(sum(run.align_seconds[workers] for run in runs) / audio for workers in (1, 2))
    checks = [
        (
            f"aligned median {both.median_abs_ms:.1f} ms",
            both.median_abs_ms <= TARGET_MEDIAN_MS,
            f"<= {TARGET_MEDIAN_MS:.0f}",
        ),
        (f"aligned p95 {both.p95_abs_ms:.1f} ms", both.p95_abs_ms <= TARGET_P95_MS, f"<= {TARGET_P95_MS:.0f}"),
        (f"alignment cost {cost:.4f}x audio", cost <= TARGET_COST, f"<= {TARGET_COST}x"),
    ]
    return "\n" + "\n".join(f"{'met' if ok else 'MISSED':6s} {what} (target {target})" for what, ok, target in checks)


def _ms(value: float, signed: bool = False) -> str:
    return f"{value:+.1f}" if signed else f"{value:.1f}"


if __name__ == "__main__":
    sys.exit(main())
