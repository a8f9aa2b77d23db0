"""Where a recording has speech: Silero VAD, the ONNX network faster-whisper ships, run with ONNX Runtime
(`silero_speech`).

The decoded WAV is read a stretch at a time, so memory stays flat however long the media and a caller can
stop between stretches. Each speech span is padded as faster-whisper pads it (0.4 s a side); spans closer
than a few seconds are kept together, so only long stretches of music, noise or silence are left out, never
the pauses of speech.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from metavis_gui.media.decode import ENGINE_SAMPLE_RATE
from metavis_gui.media.errors import MediaError
from metavis_gui.media.sample_span import SampleSpan
from metavis_gui.media.silero_speech import SpeechReading, silero_model_path, speech_probabilities, speech_sample_spans
from metavis_gui.media.wav_samples import WavSamples

SAMPLE_RATE = ENGINE_SAMPLE_RATE
# Five minutes: about 0.6 s of one core each, and 19 MB of float samples.
STRETCH_SAMPLES = 300 * SAMPLE_RATE
# faster-whisper's 0.5 missed JFK's first words after 20 s of chords (from 21.6 s, speech from 20.3 s);
# 0.35 caught them, and on 30 minutes with 9 of music and noise kept only 0.4 s more of the non-speech.
SPEECH_THRESHOLD = 0.35
# Non-speech shorter than this stays in: a pause between sentences costs the engine almost nothing.
MIN_SKIPPED_SECONDS = 3.0


class SpeechDetectionUnavailable(MediaError):
    """ONNX Runtime, or the Silero network file (faster-whisper's, or the frozen app's copy), is missing."""

    def __init__(self, audio_path: Path, reason: str) -> None:
        super().__init__(
            audio_path,
            f"Skipping non-speech (--vad on) needs Silero speech detection, which this installation lacks "
            f"({reason}). Run scripts/setup again, or choose --vad auto or off.",
        )


def load_speech_detection(audio_path: Path, scratch_dir: Path) -> Path:
    """The Silero network's file, with ONNX Runtime imported (once) with the temp folder pointed at
    scratch_dir: importing it writes a telemetry file (`.ses`) into the temp folder, which would outlive
    the run there."""
    model_path = silero_model_path()
    if model_path is None:
        raise SpeechDetectionUnavailable(audio_path, "the Silero network file silero_vad_v6.onnx was not found")
    if "onnxruntime" in sys.modules:
        return model_path
    previous = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(scratch_dir)
    try:
        import onnxruntime  # noqa: F401
    except ImportError as error:
        raise SpeechDetectionUnavailable(audio_path, f"onnxruntime: {error}") from error
    finally:
        if previous is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous
    return model_path


def stretches(total_samples: int, at_least: int = 1) -> Iterator[SampleSpan]:
    """The stretches a scan reads, at most STRETCH_SAMPLES each and at least `at_least` of them (one a
    core, so short audio is scanned on every core too)."""
    length = max(SAMPLE_RATE, min(STRETCH_SAMPLES, -(-total_samples // max(1, at_least))))
    for first in range(0, total_samples, length):
        yield SampleSpan(first, min(total_samples, first + length))


def speech_in_stretch(model_path: Path, samples: WavSamples, stretch: SampleSpan) -> list[SampleSpan]:
    """The padded speech spans of one stretch, in the audio's samples (`model_path` from load_speech_detection)."""
    audio = samples[stretch.first : stretch.end].astype(np.float32) / 32768.0
    probabilities = speech_probabilities(model_path, audio)
    found = speech_sample_spans(probabilities, len(audio), SpeechReading(threshold=SPEECH_THRESHOLD))
    return [SampleSpan(stretch.first + first, stretch.first + end) for first, end in found]


def kept_spans(
    speech: Sequence[SampleSpan], total_samples: int, min_skipped_seconds: float = MIN_SKIPPED_SECONDS
) -> list[SampleSpan]:
    """The spans an engine hears: speech, with every gap shorter than min_skipped_seconds (and any
    at the very start or end) kept in, clipped to the audio."""
    min_gap = int(min_skipped_seconds * SAMPLE_RATE)
    kept: list[SampleSpan] = []
    for span in sorted(speech, key=lambda span: span.first):
        first, end = max(0, span.first), min(total_samples, span.end)
        if end <= first:
            continue
        if kept and first - kept[-1].end < min_gap:
            kept[-1] = SampleSpan(kept[-1].first, max(kept[-1].end, end))
        else:
            kept.append(SampleSpan(first, end))
    if kept and kept[0].first < min_gap:
        kept[0] = SampleSpan(0, kept[0].end)
    if kept and total_samples - kept[-1].end < min_gap:
        kept[-1] = SampleSpan(kept[-1].first, total_samples)
    return kept
