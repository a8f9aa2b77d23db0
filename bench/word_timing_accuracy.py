"""How close whisper.cpp's word times come to known word boundaries, for each way of reading them.

    METAVIS_MODELS_DIR=$PWD/.cache/models .venv/bin/python bench/word_timing_accuracy.py

For each speech set (known_boundary_speech.py: espeak-ng words joined with known pauses) whisper-cli
runs twice with the app's own argv (WhisperCppAdapter.build_command): as the DTW modes run it
(-nfa --dtw PRESET) and as TOKEN mode runs it (no DTW, flash attention on). The DTW run's JSON holds
both the token heuristic's offsets and t_dtw, so every mode, the app's and the experimental ones of
word_timing_rules.py ("x ..."), is read from that one file; "token, own run" is TOKEN mode as the app
runs it. Recognized words are matched to the known words by text (difflib); only matched words count.
Errors are recognized minus true, in ms: a positive start bias means starts come late.

Then the timeline's "refine every boundary" (refine_all against the set's speech envelope) runs on the
words of the app's two modes, and of the rule the app used before, opened as the app opens a transcript
(contract records, clipped to the media): |error| raw and refined, per set and pooled, and how many edges
refine made worse by more than MADE_WORSE_MS.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench_common import BENCH_OUTPUT_DIR, DEFAULT_MODEL_NAME, format_table, use_repository_models_dir
from known_boundary_speech import DEFAULT_VOICE, PAUSE_SEED, SAMPLE_RATE, TruthWord, make_known_boundary_speech
from timing_errors import TimedWord, match_words, pause_after, pause_before, summarize
from word_timing_rules import DtwRule, TokenWord, dtw_as_token_start, read_token_words

LONG_PAUSE_SECONDS = 0.3
# Two 10 ms hops: how far a snapped edge may land from the truth when the engine had it right (the speech
# envelope places a run's edges within a hop); an edge made worse by more went to the wrong pause.
MADE_WORSE_MS = 20.0
# (name, espeak-ng words per minute, pause seed, white noise SNR in dB or None)
SPEECH_SETS = (
    ("clean-150wpm", 150, PAUSE_SEED, None),
    ("noise-30dB-150wpm", 150, PAUSE_SEED, 30.0),
    ("clean-180wpm", 180, 7, None),
)
# The app's DTW rule since it adopted this bench's proposal (metavis_gui/engines/whisper_cpp_json.py).
APP_DTW_RULE = DtwRule(spoken_only=True, end_ceiling="token", pause_edges="punctuation")
EXPERIMENTAL_RULES: tuple[tuple[str, Callable[[list[TokenWord]], list[TimedWord]]], ...] = (
    ("x plain dtw (before)", DtwRule()),
    ("x dtw-as-start", dtw_as_token_start),
    ("x spoken-end", DtwRule(spoken_only=True)),
    ("x spoken-end+ceiling", DtwRule(spoken_only=True, end_ceiling="token")),
    ("x spoken-end+punct-edges", DtwRule(spoken_only=True, pause_edges="punctuation")),
    ("x proposed -20ms", DtwRule(-0.02, True, None, "token", "punctuation")),
    ("x proposed -40ms", DtwRule(-0.04, True, None, "token", "punctuation")),
    ("x proposed -60ms", DtwRule(-0.06, True, None, "token", "punctuation")),
    ("x dtw -40ms", DtwRule(shift_seconds=-0.04)),
)
REFINED_MODES = ("dtw (app default)", "token, own run", "x plain dtw (before)")


@dataclass(frozen=True)
class WordError:
    start_ms: float
    end_ms: float
    pause_before_seconds: float
    pause_after_seconds: float


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=DEFAULT_MODEL_NAME, help="model name or ggml file")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sets", default=",".join(name for name, *_ in SPEECH_SETS), help="comma-separated")
    parser.add_argument("--voice", default=DEFAULT_VOICE, help="espeak-ng voice for every set")
    parser.add_argument("--out", type=Path, default=BENCH_OUTPUT_DIR / "word-timing")
    parser.add_argument("--reuse", action="store_true", help="read whisper-cli's JSON of the previous run")
    arguments = parser.parse_args(argv)
    chosen = [speech_set for speech_set in SPEECH_SETS if speech_set[0] in arguments.sets.split(",")]
    if not chosen:
        parser.error(f"no known set in {arguments.sets!r}; choose from {', '.join(n for n, *_ in SPEECH_SETS)}")

    use_repository_models_dir()
    from metavis_gui.engines.engine_table import resolve_model_path
    from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary

    model_path = resolve_model_path("whisper.cpp", arguments.model)
    binary = locate_whisper_cpp_binary()
    pooled: dict[str, list[WordError]] = {}
    pooled_refine: dict[str, tuple[list[WordError], list[WordError]]] = {}
    pooled_word_count = 0
    print(f"model {model_path}; whisper-cli {binary.path} ({binary.version})")
    for name, rate, seed, noise in chosen:
        wav_path, truth = make_known_boundary_speech(arguments.out, arguments.voice, rate, seed, noise)
        recognized = _recognized_by_mode(binary, model_path, wav_path, arguments)
        errors = {label: _word_errors(truth, words) for label, words in recognized.items()}
        refine = _refine_errors(wav_path, truth, recognized)
        pooled_word_count += len(truth)
        print(f"\n=== {name}: {wav_path.name}, {len(truth)} words, {truth[-1].end_seconds:.1f} s ===")
        print(_overall_table(errors, len(truth)))
        print(f"\nrefine_all on {name}: |error| ms, raw -> refined")
        print(_refine_table(refine, len(truth)))
        for label, word_errors in errors.items():
            pooled.setdefault(label, []).extend(word_errors)
        for label, (raw, refined) in refine.items():
            pooled_raw, pooled_refined = pooled_refine.setdefault(label, ([], []))
            pooled_raw.extend(raw)
            pooled_refined.extend(refined)
    if len(chosen) > 1:
        print(f"\n=== all sets pooled ===\n{_overall_table(pooled, pooled_word_count)}")
        print(
            f"\nrefine_all, all sets pooled: |error| ms, raw -> refined\n{_refine_table(pooled_refine, pooled_word_count)}"
        )
    print(f"\nmedian |error| (ms) at word edges next to a pause >= {LONG_PAUSE_SECONDS * 1000:.0f} ms, all sets pooled")
    print(_edge_table(pooled))
    return 0


def _recognized_by_mode(binary, model_path: Path, wav_path: Path, arguments) -> dict[str, list[TimedWord]]:
    from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter
    from metavis_gui.engines.whisper_cpp_json import WordTimingMode, parse_whisper_cpp_json

    runs = {}
    for mode in (WordTimingMode.DTW, WordTimingMode.TOKEN):
        out_dir = arguments.out / f"{wav_path.stem}.{mode.value}-run"
        adapter = WhisperCppAdapter(binary, timing_mode=mode)
        runs[mode] = _transcribe(adapter, wav_path, model_path, arguments.threads, out_dir, arguments.reuse)

    def app_words(path: Path, mode: WordTimingMode) -> list[TimedWord]:
        words = parse_whisper_cpp_json(path, mode).words
        return [TimedWord(word.text, word.start_ticks / 60000, word.end_ticks / 60000) for word in words]

    dtw_json = runs[WordTimingMode.DTW]
    token_words = read_token_words(dtw_json)
    _check_reimplementation(app_words(dtw_json, WordTimingMode.DTW), APP_DTW_RULE(token_words))
    return {
        "token": app_words(dtw_json, WordTimingMode.TOKEN),
        "token, own run": app_words(runs[WordTimingMode.TOKEN], WordTimingMode.TOKEN),
        "dtw (app default)": app_words(dtw_json, WordTimingMode.DTW),
    } | {label: rule(token_words) for label, rule in EXPERIMENTAL_RULES}


def _word_errors(truth: list[TruthWord], words: list[TimedWord]) -> list[WordError]:
    return [
        WordError(
            pair.start_error_ms,
            pair.end_error_ms,
            pause_before(truth, pair.truth_index),
            pause_after(truth, pair.truth_index),
        )
        for pair in match_words(truth, words)
    ]


def _refine_errors(
    wav_path: Path, truth: list[TruthWord], recognized: dict[str, list[TimedWord]]
) -> dict[str, tuple[list[WordError], list[WordError]]]:
    """(raw, refined) errors of each mode in REFINED_MODES."""
    import wave

    import numpy as np

    from metavis_gui.timeline.speech_envelope import compute_speech_envelope

    with wave.open(str(wav_path), "rb") as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    envelope = compute_speech_envelope(samples, SAMPLE_RATE)
    return {
        label: (_word_errors(truth, recognized[label]), _word_errors(truth, _refined(recognized[label], envelope)))
        for label in REFINED_MODES
    }


def _refined(words: list[TimedWord], envelope) -> list[TimedWord]:
    """The words after refine_all, opened as the app opens a transcript: records, clipped to the media."""
    from metavis_gui.contract import TICKS_PER_SECOND, WordDraft, build_word_records
    from metavis_gui.timeline.boundary_refinement import refine_all
    from metavis_gui.timeline.editable_transcript import EditableTranscript

    duration = envelope.duration_ticks

    def ticks(seconds: float) -> int:
        return min(round(seconds * TICKS_PER_SECOND), duration)

    records = build_word_records(
        WordDraft(
            word=word.text, start_ticks=ticks(word.start_seconds), end_ticks=ticks(word.end_seconds), confidence=1.0
        )
        for word in words
    )
    transcript = EditableTranscript.from_word_records(records, duration)
    refine_all(transcript, envelope).apply(transcript)
    return [
        TimedWord(word.text, word.start_ticks / TICKS_PER_SECOND, word.end_ticks / TICKS_PER_SECOND)
        for word in transcript
    ]


def _transcribe(adapter, wav_path: Path, model_path: Path, threads: int, out_dir: Path, reuse: bool) -> Path:
    from metavis_gui.engines.engine_command import TranscriptionSettings

    out_dir.mkdir(parents=True, exist_ok=True)
    settings = TranscriptionSettings(audio_path=wav_path, model_path=model_path, language=None, threads=threads)
    command = adapter.build_command(settings, out_dir)
    if reuse and command.output_path.is_file():
        return command.output_path
    if "--dtw" not in command.arguments and adapter.timing_mode.value != "token":
        print(f"note: {model_path.name} has no DTW preset: the DTW modes fall back to token times", file=sys.stderr)
    command.output_path.unlink(missing_ok=True)
    result = subprocess.run([str(command.program), *command.arguments], check=False, capture_output=True, text=True)
    adapter.read_result(command, result.returncode, result.stderr)  # raises if whisper-cli failed
    return command.output_path


def _check_reimplementation(app_words: list[TimedWord], bench_words: list[TimedWord]) -> None:
    """The experimental rules start from a copy of the app's DTW rule; say so if the copy drifted."""
    differences = [
        (a.text, a.start_seconds, b.start_seconds, a.end_seconds, b.end_seconds)
        for a, b in zip(app_words, bench_words)
        if abs(a.start_seconds - b.start_seconds) > 1e-4 or abs(a.end_seconds - b.end_seconds) > 1e-4
    ]
    if len(app_words) != len(bench_words) or differences:
        print(f"warning: the bench's copy of the DTW rule differs from the app's: {differences[:3]}", file=sys.stderr)


