"""Decoding any media to the 16 kHz mono 16-bit WAV every engine reads."""

from __future__ import annotations

import math
import re
import wave
from pathlib import Path

import numpy as np

from metavis_gui.media.errors import MediaUnreadable
from metavis_gui.media.probe import ffmpeg_input_argument

ENGINE_SAMPLE_RATE = 16000
_OUT_TIME_PATTERN = re.compile(r"^out_time_(?:us|ms)=(\d+)$")
# Peaks below this (about -66 dBFS) are quantisation noise, not speech: whisper only hallucinates on it.
SILENCE_PEAK_LEVEL = 16


def decode_arguments(
    source: Path, target_wav: Path, start_seconds: float = 0.0, max_seconds: float | None = None
) -> list[str]:
    arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-nostats", "-progress", "pipe:1"]
    if start_seconds > 0:
        arguments += ["-ss", f"{start_seconds:.6f}"]
    arguments += ["-i", ffmpeg_input_argument(source)]
    if max_seconds is not None:
        arguments += ["-t", f"{max_seconds:.6f}"]
    arguments += [
        "-map", "0:a:0", "-vn", "-sn", "-dn",
        "-ac", "1", "-ar", str(ENGINE_SAMPLE_RATE), "-c:a", "pcm_s16le",
        "-f", "wav", "-y", str(target_wav),
    ]  # fmt: skip
    return arguments


def decode_progress_seconds(line: str) -> float | None:
    """Seconds decoded so far, from a line of ffmpeg's -progress output (out_time_us is microseconds)."""
    match = _OUT_TIME_PATTERN.match(line.strip())
    if match is None:
        return None
    return int(match.group(1)) / 1_000_000


def expected_decoded_seconds(duration_seconds: float, start_seconds: float, max_seconds: float | None) -> float:
    remaining = max(0.0, duration_seconds - start_seconds)
    return remaining if max_seconds is None else min(remaining, max_seconds)


def read_decoded_samples(source: Path, wav_path: Path) -> np.ndarray:
    """The decoded samples, or a clear error when the decode produced no audio."""
    try:
        with wave.open(str(wav_path), "rb") as reader:
            frames = reader.readframes(reader.getnframes())
    except (OSError, EOFError, wave.Error) as error:
        raise MediaUnreadable(source, f"{source}: decoding gave no usable audio ({error}).") from error
    samples = np.frombuffer(frames, dtype="<i2")
    if samples.size == 0:
        raise MediaUnreadable(
            source,
            f"{source}: decoding gave no audio samples. The file may be truncated, "
            "or the start offset lies past its end.",
        )
    return samples


def is_silent(samples: np.ndarray) -> bool:
    return int(np.abs(samples.astype(np.int32)).max(initial=0)) <= SILENCE_PEAK_LEVEL


def decoded_duration_seconds(samples: np.ndarray) -> float:
    return samples.size / ENGINE_SAMPLE_RATE


def seconds_are_valid(value: float) -> bool:
    return math.isfinite(value) and value >= 0
