"""What metavis-transcribe costs on top of the bare whisper-cli it runs.

    METAVIS_MODELS_DIR=$PWD/.cache/models .venv/bin/python bench/pipeline_overhead.py [--repetitions 5]

For each input (jfk.wav, 11 s; the same as a .mov with H.264 and AAC, as editors' clips come, which the
command decodes while bare whisper-cli hears the WAV; and the speech looped to 60 s, WAV) it runs,
interleaved, bare whisper-cli with exactly the argv the app builds when the aligner times the words
(WhisperCppAdapter.build_command, no DTW) and the whole `metavis-transcribe transcript generate` (probe,
decode, whisper-cli, parse, align, write), and prints medians. The order rotates every repetition so drift
on a shared machine hits all alike. A third variant, whisper-cli with DTW word times (-nfa --dtw, what the
app runs for a language without an acoustic model), shows what DTW timing costs.
Inside the pipeline whisper-cli runs through a small timing wrapper (WHISPERCPP_BIN), so "pipeline
minus its engine" is the app's own cost, free of the engine's run-to-run noise.
Peak RSS is the largest single process of a run (for the pipeline: the Python process or one of its
children, whichever peaked higher), from os.wait4's rusage; CPU is user + system time of the run and
all its children, steadier than wall time when other work shares the cores.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench_common import (
    BENCH_OUTPUT_DIR,
    DEFAULT_MODEL_NAME,
    REPO_ROOT,
    format_table,
    median,
    run_ffmpeg,
    use_repository_models_dir,
)

_ERROR_LINE = re.compile(r"^(?:[\w.]+: )?error:", re.MULTILINE)
JFK_CANDIDATES = (REPO_ROOT / "tests" / "data" / "jfk.wav", REPO_ROOT.parent / "shared" / "media" / "jfk.wav")


@dataclass(frozen=True)
class RunCost:
    wall_seconds: float
    cpu_seconds: float
    peak_rss_megabytes: float
    engine_seconds: float | None = None  # the whisper-cli inside a pipeline run


@dataclass(frozen=True)
class Variant:
    argv: list[str]
    environment: dict[str, str]
    engine_times: Path | None = None  # where the timing wrapper appends whisper-cli's wall time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=5, help="timed runs of each, interleaved")
    parser.add_argument("--warmups", type=int, default=1, help="untimed runs of each first (page cache)")
    parser.add_argument("--threads", type=int, default=None, help="whisper threads (default: the app's)")
    parser.add_argument("--model", default=DEFAULT_MODEL_NAME)
    parser.add_argument("--jfk", type=Path, default=next((p for p in JFK_CANDIDATES if p.is_file()), None))
    parser.add_argument("--long-seconds", type=float, default=60.0, help="length of the looped clip")
    parser.add_argument("--no-dtw-cost", dest="dtw_cost", action="store_false",
                        help="skip the third variant, whisper-cli with DTW word times (-nfa --dtw)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=BENCH_OUTPUT_DIR / "pipeline-overhead")
    arguments = parser.parse_args(argv)
    if arguments.jfk is None or not arguments.jfk.is_file():
        parser.error("jfk.wav not found; pass --jfk PATH")

    use_repository_models_dir()
    from metavis_gui.engines.engine_command import TranscriptionSettings
    from metavis_gui.engines.engine_table import resolve_model_path
    from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter
    from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary
    from metavis_gui.engines.whisper_cpp_json import WordTimingMode
    from metavis_gui.jobs.transcription_request import default_thread_count

    threads = arguments.threads or default_thread_count()
    model_path = resolve_model_path("whisper.cpp", arguments.model)
    binary = locate_whisper_cpp_binary()
    transcribe = Path(sys.executable).with_name("metavis-transcribe")
    arguments.out.mkdir(parents=True, exist_ok=True)
    looped, movie = arguments.out / "jfk-looped.wav", arguments.out / "jfk.mov"
    inputs = [  # (label, what the command is given, the WAV bare whisper-cli hears)
        ("jfk.wav", arguments.jfk, arguments.jfk),
        ("jfk.mov", movie, arguments.jfk),
        (f"jfk looped {arguments.long_seconds:g} s", looped, looped),
    ]
    _loop_audio(arguments.jfk, looped, arguments.long_seconds)
    _movie_of(arguments.jfk, movie)

    print(f"whisper-cli {binary.path} ({binary.version}); model {model_path.name}; {threads} threads; "
          f"{arguments.repetitions} repetitions + {arguments.warmups} warm-up, interleaved; {os.cpu_count()} cores")  # fmt: skip
    overhead_rows, dtw_rows, raw_lines = [], [], []
    for label, media, wav in inputs:
        work = Path(tempfile.mkdtemp(prefix="pipeline-overhead-", dir=arguments.out))
        variants: dict[str, Variant] = {}
        for name, engine_word_times in (("bare", False), ("bare-dtw", True)):
            (work / name).mkdir()
            settings = TranscriptionSettings(
                audio_path=wav, model_path=model_path, threads=threads, engine_word_times=engine_word_times
            )
            command = WhisperCppAdapter(binary, timing_mode=WordTimingMode.DTW).build_command(settings, work / name)
            variants[name] = Variant([str(command.program), *command.arguments], dict(os.environ))
        wrapper, engine_times = _timing_wrapper(binary.path, work / "timed-engine")
        variants["pipeline"] = Variant(
            [str(transcribe), "transcript", "generate", "--input", str(media), "--out", str(work / "pipeline"),
             "--model", str(model_path), "--threads", str(threads), "--quiet", "--write-adjacent-captions", "false"],
            dict(os.environ, WHISPERCPP_BIN=str(wrapper)),
            engine_times,
        )  # fmt: skip
        if not arguments.dtw_cost:
            del variants["bare-dtw"]
        if label == inputs[0][0]:
            for name, variant in variants.items():
                print(f"{name} argv: {' '.join(variant.argv)}")
        costs = _interleaved(variants, arguments.repetitions, arguments.warmups, work)
        expected = [work / "bare" / "whisper-cpp-output.json", work / "pipeline" / "transcript.words.v1.jsonl"]
        if not all(path.is_file() for path in expected):
            raise SystemExit(f"{label}: a run wrote no transcript; see {work}")
        shutil.rmtree(work, ignore_errors=True)
        overhead_rows.append(_row(label, costs["bare"], costs["pipeline"]))
        raw_lines += [f"  {label:<16} {name:<20} " + " ".join(f"{run.wall_seconds:6.2f}" for run in runs)
                      for name, runs in costs.items()]  # fmt: skip
        raw_lines.append(f"  {label:<16} {'(engine in pipeline)':<20} "
                         + " ".join(f"{run.engine_seconds or 0:6.2f}" for run in costs["pipeline"]))  # fmt: skip
        if arguments.dtw_cost:
            dtw_rows.append(_dtw_row(label, costs["bare"], costs["bare-dtw"]))
    print(
        "\nPipeline overhead: bare whisper-cli (the app's argv, aligner timing) vs metavis-transcribe on the same WAV"
    )
    print(format_table(
        ["input", "bare median s", "pipeline median s", "ratio", "overhead s", "pipeline minus its engine s",
         "bare CPU s", "pipeline CPU s", "bare peak RSS MB", "pipeline peak RSS MB"],
        overhead_rows,
    ))  # fmt: skip
    if dtw_rows:
        print("\nCost of DTW timing: bare whisper-cli, TOKEN-mode argv vs DTW-mode argv (-nfa --dtw)")
        print(format_table(["input", "token median s", "dtw median s", "ratio", "token CPU s", "dtw CPU s"], dtw_rows))
    print("\nEvery timed run, wall s, in run order:\n" + "\n".join(raw_lines))
    return 0


def overhead_row_values(bare_seconds: list[float], pipeline_seconds: list[float]) -> tuple[float, float, float, float]:
    """(bare median, pipeline median, ratio, overhead) of paired wall times."""
    bare, pipeline = median(bare_seconds), median(pipeline_seconds)
    return bare, pipeline, pipeline / bare, pipeline - bare


def _row(label: str, bare: list[RunCost], pipeline: list[RunCost]) -> list[object]:
    bare_median, pipeline_median, ratio, overhead = overhead_row_values(
        [run.wall_seconds for run in bare], [run.wall_seconds for run in pipeline]
    )
    return [
        label, f"{bare_median:.2f}", f"{pipeline_median:.2f}", f"{ratio:.2f}", f"{overhead:+.2f}",
        f"{median([run.wall_seconds - run.engine_seconds for run in pipeline if run.engine_seconds]):.2f}",
        f"{median([run.cpu_seconds for run in bare]):.2f}", f"{median([run.cpu_seconds for run in pipeline]):.2f}",
        f"{max(run.peak_rss_megabytes for run in bare):.0f}", f"{max(run.peak_rss_megabytes for run in pipeline):.0f}",
    ]  # fmt: skip


def _dtw_row(label: str, token: list[RunCost], dtw: list[RunCost]) -> list[object]:
    token_median, dtw_median, ratio, _ = overhead_row_values(
        [run.wall_seconds for run in token], [run.wall_seconds for run in dtw]
    )
    return [
        label, f"{token_median:.2f}", f"{dtw_median:.2f}", f"{ratio:.2f}",
        f"{median([run.cpu_seconds for run in token]):.2f}", f"{median([run.cpu_seconds for run in dtw]):.2f}",
    ]  # fmt: skip


def interleaved_order(names: list[str], repetition: int) -> list[str]:
    """The variants rotated by one each repetition, so each runs first, second, ... equally often."""
    shift = repetition % len(names)
    return names[shift:] + names[:shift]


def _interleaved(variants: dict[str, Variant], repetitions: int, warmups: int, work: Path) -> dict[str, list[RunCost]]:
    costs: dict[str, list[RunCost]] = {name: [] for name in variants}
    for repetition in range(warmups + repetitions):
        for name in interleaved_order(list(variants), repetition):
            variant = variants[name]
            cost = _measured_run(variant.argv, variant.environment, work / f"{name}-{repetition}.log")
            if variant.engine_times is not None:
                engine_seconds = float(variant.engine_times.read_text().split()[-1])
                cost = RunCost(cost.wall_seconds, cost.cpu_seconds, cost.peak_rss_megabytes, engine_seconds)
            if repetition >= warmups:
                costs[name].append(cost)
    return costs


def _timing_wrapper(engine: Path, folder: Path) -> tuple[Path, Path]:
    """A whisper-cli stand-in that runs the real one and appends its wall time to a file, so the pipeline's
    own share (probe, decode, Python, parse, write) can be told apart from the engine's on a noisy
    machine. Its interpreter start (~20 ms) counts as pipeline time. The build manifest is copied so the
    pipeline sees the same engine version."""
    folder.mkdir()
    times = folder / "engine-seconds.txt"
    wrapper = folder / "whisper-cli"
    wrapper.write_text(
        f"#!{sys.executable} -S\n"
        "import subprocess, sys, time\n"
        "started = time.monotonic()\n"
        f"status = subprocess.call([{str(engine)!r}, *sys.argv[1:]])\n"
        f"with open({str(times)!r}, 'a') as times:\n"
        "    times.write(f'{time.monotonic() - started}\\n')\n"
        "sys.exit(status if status >= 0 else 128 - status)\n",
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    manifest = engine.parent / "build-info.json"
    if manifest.is_file():
        shutil.copy(manifest, folder / manifest.name)
    return wrapper, times


def _measured_run(argv: list[str], environment: dict[str, str], log_path: Path) -> RunCost:
    """Wall time, CPU time and peak RSS of one child and all it waited for; its output goes to log_path.
    whisper-cli's exit code lies (ENGINES.md), so its log is checked for an error line too."""
    with log_path.open("wb") as log:
        started = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, environment, file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, log.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, log.fileno(), 2),
        ])  # fmt: skip
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - started
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    if os.waitstatus_to_exitcode(status) != 0 or _ERROR_LINE.search(log_text):
        raise SystemExit(f"{argv[0]} failed (status {status}); see {log_path}")
    # Linux reports ru_maxrss in KiB: the largest of the child and the descendants it reaped.
    return RunCost(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def _movie_of(source: Path, target: Path) -> None:
    """The speech as an editor's clip: H.264 black picture, AAC sound, in a QuickTime file."""
    run_ffmpeg("-f", "lavfi", "-i", "color=c=black:s=320x240:r=25", "-i", str(source), "-shortest",
               "-c:v", "libx264", "-c:a", "aac", str(target))  # fmt: skip


def _loop_audio(source: Path, target: Path, seconds: float) -> None:
    run_ffmpeg("-stream_loop", "-1", "-i", str(source), "-t", f"{seconds:g}",
               "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", str(target))  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