def _overall_table(errors: dict[str, list[WordError]], word_count: int) -> str:
    rows = []
    for label, word_errors in errors.items():
        starts = summarize([error.start_ms for error in word_errors])
        ends = summarize([error.end_ms for error in word_errors])
        rows.append([
            label, f"{len(word_errors)}/{word_count}",
            _ms(starts.median_abs_ms), _ms(starts.p95_abs_ms), _ms(starts.mean_signed_ms, signed=True),
            _ms(ends.median_abs_ms), _ms(ends.p95_abs_ms), _ms(ends.mean_signed_ms, signed=True),
        ])  # fmt: skip
    header = ["mode", "matched", "start med", "start p95", "start bias", "end med", "end p95", "end bias"]
    return format_table(header, rows)


def _refine_table(errors: dict[str, tuple[list[WordError], list[WordError]]], word_count: int) -> str:
    rows = []
    for label, (raw, refined) in errors.items():
        row: list[object] = [label, f"{len(raw)}/{word_count}"]
        for edge in ("start_ms", "end_ms"):
            before = summarize([getattr(error, edge) for error in raw])
            after = summarize([getattr(error, edge) for error in refined])
            row += [
                f"{before.median_abs_ms:.1f} -> {after.median_abs_ms:.1f}",
                f"{before.p95_abs_ms:.1f} -> {after.p95_abs_ms:.1f}",
            ]
        rows.append(row + [_made_worse_count(raw, refined)])
    header = ["mode", "matched", "start med", "start p95", "end med", "end p95", f"worse >{MADE_WORSE_MS:.0f} ms"]
    return format_table(header, rows)


