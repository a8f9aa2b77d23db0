"""What the media layer tells before FFmpeg runs: the kind of file, the stream asked for, what a WAV promises."""

from __future__ import annotations

import os
import socket
import struct
import time
from pathlib import Path

import pytest

from metavis_gui.contract.file_name_text import file_name_text
from metavis_gui.media.decode import too_short_notice, truncation_warning
from metavis_gui.media.errors import MediaNotFound, MediaUnreadable
from metavis_gui.media.probe import (
    AudioStream,
    AudioStreamMissing,
    MediaInfo,
    check_media_file,
    choose_audio_stream,
    promised_wav_seconds,
)


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.wav"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(MediaUnreadable, match=r"feed\.wav: is a FIFO \(named pipe\), not a media file"):
        check_media_file(fifo)
    assert time.monotonic() - started < 1


def test_a_socket_a_device_and_a_dangling_link_are_refused(tmp_path: Path) -> None:
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(tmp_path / "s.wav"))
    try:
        with pytest.raises(MediaUnreadable, match="is a socket"):
            check_media_file(tmp_path / "s.wav")
    finally:
        listening.close()
    with pytest.raises(MediaUnreadable, match="is a character device"):
        check_media_file(Path("/dev/zero"))
    (tmp_path / "gone.wav").symlink_to(tmp_path / "deleted.wav")
    with pytest.raises(MediaNotFound):
        check_media_file(tmp_path / "gone.wav")


def test_a_link_to_a_regular_file_is_fine(tmp_path: Path) -> None:
    (tmp_path / "take.wav").write_bytes(b"RIFF....")
    (tmp_path / "link.wav").symlink_to(tmp_path / "take.wav")
    check_media_file(tmp_path / "link.wav")


def media_with(*streams: AudioStream) -> MediaInfo:
    return MediaInfo(
        path=Path("interview.mka"),
        duration_seconds=11.0,
        format_name="matroska,webm",
        audio_stream_count=len(streams),
        has_video=False,
        audio_streams=streams,
    )


def test_the_stream_asked_for_or_a_list_of_those_there_are() -> None:
    media = media_with(AudioStream(number=0, codec="aac", channels=2, language="fra"), AudioStream(number=1))
    assert choose_audio_stream(media, None).number == 0
    assert choose_audio_stream(media, 1).number == 1
    with pytest.raises(AudioStreamMissing) as raised:
        choose_audio_stream(media, 5)
    assert str(raised.value) == (
        "interview.mka: has no audio stream 5; it has 2: stream 0 (aac, 2 ch, fra); stream 1 (unknown codec). "
        "Pass --audio-stream with a number from 0 to 1."
    )


def wav_header(data_bytes: int, byte_rate: int = 32000) -> bytes:
    fmt = struct.pack("<HHIIHH", 1, 1, 16000, byte_rate, 2, 16)
    extra = b"LIST" + struct.pack("<I", 5) + b"abcde" + b"\0"  # an odd-sized chunk before the data, padded
    chunks = b"fmt " + struct.pack("<I", 16) + fmt + extra + b"data" + struct.pack("<I", data_bytes)
    return b"RIFF" + struct.pack("<I", min(0xFFFFFFFF, 4 + len(chunks) + data_bytes)) + b"WAVE" + chunks


@pytest.mark.parametrize(
    ("contents", "seconds"),
    [
        (wav_header(11 * 32000) + bytes(3 * 32000), 11.0),
        (wav_header(0xFFFFFFFF), None),  # a streamed WAV: no size
        (b"ID3\x03" + bytes(100), None),
        (b"RIFF", None),
    ],
    ids=["truncated", "streamed", "mp3", "cut-in-header"],
)
def test_what_a_wav_header_promises(tmp_path: Path, contents: bytes, seconds: float | None) -> None:
    (tmp_path / "a.wav").write_bytes(contents)
    assert promised_wav_seconds(tmp_path / "a.wav") == seconds


def test_a_truncation_is_told_only_when_clearly_short() -> None:
    assert truncation_warning(Path("a.wav"), 3.0, 11.0) is not None
    assert truncation_warning(Path("a.mp3"), 3590.0, 3600.0) is None  # a bitrate estimate off by 10 s in an hour
    assert truncation_warning(Path("a.wav"), 10.7, 11.0) is None


def test_only_clips_under_the_engines_minimum_get_the_short_note() -> None:
    assert too_short_notice(Path("blip.wav"), 0.1) is not None
    assert too_short_notice(Path("word.wav"), 0.3) is None


def test_file_names_as_text() -> None:
    assert file_name_text(os.fsdecode(b"take\xff.wav")) == "take\ufffd.wav"
    assert file_name_text("Überblick.wav") == "Überblick.wav"
