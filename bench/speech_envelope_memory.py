"""Peak memory of the speech envelope on 3 hours of 16 kHz audio: all samples as float at once vs in blocks.

    .venv/bin/python bench/speech_envelope_memory.py [--hours 3]

Writes a synthetic 16-bit mono WAV once (bursts of noise 300 ms long, 60 ms apart, over a quiet floor;
bench/output/speech-envelope/), then, each in a fresh Python process, builds the envelope:

- **full float copy**: the samples mapped (`np.memmap`) and converted to float32 in one go first (what
  compute_speech_envelope did before it converted block by block), then the envelope of that copy;
- **blocks of a map**: compute_speech_envelope on the int16 memory map itself;
- **blocks read on demand (app)**: on `media.wav_samples.WavSamples`, which reads each slice from the
  file, as `waveform_job._envelope_of_wav` does.

Columns: the largest traced Python/numpy heap during the call (tracemalloc), the rise of the process's
peak RSS over its RSS just before the call (VmHWM - VmRSS; for a map it includes the WAV pages the
call touched, which are file-backed and reclaimable but count as resident), and the wall time. All
variants must give the same envelope, bit for bit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
import tracemalloc
import wave
from pathlib import Path

import numpy as np
from bench_common import BENCH_OUTPUT_DIR, format_table

from metavis_gui.media.wav_samples import WavSamples
from metavis_gui.timeline.speech_envelope import SpeechEnvelope, compute_speech_envelope

SAMPLE_RATE = 16_000
WRITE_BLOCK_SECONDS = 60
VARIANTS = ("full float copy", "blocks of a map", "blocks read on demand (app)")


def synthetic_wav(hours: float) -> Path:
    """Bursts of white noise (words) over a noise floor 50 dB lower, 60 ms pauses; reused when present."""
    frame_count = round(hours * 3600 * SAMPLE_RATE)
    path = BENCH_OUTPUT_DIR / "speech-envelope" / f"bursts-{hours:g}h.wav"
    if path.is_file() and path.stat().st_size == 44 + 2 * frame_count:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    generator = np.random.default_rng(20251126)
    block = WRITE_BLOCK_SECONDS * SAMPLE_RATE
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        for first in range(0, frame_count, block):
            seconds = np.arange(first, min(first + block, frame_count)) / SAMPLE_RATE
            level = np.where(seconds % 0.36 < 0.30, 0.3, 0.001)
            samples = level * generator.standard_normal(len(seconds)) * 32767
            writer.writeframes(np.clip(samples, -32767, 32767).astype("<i2").tobytes())
    return path


def mapped_samples(wav_path: Path) -> np.ndarray:
    with wave.open(str(wav_path), "rb") as reader:
        frame_count = reader.getnframes()
    offset = wav_path.stat().st_size - frame_count * 2
    return np.memmap(wav_path, dtype="<i2", mode="r", offset=offset, shape=(frame_count,))


def envelope_of(variant: str, wav_path: Path) -> SpeechEnvelope:
    if variant == "blocks read on demand (app)":
        with WavSamples(wav_path) as samples:
            return compute_speech_envelope(samples, SAMPLE_RATE)
    mapped = mapped_samples(wav_path)
    if variant == "full float copy":
        return compute_speech_envelope(mapped.astype(np.float32) / float(np.iinfo(np.int16).max), SAMPLE_RATE)
    return compute_speech_envelope(mapped, SAMPLE_RATE)


def status_kilobytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def measure(variant: str, wav_path: Path) -> dict[str, object]:
    """In this process: one envelope, its peak traced heap, its peak RSS rise, its time and a digest."""
    rss_before = status_kilobytes("VmRSS")
    tracemalloc.start()
    started = time.perf_counter()
    envelope = envelope_of(variant, wav_path)
    seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "traced_mb": traced_peak / 1e6,
        "rss_rise_mb": (status_kilobytes("VmHWM") - rss_before) / 1e3,
        "seconds": seconds,
        "digest": [
            hashlib.sha256(envelope.hop_energy_db.tobytes()).hexdigest(),
            envelope.threshold_db,
            envelope.onset_ticks.tolist(),
            envelope.offset_ticks.tolist(),
        ],
        "runs": envelope.run_count,
    }


def measure_in_child(variant: str, wav_path: Path) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, __file__, "--measure", variant, str(wav_path)], check=True, capture_output=True, text=True
    )
    return json.loads(completed.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--measure", nargs=2, metavar=("VARIANT", "WAV"), help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.measure:
        variant, wav = arguments.measure
        print(json.dumps(measure(variant, Path(wav))))
        return 0

    wav_path = synthetic_wav(arguments.hours)
    results = {variant: measure_in_child(variant, wav_path) for variant in VARIANTS}
    full, app = results[VARIANTS[0]], results[VARIANTS[-1]]
    if any(result["digest"] != full["digest"] for result in results.values()):
        raise SystemExit("the variants gave different envelopes")
    rows: list[list[object]] = [
        [variant, f"{r['traced_mb']:.1f}", f"{r['rss_rise_mb']:.1f}", f"{r['seconds']:.2f}"]
        for variant, r in results.items()
    ]
    rows.append(
        [
            "ratio app / full float copy",
            f"{app['traced_mb'] / full['traced_mb']:.3f}",
            f"{app['rss_rise_mb'] / full['rss_rise_mb']:.3f}",
            f"{app['seconds'] / full['seconds']:.2f}",
        ]
    )
    samples_mb = wav_path.stat().st_size / 1e6
    print(
        f"Speech envelope of {arguments.hours:g} h of 16 kHz int16 audio ({samples_mb:.0f} MB WAV, "
        f"{app['runs']} speech runs, identical in every variant)"
    )
    print(format_table(["variant", "peak traced heap MB", "peak RSS rise MB", "time s"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
