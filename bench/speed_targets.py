"""The speed targets, side by side in one run: the default pipeline against each engine alone.

    METAVIS_MODELS_DIR=$PWD/.cache/models .venv/bin/python bench/speed_targets.py [--clips 11s,4min,30min]
        [--repetitions 2] [--skip openai-whisper] [--skip "default, VAD off"]

Clips: `11s` is tests/data/jfk.wav; `4min` is festival's two-voice reference clip (reference_speech.py --long);
`30min` is built here once into bench/output/speed-30min/: the English reference clips, the 4-minute clip and
JFK in a fixed order, repeated to 21 minutes of speech, with 9 minutes (30 %) of generated chords, pink noise
and room tone between them, in stretches of 15-60 s; its reference text and non-speech spans are saved beside it.

Variants, each the whole command as an editor's job pays for it, interleaved and rotated per repetition after
an untimed warm-up (the 30-minute clip runs once, no warm-up):
- default: `metavis-transcribe transcript generate` as shipped (VAD auto: over a minute whisper.cpp hears only
  the speech; whisper.cpp in parts where they apply, each part aligned as soon as it is transcribed);
- default, VAD off / default, one process: the same with `--vad off` / `--engine-processes 1`, to show each one;
- default, align off (11 s only): the command's own fixed cost apart from the aligner's;
- whisper.cpp bare: whisper-cli alone with the app's argv on the decoded 16 kHz WAV (no VAD, one process);
- faster-whisper, openai-whisper: the command with that engine and its own word times (`--align off`).

Printed: wall time (median), real-time factor, ratio to faster-whisper, WER against the reference text, and for
the 30-minute clip the words whose start lies inside non-speech (more than 0.5 s from any speech). Then the
targets: default <= 1.0x faster-whisper on 4 min with WER no worse; overhead of the default over bare whisper-cli
on 11 s <= 0.15 s; on 30 min VAD (default against VAD off) saves >= 25 % and adds no words in non-speech. Each is
printed met or MISSED.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from bench_common import (
    BENCH_OUTPUT_DIR,
    REPO_ROOT,
    format_table,
    median,
    run_ffmpeg,
    use_repository_models_dir,
    write_mono_wav,
)
from pipeline_overhead import RunCost, _measured_run, interleaved_order

COMMAND = REPO_ROOT / ".venv" / "bin" / "metavis-transcribe"
REFERENCE_DIR = REPO_ROOT / "tests" / "data" / "reference_speech"
LONG_DIR = BENCH_OUTPUT_DIR / "reference-speech-long"
THIRTY_DIR = BENCH_OUTPUT_DIR / "speed-30min"
JFK_TEXT = "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
SAMPLE_RATE = 16000
BASELINE = "faster-whisper"

COMMAND_VARIANTS = {
    "default": [],
    "default, VAD off": ["--vad", "off"],
    "default, one process": ["--engine-processes", "1"],
    "default, align off": ["--align", "off"],
    "faster-whisper": ["--engine", "faster-whisper", "--align", "off"],
    "openai-whisper": ["--engine", "openai-whisper", "--align", "off"],
}
BARE = "whisper.cpp bare"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", default="11s,4min,30min")
    parser.add_argument("--repetitions", type=int, default=2)
    parser.add_argument("--skip", action="append", default=[], help="a variant to leave out (repeatable)")
    arguments = parser.parse_args()
    use_repository_models_dir()
    skipped = set(arguments.skip)
    results: dict[str, dict[str, tuple[list[RunCost], float, float | None]]] = {}
    for clip in arguments.clips.split(","):
        wav, text, non_speech = _clip(clip.strip())
        repetitions = 1 if clip == "30min" else arguments.repetitions
        results[clip] = _measure(clip, wav, text, non_speech, repetitions, skipped)
    for clip, rows in results.items():
        print(_table(clip, rows))
        print()
    print(_targets(results))
    return 0


def _clip(name: str) -> tuple[Path, str, list[tuple[float, float]]]:
    if name == "11s":
        return REPO_ROOT / "tests" / "data" / "jfk.wav", JFK_TEXT, []
    if name == "4min":
        wav = min(LONG_DIR.glob("*.wav"))
        return wav, json.loads(wav.with_suffix(".words.json").read_text(encoding="utf-8"))["text"], []
    if name == "30min":
        return _thirty_minute_clip()
    raise SystemExit(f"unknown clip {name!r}: use 11s, 4min or 30min")


def _speech_pieces() -> list[tuple[np.ndarray, str]]:
    pieces = []
    sources = sorted(REFERENCE_DIR.glob("en-*.wav")) + sorted(LONG_DIR.glob("*.wav"))
    for wav in sources:
        text = json.loads(wav.with_suffix(".words.json").read_text(encoding="utf-8"))["text"]
        pieces.append((_read_wav(wav), text))
    pieces.append((_read_wav(REPO_ROOT / "tests" / "data" / "jfk.wav"), JFK_TEXT))
    return pieces


def _thirty_minute_clip() -> tuple[Path, str, list[tuple[float, float]]]:
    wav, meta = THIRTY_DIR / "speech-music-noise-30min.wav", THIRTY_DIR / "speech-music-noise-30min.json"
    if not (wav.is_file() and meta.is_file()):
        THIRTY_DIR.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(30)
        pieces = _speech_pieces()
        speech_target, gap_total = 21 * 60 * SAMPLE_RATE, 9 * 60 * SAMPLE_RATE
        chosen: list[tuple[np.ndarray, str]] = []
        while sum(len(samples) for samples, _ in chosen) < speech_target:
            chosen.append(pieces[len(chosen) % len(pieces)])
        gap_lengths = rng.uniform(15, 60, size=len(chosen))
        gap_lengths = (gap_lengths / gap_lengths.sum() * gap_total).astype(int)
        audio, texts, non_speech, cursor = [], [], [], 0
        for index, ((samples, text), gap) in enumerate(zip(chosen, gap_lengths)):
            filler = _non_speech(index % 3, int(gap), rng)
            non_speech.append((cursor / SAMPLE_RATE, (cursor + len(filler)) / SAMPLE_RATE))
            audio += [filler, samples]
            texts.append(text)
            cursor += len(filler) + len(samples)
        write_mono_wav(wav, np.round(np.clip(np.concatenate(audio), -1.0, 1.0) * 32767))
        meta.write_text(json.dumps({"text": " ".join(texts), "nonSpeech": non_speech}), encoding="utf-8")
    document = json.loads(meta.read_text(encoding="utf-8"))
    return wav, document["text"], [tuple(span) for span in document["nonSpeech"]]


def _non_speech(kind: int, samples: int, rng: np.random.Generator) -> np.ndarray:
    """Chords that change every 2 s, pink noise, or room tone: what sits between takes."""
    time = np.arange(samples) / SAMPLE_RATE
    if kind == 0:
        roots = rng.choice([196.0, 220.0, 247.0, 262.0, 294.0], size=samples // (2 * SAMPLE_RATE) + 1)
        root = roots[(time // 2).astype(int)]
        chord = sum(np.sin(2 * np.pi * root * ratio * time) for ratio in (1.0, 1.26, 1.5))
        return (0.08 * chord).astype(np.float32)
    white = rng.standard_normal(samples)
    spectrum = np.fft.rfft(white) / np.sqrt(np.arange(samples // 2 + 1) + 1.0)
    pink = np.fft.irfft(spectrum, n=samples)
    level = 0.05 if kind == 1 else 0.003
    return (level * pink / (np.abs(pink).max() + 1e-9)).astype(np.float32)


def _read_wav(path: Path) -> np.ndarray:
    import wave

    with wave.open(str(path), "rb") as reader:
        raw = reader.readframes(reader.getnframes())
        assert reader.getframerate() == SAMPLE_RATE and reader.getnchannels() == 1, path
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def _measure(clip, wav, text, non_speech, repetitions, skipped):
    variants = {name: args for name, args in COMMAND_VARIANTS.items() if name not in skipped}
    if clip == "11s":
        variants = {name: args for name, args in variants.items() if "VAD" not in name and "process" not in name}
    else:
        variants = {name: args for name, args in variants.items() if "align off" not in name}
    names = [*variants, BARE] if BARE not in skipped else list(variants)
    costs: dict[str, list[RunCost]] = {name: [] for name in names}
    words: dict[str, str] = {}
    in_non_speech: dict[str, int] = {}
    audio_seconds = _read_wav(wav).size / SAMPLE_RATE
    with tempfile.TemporaryDirectory(prefix="metavis-speed-") as work_text:
        work = Path(work_text)
        decoded = work / "decoded.wav"
        run_ffmpeg("-i", str(wav), "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", str(decoded))
        warmup = 0 if clip == "30min" else 1
        for repetition in range(warmup + repetitions):
            for name in interleaved_order(names, repetition):
                out = work / f"{names.index(name)}"
                argv = _bare_argv(decoded, out) if name == BARE else [
                    str(COMMAND), "transcript", "generate", "--input", str(wav), "--out", str(out), "--quiet",
                    "--write-adjacent-captions", "false", *variants[name]]  # fmt: skip
                cost = _measured_run(argv, dict(os.environ), work / "log.txt")
                if repetition >= warmup:
                    costs[name].append(cost)
                recognised = _recognised(name, out)
                words[name] = " ".join(word for word, _ in recognised)
                in_non_speech[name] = sum(_inside(start, non_speech) for _, start in recognised)
                print(f"  {clip} {name}: {cost.wall_seconds:.1f} s", file=sys.stderr, flush=True)
    import jiwer

    return {
        name: (costs[name], audio_seconds, 100 * jiwer.wer(_normalised(text), _normalised(words[name])),
               in_non_speech[name] if non_speech else None)
        for name in names
    }  # fmt: skip


def _bare_argv(decoded: Path, out: Path) -> list[str]:
    from metavis_gui.engines.engine_command import TranscriptionSettings
    from metavis_gui.engines.engine_table import resolve_model_path
    from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter
    from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary
    from metavis_gui.jobs.transcription_request import default_thread_count

    out.mkdir(parents=True, exist_ok=True)
    settings = TranscriptionSettings(
        audio_path=decoded, model_path=resolve_model_path("whisper.cpp", None), threads=default_thread_count(),
        engine_word_times=False,
    )  # fmt: skip
    command = WhisperCppAdapter(locate_whisper_cpp_binary()).build_command(settings, out)
    return [str(command.program), *command.arguments]


def _recognised(name: str, out: Path) -> list[tuple[str, float]]:
    if name == BARE:
        document = json.loads((out / "whisper-cpp-output.json").read_text(encoding="utf-8", errors="replace"))
        return [(segment["text"], segment["offsets"]["from"] / 1000) for segment in document["transcription"]]
    lines = (out / "transcript.words.v1.jsonl").read_text(encoding="utf-8").splitlines()
    return [(record["word"], record["sourceTimeTicks"] / 60000) for record in map(json.loads, lines)]


def _inside(start: float, spans: list[tuple[float, float]]) -> bool:
    return any(low + 0.5 < start < high - 0.5 for low, high in spans)


def _normalised(text: str) -> str:
    return " ".join("".join(c for c in word.lower() if c.isalnum() or c == "'") for word in text.split())


def _table(clip: str, rows: dict) -> str:
    baseline = median([cost.wall_seconds for cost in rows[BASELINE][0]]) if BASELINE in rows else float("nan")
    lines = []
    for name, (costs, audio_seconds, wer, inside) in rows.items():
        wall = median([cost.wall_seconds for cost in costs])
        cpu = median([cost.cpu_seconds for cost in costs])
        lines.append((name, f"{wall:.2f}", f"{wall / audio_seconds:.3f}", f"{wall / baseline:.2f}", f"{cpu:.1f}",
                      f"{wer:.1f}", "" if inside is None else inside, " ".join(f"{cost.wall_seconds:.1f}" for cost in costs)))  # fmt: skip
    header = ("variant", "wall s", "x real time", "ratio to faster-whisper", "CPU s", "WER %", "words in non-speech",
              "runs s")  # fmt: skip
    return f"{clip} ({rows[next(iter(rows))][1]:.0f} s)\n" + format_table(header, lines)


def _targets(results: dict) -> str:
    def wall(clip: str, name: str) -> float:
        return median([cost.wall_seconds for cost in results[clip][name][0]])

    def cpu(clip: str, name: str) -> float:
        return median([cost.cpu_seconds for cost in results[clip][name][0]])

    lines = []
    if "4min" in results and {"default", BASELINE} <= results["4min"].keys():
        ratio = wall("4min", "default") / wall("4min", BASELINE)
        wer_ok = results["4min"]["default"][2] <= results["4min"][BASELINE][2]
        lines.append(f"4 min: default / faster-whisper = {ratio:.2f} (target <= 1.00) "
                     f"{'met' if ratio <= 1.0 else 'MISSED'}; WER no worse: {'met' if wer_ok else 'MISSED'}")  # fmt: skip
    if "11s" in results and {"default", BARE} <= results["11s"].keys():
        overhead = wall("11s", "default") - wall("11s", BARE)
        lines.append(f"11 s: default - bare whisper-cli = {overhead:.2f} s (target <= 0.15) "
                     f"{'met' if overhead <= 0.15 else 'MISSED'}")  # fmt: skip
    if "30min" in results and {"default", "default, VAD off"} <= results["30min"].keys():
        saving = 1 - wall("30min", "default") / wall("30min", "default, VAD off")
        cpu_saving = 1 - cpu("30min", "default") / cpu("30min", "default, VAD off")
        added = results["30min"]["default"][3]
        lines.append(f"30 min: VAD saves {100 * saving:.0f} % of the time, {100 * cpu_saving:.0f} % of the CPU "
                     f"(target >= 25) {'met' if saving >= 0.25 else 'MISSED'}; words in non-speech {added} "
                     f"(VAD off: {results['30min']['default, VAD off'][3]}) {'met' if added == 0 else 'MISSED'}")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
