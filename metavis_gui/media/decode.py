"""Decoding any media to the 16 kHz mono 16-bit WAV every engine reads."""

from __future__ import annotations

import math
import re
import wave
from pathlib import Path

from metavis_gui.media.errors import MediaUnreadable
from metavis_gui.media.pcm_wav import ENGINE_SAMPLE_RATE
from metavis_gui.media.probe import ffmpeg_input_argument
from metavis_gui.media.wav_scan import DecodedAudioScan, scan_wav

_OUT_TIME_PATTERN = re.compile(r"^out_time_(?:us|ms)=(\d+)$")
# Peaks below this (about -66 dBFS) are quantisation noise, not speech: whisper only hallucinates on it.
SILENCE_PEAK_LEVEL = 16
# whisper.cpp 1.8.5 refuses 1600 samples (0.1 s: "input is too short - 90 ms < 100 ms") and takes 1700;
# the other engines hear nothing in so little either.
SHORTEST_TRANSCRIBABLE_SECONDS = 0.11
# A decode this much shorter than the media promised is a truncated file, not rounding (MP3 estimates drift).
_TRUNCATION_SHORTFALL_SECONDS = 0.5
_TRUNCATION_SHORTFALL_SHARE = 0.05


def decode_arguments(
    source: Path,
    target_wav: Path,
    start_seconds: float = 0.0,
    max_seconds: float | None = None,
    audio_stream: int = 0,
) -> list[str]:
    arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-nostats", "-progress", "pipe:1"]
    if start_seconds > 0:
        arguments += ["-ss", f"{start_seconds:.6f}"]
    arguments += ["-i", ffmpeg_input_argument(source)]
    if max_seconds is not None:
        arguments += ["-t", f"{max_seconds:.6f}"]
    arguments += [
        "-map", f"0:a:{audio_stream}", "-vn", "-sn", "-dn",
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


def scan_decoded_audio(source: Path, wav_path: Path) -> DecodedAudioScan:
    """Length and loudness of the decoded WAV, read in bounded blocks (hours of audio never sit in memory),
    or a clear error when the decode produced no audio."""
    try:
        scan = scan_wav(wav_path, SILENCE_PEAK_LEVEL)
    except (OSError, EOFError, wave.Error) as error:
        raise MediaUnreadable(source, f"{source}: decoding gave no usable audio ({error}).") from error
    if scan.sample_count == 0:
        raise MediaUnreadable(
            source,
            f"{source}: decoding gave no audio samples. The file may be truncated, "
            "or the start offset lies past its end.",
        )
    return scan


def is_silent(decoded: DecodedAudioScan) -> bool:
    return not decoded.heard


def decoded_duration_seconds(decoded: DecodedAudioScan) -> float:
    return decoded.duration_seconds


def seconds_are_valid(value: float) -> bool:
    return math.isfinite(value) and value >= 0


def truncation_warning(source: Path, decoded_seconds: float, expected_seconds: float) -> str | None:
    """What to tell when the decode gave clearly less audio than the media says it holds, else None."""
    shortfall = expected_seconds - decoded_seconds
    if shortfall <= max(_TRUNCATION_SHORTFALL_SECONDS, expected_seconds * _TRUNCATION_SHORTFALL_SHARE):
        return None
    return (
        f"{source}: only {decoded_seconds:.1f} s of audio could be decoded of the {expected_seconds:.1f} s it "
        "should hold; the file looks truncated (cut off while being copied or recorded), so the transcript "
        f"ends at {decoded_seconds:.1f} s. Copy or export the media again for the rest."
    )


def too_short_notice(source: Path, decoded_seconds: float) -> str | None:
    """The note for a clip too short for any engine, else None."""
    if decoded_seconds >= SHORTEST_TRANSCRIBABLE_SECONDS:
        return None
    return (
        f"{source.name} holds only {decoded_seconds * 1000:.0f} ms of audio, less than the "
        f"{SHORTEST_TRANSCRIBABLE_SECONDS * 1000:.0f} ms the engines need to transcribe: the transcript is empty."
    )
