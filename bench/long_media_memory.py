"""Peak memory of the app's own work on a 3-hour file: decode, the pipeline's scan, waveform peaks, speech envelope.

    .venv/bin/python bench/long_media_memory.py [--hours 3] [--sources mono-16k stereo-48k] [--with-aligner-read]

Makes each source once under bench/output/long-media/ (tests/data/jfk.wav looped, mixed with a quiet
220 Hz sine and noise from ffmpeg's lavfi, `--hours` long): `mono-16k` a 16 kHz mono WAV, `stereo-48k` a
48 kHz stereo AAC `.m4a` (what cameras and editors hand over; a WAV of it would be 2 GB). Then, in a fresh
Python process per source, the steps the app runs on it outside the engine:

1. decode: `jobs.audio_decoding.decode_to_wav` (ffmpeg, a child process) to the 16 kHz mono WAV;
2. scan: `media.decode.scan_decoded_audio`, what the pipeline reads before the engine (length, silence);
3. peaks: `media.waveform_peaks.compute_peaks_from_wav`, what the timeline draws;
4. envelope: `timeline.speech_envelope` over `media.wav_samples.WavSamples`, what snapping reads.

The figure against the 400 MB target is the peak RSS of the process tree: the Python process's own peak
(`ru_maxrss` of RUSAGE_SELF) plus its largest child's (RUSAGE_CHILDREN: ffmpeg), a sum that overstates
since they peak at different times. The row `old whole read` repeats step 2 as the pipeline did before
(all samples at once, then abs over an int32 copy). `--with-aligner-read` adds the aligner child's own
reading of the samples (`align.alignment_runner`, a separate process in the pipeline, not counted in the sum).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np
from bench_common import BENCH_OUTPUT_DIR, REPO_ROOT, format_table

TARGET_MB = 400
JFK_WAV = REPO_ROOT / "tests" / "data" / "jfk.wav"
SOURCES = {
    "mono-16k": ("wav", ["-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le"]),
    "stereo-48k": ("m4a", ["-ar", "48000", "-ac", "2", "-c:a", "aac", "-b:a", "128k"]),
}


def make_source(name: str, hours: float) -> Path:
    extension, encoding = SOURCES[name]
    path = BENCH_OUTPUT_DIR / "long-media" / f"{name}-{hours:g}h.{extension}"
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part.{extension}")
    seconds = f"{hours * 3600:.0f}"
    mix = "[0:a]aresample=48000,pan=stereo|c0=c0|c1=c0[speech];[speech][1:a][2:a]amix=inputs=3:normalize=0"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
         "-stream_loop", "-1", "-i", str(JFK_WAV),
         "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000,volume=0.02,aformat=channel_layouts=stereo",
         "-f", "lavfi", "-i", "anoisesrc=sample_rate=48000:amplitude=0.005,aformat=channel_layouts=stereo",
         "-filter_complex", mix, "-t", seconds, *encoding, str(partial)],
        check=True,
    )  # fmt: skip
    partial.replace(path)
    return path


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def measure(step: str, source: Path) -> dict[str, float]:
    """In this (fresh) process: the step's wall time and the peaks of this process and of its children."""
    from metavis_gui.jobs.audio_decoding import decode_to_wav
    from metavis_gui.media.decode import scan_decoded_audio
    from metavis_gui.media.wav_samples import WavSamples
    from metavis_gui.media.waveform_peaks import compute_peaks_from_wav
    from metavis_gui.timeline.speech_envelope import compute_speech_envelope
    from metavis_gui.ui.qt_event_loop import run_on_qt_loop

    baseline = peak_mb(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="long-media-") as work:
        decoding = step in ("decode", "all")
        wav = Path(work) / "audio-16k-mono.wav" if decoding or source.suffix != ".wav" else source
        if decoding:
            run_on_qt_loop(decode_to_wav(source, wav))
        if step in ("scan", "all"):
            scan_decoded_audio(source, wav)
        if step == "old whole read":
            with wave.open(str(wav), "rb") as reader:
                samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
            int(np.abs(samples.astype(np.int32)).max(initial=0))
        if step in ("peaks", "all"):
            compute_peaks_from_wav(wav)
        if step in ("envelope", "all"):
            with WavSamples(wav) as samples_on_demand:
                compute_speech_envelope(samples_on_demand, 16_000)
        if step == "aligner read":
            from metavis_gui.align.alignment_runner import _read_audio

            _read_audio(wav)
    return {
        "seconds": time.perf_counter() - started,
        "python_mb": peak_mb(resource.RUSAGE_SELF),
        "python_before_mb": baseline,
        "children_mb": peak_mb(resource.RUSAGE_CHILDREN),
    }


def measure_in_child(step: str, source: Path) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, __file__, "--measure", step, str(source)], check=True, capture_output=True, text=True
    )
    return json.loads(completed.stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--sources", nargs="+", choices=sorted(SOURCES), default=list(SOURCES))
    parser.add_argument("--with-aligner-read", action="store_true")
    parser.add_argument("--measure", nargs=2, metavar=("STEP", "SOURCE"), help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.measure:
        step, source = arguments.measure
        print(json.dumps(measure(step, Path(source))))
        return 0

    rows: list[list[object]] = []
    verdicts: list[str] = []
    for name in arguments.sources:
        source = make_source(name, arguments.hours)
        steps = ["all"]
        if name == "mono-16k":  # the decoded WAV is the source itself: each step on its own, and the old read
            steps += ["scan", "peaks", "envelope", "old whole read"]
            steps += ["aligner read"] if arguments.with_aligner_read else []
        for step in steps:
            result = measure_in_child(step, source)
            tree = result["python_mb"] + result["children_mb"]
            rows.append([
                f"{name}: {step}", f"{result['python_mb']:.0f}", f"{result['children_mb']:.0f}", f"{tree:.0f}",
                f"{result['seconds']:.1f}",
            ])  # fmt: skip
            if step == "all":
                verdict = "under" if tree < TARGET_MB else "OVER"
                verdicts.append(f"{name} ({source.name}): {tree:.0f} MB, {verdict} the {TARGET_MB} MB target")
    print(f"Peak RSS of the app's own work on {arguments.hours:g} h of media (decode + scan + peaks + envelope)")
    print(format_table(["source: step", "Python peak MB", "largest child MB", "tree MB", "time s"], rows))
    print("\n".join(verdicts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
