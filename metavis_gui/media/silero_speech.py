"""Silero VAD v6 run with ONNX Runtime alone: the speech probability of every 32 ms, and the spans they make.

faster-whisper ships the network (`faster_whisper/assets/silero_vad_v6.onnx`, MIT) but importing its VAD
imports faster-whisper whole, CTranslate2 included, which the packaged app does not carry; so the network
runs here. Its input is one row per 512-sample frame, each led by the last 64 samples of the frame
before (zeros for the first), and it carries its LSTM state from row to row within one call.

Spans follow Silero's usual reading: speech starts at a frame at or above the threshold and ends where the
probability first fell below a lower threshold, once it has stayed there for the minimum silence (a short
dip comes back into the speech); each span is then padded on both sides.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from metavis_gui import app_paths
from metavis_gui.media.pcm_wav import ENGINE_SAMPLE_RATE

SILERO_FILE_NAME = "silero_vad_v6.onnx"
# Where packaging/metavis_transcribe.spec puts the network inside the frozen app.
BUNDLED_SILERO_FOLDER = "silero"
FRAME_SAMPLES = 512
_CONTEXT_SAMPLES = 64
_STATE_SHAPE = (1, 1, 128)
# The hysteresis below the speech threshold, as Silero's own reading uses it.
_SILENCE_BELOW_THRESHOLD = 0.15


@dataclass(frozen=True)
class SpeechReading:
    threshold: float
    min_silence_seconds: float = 2.0
    pad_seconds: float = 0.4


def silero_model_path() -> Path | None:
    """The network file: the frozen app's own copy, else faster-whisper's (found without importing it)."""
    bundle = app_paths.bundled_resources_dir()
    if bundle is not None:
        bundled = bundle / BUNDLED_SILERO_FOLDER / SILERO_FILE_NAME
        return bundled if bundled.is_file() else None
    try:
        spec = importlib.util.find_spec("faster_whisper")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    shipped = Path(spec.origin).parent / "assets" / SILERO_FILE_NAME
    return shipped if shipped.is_file() else None


@cache
def _session(model_path: Path) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One core a call: callers run one stretch a core side by side.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 4
    return onnxruntime.InferenceSession(str(model_path), sess_options=options, providers=["CPUExecutionProvider"])


def speech_probabilities(model_path: Path, audio: np.ndarray) -> np.ndarray:
    """One probability per FRAME_SAMPLES of `audio` (float32 in [-1, 1]); the last frame is zero-padded."""
    frames = -(-len(audio) // FRAME_SAMPLES)
    if frames == 0:
        return np.zeros(0, dtype=np.float32)
    padded = np.zeros(frames * FRAME_SAMPLES, dtype=np.float32)
    padded[: len(audio)] = audio
    rows = padded.reshape(frames, FRAME_SAMPLES)
    context = np.zeros((frames, _CONTEXT_SAMPLES), dtype=np.float32)
    context[1:] = rows[:-1, -_CONTEXT_SAMPLES:]
    state = np.zeros(_STATE_SHAPE, dtype=np.float32)
    probabilities, _, _ = _session(model_path).run(
        None, {"input": np.concatenate([context, rows], axis=1), "h": state, "c": state}
    )
    return np.asarray(probabilities, dtype=np.float32).reshape(-1)[:frames]


def speech_sample_spans(probabilities: np.ndarray, total_samples: int, reading: SpeechReading) -> list[tuple[int, int]]:
    """(first sample, end sample) of each padded speech span, clipped to the audio; overlaps are left to
    the caller, which joins what is close anyway."""
    below = max(reading.threshold - _SILENCE_BELOW_THRESHOLD, 0.01)
    min_silence_frames = reading.min_silence_seconds * ENGINE_SAMPLE_RATE / FRAME_SAMPLES
    pad = round(reading.pad_seconds * ENGINE_SAMPLE_RATE)
    spans: list[tuple[int, int]] = []
    start: int | None = None
    quiet_from: int | None = None
    for frame, probability in enumerate(probabilities.tolist()):
        if start is None:
            if probability >= reading.threshold:
                start = frame
            continue
        if probability >= reading.threshold:
            quiet_from = None
        elif probability < below:
            quiet_from = frame if quiet_from is None else quiet_from
            if frame - quiet_from >= min_silence_frames:
                spans.append(_padded(start, quiet_from, pad, total_samples))
                start, quiet_from = None, None
    if start is not None:
        spans.append(_padded(start, len(probabilities), pad, total_samples))
    return spans


def _padded(first_frame: int, end_frame: int, pad: int, total_samples: int) -> tuple[int, int]:
    return max(0, first_frame * FRAME_SAMPLES - pad), min(total_samples, end_frame * FRAME_SAMPLES + pad)