def _made_worse_count(raw: list[WordError], refined: list[WordError]) -> int:
    """Edges (starts and ends) that refine_all left more than MADE_WORSE_MS farther from the truth."""
    return sum(
        abs(getattr(after, edge)) > abs(getattr(before, edge)) + MADE_WORSE_MS
        for before, after in zip(raw, refined, strict=True)
        for edge in ("start_ms", "end_ms")
    )


def _edge_table(errors: dict[str, list[WordError]]) -> str:
    rows = []
    for label, word_errors in errors.items():
        columns = (
            [error.start_ms for error in word_errors if error.pause_before_seconds >= LONG_PAUSE_SECONDS],
            [error.start_ms for error in word_errors if error.pause_before_seconds < LONG_PAUSE_SECONDS],
            [error.end_ms for error in word_errors if error.pause_after_seconds >= LONG_PAUSE_SECONDS],
            [error.end_ms for error in word_errors if error.pause_after_seconds < LONG_PAUSE_SECONDS],
        )
        rows.append([label] + [f"{_ms(summarize(column).median_abs_ms)} (n={len(column)})" for column in columns])
    return format_table(["mode", "start after pause", "start inside", "end before pause", "end inside"], rows)


def _ms(value: float, signed: bool = False) -> str:
    if math.isnan(value):  # nothing to measure
        return "n/a"
    return f"{value:+.0f}" if signed else f"{value:.0f}"


if __name__ == "__main__":
    raise SystemExit(main())
