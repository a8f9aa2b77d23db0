"""whisper.cpp, openai-whisper and faster-whisper side by side, with the same tiny.en weights.

    METAVIS_MODELS_DIR=$PWD/.cache/models .venv/bin/python bench/engine_comparison.py [--repetitions 3]

Speed: each engine transcribes the same 60 s clip (jfk.wav looped with ffmpeg, 16 kHz mono WAV) with exactly
the argv the app builds (its adapter's build_command), interleaved, the order rotated every repetition
(pipeline_overhead.interleaved_order) so drift on a shared machine hits all alike; medians are printed.
A run is the whole engine process as a job pays for it: start, imports, model load, decode, write. The
real-time factor is wall seconds / audio seconds (below 1 is faster than real time). CPU is user + system
time of the process and its children, steadier than wall time when other work shares the cores.

Word timing: each engine once on each known-boundary speech set (word_timing_accuracy.SPEECH_SETS,
espeak-ng words joined with known pauses), its words read by the app's own parser (read_result), matched
to the known words by text and summarized (timing_errors). Errors are recognized minus true, in ms.
Those runs are timed too: a second real-time factor on speech that does not repeat itself.

Why two speeds: looped speech repeats its text, so a window's transcript compresses well. openai-whisper
and faster-whisper take a gzip compression ratio above 2.4 for a decoding failure and decode the window
again at temperatures 0.2 ... 1.0 (best of 5 samples each); whisper.cpp tests token entropy instead. The
60 s loop therefore measures that fallback as much as the engines' speed.

The weights are the same, the formats are not: whisper.cpp runs the ggml conversion (f16 matrices),
openai-whisper the .pt conversion in fp32, faster-whisper the CTranslate2 folder (float16 on disk,
computed in float32 on this CPU). openai-whisper gets default alignment heads for a converted checkpoint.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import wave
from pathlib import Path

from bench_common import (
    BENCH_OUTPUT_DIR,
    DEFAULT_MODEL_NAME,
    REPO_ROOT,
    format_table,
    median,
    use_repository_models_dir,
)
from known_boundary_speech import DEFAULT_VOICE, make_known_boundary_speech
from pipeline_overhead import RunCost, _loop_audio, _measured_run, interleaved_order
from timing_errors import TimedWord, match_words, pause_after, pause_before
from word_timing_accuracy import SPEECH_SETS, WordError, _overall_table

ENGINES = ("whisper.cpp", "openai-whisper", "faster-whisper")
JFK_WAV = REPO_ROOT / "tests" / "data" / "jfk.wav"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=3, help="timed runs of each engine, interleaved")
    parser.add_argument("--warmups", type=int, default=1, help="untimed runs of each first (page cache, JIT caches)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model", default=DEFAULT_MODEL_NAME, help="a model name every engine resolves")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the looped clip")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated")
    parser.add_argument("--sets", default=",".join(name for name, *_ in SPEECH_SETS), help="word-timing sets")
    parser.add_argument("--out", type=Path, default=BENCH_OUTPUT_DIR / "engine-comparison")
    arguments = parser.parse_args(argv)
    engines = [engine for engine in arguments.engines.split(",") if engine]

    use_repository_models_dir()
    from metavis_gui.engines.engine_table import create_engine_adapter, resolve_model_path
    from metavis_gui.models.ct2_to_openai_whisper import install_default_openai_whisper_model

    if "openai-whisper" in engines and arguments.model == DEFAULT_MODEL_NAME:
        install_default_openai_whisper_model()
    adapters = {engine: create_engine_adapter(engine) for engine in engines}
    models = {engine: resolve_model_path(engine, arguments.model) for engine in engines}
    arguments.out.mkdir(parents=True, exist_ok=True)
    clip = arguments.out / f"jfk-looped-{arguments.seconds:g}s.wav"
    _loop_audio(JFK_WAV, clip, arguments.seconds)

    print(f"{os.cpu_count()} cores, {arguments.threads} threads; model {arguments.model}; "
          f"{arguments.repetitions} repetitions + {arguments.warmups} warm-up, interleaved")  # fmt: skip
    for engine in engines:
        print(f"  {engine} {adapters[engine].version}: {models[engine]}")
    speed = _speed_rows(adapters, models, clip, arguments)
    print(f"\nSpeed on {clip.name} ({arguments.seconds:g} s of speech), medians")
    print(format_table(["engine", "RTF", "wall s", "CPU s", "peak RSS MB", "words"], speed))

    chosen_sets = [speech_set for speech_set in SPEECH_SETS if speech_set[0] in arguments.sets.split(",")]
    errors: dict[str, list[WordError]] = {engine: [] for engine in engines}
    costs: dict[str, list[RunCost]] = {engine: [] for engine in engines}
    word_count, audio_seconds = 0, 0.0
    for name, rate, seed, noise in chosen_sets:
        wav_path, truth = make_known_boundary_speech(arguments.out / "speech", DEFAULT_VOICE, rate, seed, noise)
        word_count += len(truth)
        audio_seconds += _wav_seconds(wav_path)
        for engine in interleaved_order(engines, len(costs[engines[0]])):
            words, cost = _timed_words(
                adapters[engine], models[engine], wav_path, arguments.threads, arguments.out / name
            )
            costs[engine].append(cost)
            errors[engine] += [
                WordError(pair.start_error_ms, pair.end_error_ms, pause_before(truth, pair.truth_index),
                          pause_after(truth, pair.truth_index))
                for pair in match_words(truth, words)
            ]  # fmt: skip
    print(f"\nWord-timing error (ms) on the known-boundary sets {', '.join(name for name, *_ in chosen_sets)}, pooled")
    print(_overall_table(errors, word_count))
    print(f"\nSpeed on the same sets ({audio_seconds:.0f} s of speech that does not repeat itself), one run each")
    print(
        format_table(
            ["engine", "RTF", "wall s", "CPU s"],
            [_total_row(engine, runs, audio_seconds) for engine, runs in costs.items()],
        )
    )
    return 0


def _total_row(engine: str, runs: list[RunCost], audio_seconds: float) -> list[object]:
    wall = sum(run.wall_seconds for run in runs)
    return [engine, f"{wall / audio_seconds:.3f}", f"{wall:.2f}", f"{sum(run.cpu_seconds for run in runs):.2f}"]


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def _speed_rows(adapters: dict, models: dict, clip: Path, arguments: argparse.Namespace) -> list[list[object]]:
    from metavis_gui.engines.engine_command import TranscriptionSettings

    work = Path(tempfile.mkdtemp(prefix="speed-", dir=arguments.out))
    commands = {}
    for engine, adapter in adapters.items():
        settings = TranscriptionSettings(audio_path=clip, model_path=models[engine], threads=arguments.threads)
        (work / engine).mkdir()
        commands[engine] = adapter.build_command(settings, work / engine)
    costs: dict[str, list[RunCost]] = {engine: [] for engine in adapters}
    word_counts: dict[str, int] = {}
    for repetition in range(arguments.warmups + arguments.repetitions):
        for engine in interleaved_order(list(adapters), repetition):
            command = commands[engine]
            command.output_path.unlink(missing_ok=True)
            log = work / f"{engine}-{repetition}.log"
            cost = _measured_run([str(command.program), *command.arguments], dict(os.environ), log)
            # The exit code alone proves nothing (openai-whisper exits 0 on failures): read the output.
            transcript = adapters[engine].read_result(command, 0, log.read_text(encoding="utf-8", errors="replace"))
            word_counts[engine] = len(transcript.words)
            print(f"  {engine} run {repetition + 1}: {cost.wall_seconds:.1f} s wall, {cost.cpu_seconds:.1f} s CPU, "
                  f"{word_counts[engine]} words", file=sys.stderr, flush=True)  # fmt: skip
            if repetition >= arguments.warmups:
                costs[engine].append(cost)
    return [
        [
            engine,
            f"{median([run.wall_seconds for run in runs]) / arguments.seconds:.3f}",
            f"{median([run.wall_seconds for run in runs]):.2f}",
            f"{median([run.cpu_seconds for run in runs]):.2f}",
            f"{max(run.peak_rss_megabytes for run in runs):.0f}",
            word_counts[engine],
        ]
        for engine, runs in costs.items()
    ]


def _timed_words(
    adapter, model_path: Path, wav_path: Path, threads: int, out_dir: Path
) -> tuple[list[TimedWord], RunCost]:
    from metavis_gui.engines.engine_command import TranscriptionSettings

    work = out_dir / adapter.name
    work.mkdir(parents=True, exist_ok=True)
    settings = TranscriptionSettings(audio_path=wav_path, model_path=model_path, threads=threads)
    command = adapter.build_command(settings, work)
    command.output_path.unlink(missing_ok=True)
    log = work / "engine.log"
    cost = _measured_run([str(command.program), *command.arguments], dict(os.environ), log)
    transcript = adapter.read_result(command, 0, log.read_text(encoding="utf-8", errors="replace"))
    words = [TimedWord(word.text, word.start_ticks / 60000, word.end_ticks / 60000) for word in transcript.words]
    return words, cost


if __name__ == "__main__":
    sys.exit(main())
