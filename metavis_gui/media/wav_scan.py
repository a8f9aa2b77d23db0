"""What the pipeline must know of the decoded WAV before the engine runs: its length, and whether any sample
rises above digital silence. The standard library does it, so the command need not load numpy first.

Speech is heard within the first block, so the loudness test usually ends there; every block is still read
for its length. An all-zero block (the usual silence) is recognized by one byte comparison.
"""

from __future__ import annotations

import sys
import wave
from array import array
from pathlib import Path
from typing import NamedTuple

BLOCK_SAMPLES = 1 << 20  # 2 MiB of int16 a read: 65 s at 16 kHz


class DecodedAudioScan(NamedTuple):
    sample_count: int
    sample_rate: int
    heard: bool  # some sample's magnitude is above the quiet level the scan was given

    @property
    def duration_seconds(self) -> float:
        return self.sample_count / self.sample_rate if self.sample_rate else 0.0


def scan_wav(wav_path: Path, quiet_level: int, block_samples: int = BLOCK_SAMPLES) -> DecodedAudioScan:
    """Sample count of a 16-bit mono WAV, and whether any |sample| exceeds quiet_level; memory stays one block.

    Raises wave.Error, EOFError or OSError when the file is not such a WAV.
    """
    with wave.open(str(wav_path), "rb") as reader:
        if reader.getsampwidth() != 2 or reader.getnchannels() != 1:
            raise wave.Error(f"{wav_path}: expected 16-bit mono PCM")
        sample_rate, count, heard = reader.getframerate(), 0, False
        while block := reader.readframes(block_samples):
            count += len(block) // 2
            heard = heard or _is_heard(block, quiet_level)
    return DecodedAudioScan(count, sample_rate, heard)


def _is_heard(block: bytes, quiet_level: int) -> bool:
    if block.count(0) == len(block):
        return False
    samples = array("h", block[: len(block) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()  # WAV samples are little-endian
    return max(samples) > quiet_level or min(samples) < -quiet_level


def wav_sample_count(wav_path: Path) -> int:
    """The sample count a 16-bit mono WAV's header gives (its data chunk's size)."""
    with wave.open(str(wav_path), "rb") as reader:
        return reader.getnframes()
