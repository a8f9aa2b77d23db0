"""What a plain PCM WAV holds, read from its header: no ffprobe for it, and no ffmpeg when it is already
the 16 kHz mono 16-bit audio the engines read.

FFmpeg's programs take 0.1-0.25 s each just to start (they load dozens of codec libraries); on a short
clip that was a sixth of the command's own cost. Anything this module is unsure of (another format tag, a
WAV with no samples, a header it cannot walk) returns None, and the caller asks FFmpeg as before.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The one sample rate every engine, the aligner and the waveform read (16-bit mono); media.decode names it too.
ENGINE_SAMPLE_RATE = 16000
_HEADER_READ_BYTES = 4096
# WAVE_FORMAT_PCM and WAVE_FORMAT_IEEE_FLOAT, also as the sub-format of WAVE_FORMAT_EXTENSIBLE; anything else
# (ADPCM, mu-law, ...) goes to ffprobe.
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE
_PCM_CODECS = {(1, 8): "pcm_u8", (1, 16): "pcm_s16le", (1, 24): "pcm_s24le", (1, 32): "pcm_s32le",
               (3, 32): "pcm_f32le", (3, 64): "pcm_f64le"}  # fmt: skip


@dataclass(frozen=True)
class PcmWavLayout:
    format_tag: int
    channels: int
    sample_rate: int
    bits_per_sample: int
    data_offset: int  # where the samples start in the file
    declared_bytes: int | None  # the data chunk's size as the header says it; None when streamed (unknown)
    present_bytes: int  # the sample bytes the file really holds

    @property
    def codec(self) -> str:
        return _PCM_CODECS[(self.format_tag, self.bits_per_sample)]

    @property
    def frame_bytes(self) -> int:
        return self.channels * self.bits_per_sample // 8

    @property
    def present_seconds(self) -> float:
        return self.present_bytes // self.frame_bytes / self.sample_rate

    @property
    def declared_seconds(self) -> float | None:
        return None if self.declared_bytes is None else self.declared_bytes // self.frame_bytes / self.sample_rate

    @property
    def is_engine_audio(self) -> bool:
        """Already what every engine reads (16 kHz, mono, 16-bit signed): the samples can be copied as they are."""
        shape = (self.format_tag, self.bits_per_sample, self.channels, self.sample_rate)
        return shape == (1, 16, 1, ENGINE_SAMPLE_RATE)


def read_pcm_wav_layout(path: Path) -> PcmWavLayout | None:
    """The layout of a plain PCM (or float) WAV with at least one whole frame, else None (ask FFmpeg)."""
    head = read_wav_head(path)
    if head is None:
        return None
    try:
        file_size = path.stat().st_size
    except OSError:
        return None
    fmt: tuple[int, int, int, int] | None = None
    for chunk_id, offset, size in riff_chunks(head):
        if chunk_id == b"fmt " and size >= 16 and offset + 24 <= len(head):
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", head, offset + 8)
            if tag == _WAVE_FORMAT_EXTENSIBLE and size >= 40 and offset + 34 <= len(head):
                tag = struct.unpack_from("<H", head, offset + 32)[0]  # the sub-format GUID starts with the tag
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"data":
            return _layout(fmt, offset + 8, size, file_size)
    return None


def read_wav_head(path: Path) -> bytes | None:
    """The first bytes of a RIFF WAVE file (enough for its header chunks), or None when it is not one."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEADER_READ_BYTES)
    except OSError:
        return None
    return head if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE" else None


def riff_chunks(head: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(chunk id, offset of its 8-byte chunk header, declared size) of each chunk whose header is in `head`."""
    offset = 12
    while offset + 8 <= len(head):
        chunk_id, size = head[offset : offset + 4], struct.unpack_from("<I", head, offset + 4)[0]
        yield chunk_id, offset, size
        offset += 8 + size + (size & 1)


def _layout(fmt: tuple[int, int, int, int] | None, data_offset: int, size: int, file_size: int) -> PcmWavLayout | None:
    if fmt is None:
        return None
    tag, channels, rate, bits = fmt
    if (tag, bits) not in _PCM_CODECS or not 1 <= channels <= 64 or not 1000 <= rate <= 768_000:
        return None
    streamed = size in (0, 0xFFFFFFFF)
    available = max(0, file_size - data_offset)
    present = available if streamed else min(size, available)
    layout = PcmWavLayout(tag, channels, rate, bits, data_offset, None if streamed else size, present)
    return layout if present >= layout.frame_bytes else None
