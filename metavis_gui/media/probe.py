"""What a media file holds, from ffprobe's JSON: duration and streams; and what can be told before ffprobe runs."""

from __future__ import annotations

import json
import math
import os
import shutil
import stat
import struct
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from metavis_gui import app_paths
from metavis_gui.media.errors import MediaError, MediaNotFound, MediaToolMissing, MediaUnreadable, NoAudioStream
from metavis_gui.media.pcm_wav import read_pcm_wav_layout, read_wav_head, riff_chunks


class AudioStream(BaseModel):
    """One audio stream; `number` counts audio streams only, from 0, as FFmpeg's `0:a:N` and `--audio-stream`."""

    model_config = ConfigDict(frozen=True)

    number: int
    codec: str | None = None
    channels: int | None = None
    language: str | None = None
    title: str | None = None
    duration_seconds: float | None = None  # when ffprobe knows this stream's own length

    def describe(self) -> str:
        parts = [self.codec or "unknown codec"]
        if self.channels:
            parts.append(f"{self.channels} ch")
        parts += [text for text in (self.language, self.title) if text]
        return f"stream {self.number} ({', '.join(parts)})"


class AudioStreamMissing(MediaError):
    """`--audio-stream N` names a stream the file does not have."""


class MediaInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: Path
    duration_seconds: float
    format_name: str
    audio_stream_count: int
    has_video: bool
    audio_codec: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    audio_streams: tuple[AudioStream, ...] = ()
    frame_rate: str | None = None  # the video's, as ffprobe gives it ("30000/1001"); None without video
    start_timecode: str | None = None  # "01:00:00;00" when the file carries one


# Where packaging/metavis_transcribe.spec puts ffmpeg and ffprobe inside the frozen app.
BUNDLED_MEDIA_TOOLS_FOLDER = "ffmpeg"


def find_media_tool(name: str, environ: Mapping[str, str] | None = None) -> str:
    """ffmpeg or ffprobe: the frozen app's own copy (``<bundle>/ffmpeg/NAME``) first, then ``PATH``."""
    bundle = app_paths.bundled_resources_dir()
    if bundle is not None:
        bundled = bundle / BUNDLED_MEDIA_TOOLS_FOLDER / name
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled)
    environ = os.environ if environ is None else environ
    found = shutil.which(name, path=environ.get("PATH", os.defpath))
    if found is None:
        raise MediaToolMissing(name)
    return found


def ffmpeg_input_argument(path: Path) -> str:
    # The file: protocol keeps ffmpeg from reading a leading '-' as an option or 'x:' as a protocol.
    return f"file:{path.resolve()}"


def check_media_file(path: Path) -> None:
    """Fail fast, before any process starts, on what can be told from the file system.

    Only a regular file is opened: opening a FIFO blocks until a writer comes, and a device never ends.
    """
    try:
        status = path.stat()
    except FileNotFoundError:
        raise MediaNotFound(path) from None
    except OSError as error:
        raise MediaUnreadable(path, f"{path}: cannot be read ({error.strerror}). Check its permissions.") from error
    if stat.S_ISDIR(status.st_mode):
        raise MediaUnreadable(path, f"{path}: is a folder, not a media file. Pick the media files inside it.")
    kind = _special_file_kind(status.st_mode)
    if kind is not None:
        raise MediaUnreadable(
            path,
            f"{path}: is {kind}, not a media file; it is refused without reading, since it may never end. "
            "Save the media to a regular file first and pass that file.",
        )
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        os.close(descriptor)
    except OSError as error:
        raise MediaUnreadable(path, f"{path}: cannot be read ({error.strerror}). Check its permissions.") from error
    if status.st_size == 0:
        raise MediaUnreadable(path, f"{path}: the file is empty (0 bytes). Export or copy the media again.")


_SPECIAL_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _special_file_kind(mode: int) -> str | None:
    for is_kind, kind in _SPECIAL_FILE_KINDS:
        if is_kind(mode):
            return kind
    return None if stat.S_ISREG(mode) else "a special file"


def choose_audio_stream(media: MediaInfo, number: int | None) -> AudioStream:
    """The stream `--audio-stream` names (None: the first), or a message listing the streams there are."""
    streams = media.audio_streams or (AudioStream(number=0, codec=media.audio_codec, channels=media.channels),)
    chosen = 0 if number is None else number
    if 0 <= chosen < len(streams):
        return streams[chosen]
    listing = "; ".join(stream.describe() for stream in streams)
    raise AudioStreamMissing(
        media.path,
        f"{media.path}: has no audio stream {chosen}; it has {len(streams)}: {listing}. "
        f"Pass --audio-stream with a number from 0 to {len(streams) - 1}.",
    )


def promised_wav_seconds(path: Path) -> float | None:
    """How long a WAV's header says its audio is, or None (not a WAV, or a streamed one with no size).

    FFmpeg takes a WAV's length from the bytes that are there, so a truncated file looks whole to ffprobe;
    the header's data size still tells what was meant to be there.
    """
    head = read_wav_head(path)
    if head is None:
        return None
    byte_rate = None
    for chunk_id, offset, size in riff_chunks(head):
        if chunk_id == b"fmt " and offset + 16 <= len(head):
            byte_rate = struct.unpack_from("<I", head, offset + 16)[0]
        elif chunk_id == b"data":
            streamed = size in (0, 0xFFFFFFFF)
            return None if streamed or not byte_rate else size / byte_rate
    return None


def probe_arguments(path: Path) -> list[str]:
    return [
        "-v", "error",
        "-print_format", "json",
        "-show_format", "-show_streams",
        ffmpeg_input_argument(path),
    ]  # fmt: skip


def pcm_wav_media_info(path: Path) -> MediaInfo | None:
    """What ffprobe would say of a plain PCM WAV, read from its header; None for any other file."""
    layout = read_pcm_wav_layout(path)
    if layout is None:
        return None
    stream = AudioStream(
        number=0, codec=layout.codec, channels=layout.channels, duration_seconds=layout.present_seconds
    )
    return MediaInfo(
        path=path, duration_seconds=layout.present_seconds, format_name="wav", audio_stream_count=1, has_video=False,
        audio_codec=layout.codec, sample_rate=layout.sample_rate, channels=layout.channels, audio_streams=(stream,),
    )  # fmt: skip


def parse_probe_output(path: Path, exit_code: int, stdout: str, stderr: str) -> MediaInfo:
    reason = _last_line(stderr)
    if exit_code != 0:
        raise MediaUnreadable(
            path,
            f"{path}: not a media file FFmpeg can read ({reason or f'ffprobe exit code {exit_code}'}). "
            "It may be truncated, still being copied, or not audio/video at all.",
            stderr_tail=stderr.strip()[-4000:],
        )
    try:
        report = json.loads(stdout or "{}")
    except json.JSONDecodeError as error:
        raise MediaUnreadable(path, f"{path}: ffprobe gave unreadable output ({error}).") from error
    streams = report.get("streams") or []
    audio_streams = [stream for stream in streams if stream.get("codec_type") == "audio"]
    has_video = any(
        stream.get("codec_type") == "video" and not stream.get("disposition", {}).get("attached_pic")
        for stream in streams
    )
    if not audio_streams:
        if not streams:
            raise MediaUnreadable(path, f"{path}: FFmpeg finds no audio or video in this file. Is it a media file?")
        raise NoAudioStream(path)
    duration = _duration_seconds(report.get("format") or {}, audio_streams)
    if duration is None:
        raise MediaUnreadable(path, f"{path}: its duration cannot be read; the file may be truncated.")
    first_audio = audio_streams[0]
    return MediaInfo(
        audio_streams=tuple(_audio_stream(number, stream) for number, stream in enumerate(audio_streams)),
        path=path,
        duration_seconds=duration,
        format_name=str((report.get("format") or {}).get("format_name", "unknown")),
        audio_stream_count=len(audio_streams),
        has_video=has_video,
        audio_codec=first_audio.get("codec_name"),
        sample_rate=_int_or_none(first_audio.get("sample_rate")),
        channels=_int_or_none(first_audio.get("channels")),
        frame_rate=_video_frame_rate(streams),
        start_timecode=_start_timecode(report.get("format") or {}, streams),
    )


def _audio_stream(number: int, stream: dict) -> AudioStream:
    tags = stream.get("tags") or {}
    return AudioStream(
        number=number,
        codec=stream.get("codec_name"),
        channels=_int_or_none(stream.get("channels")),
        language=tags.get("language"),
        title=tags.get("title"),
        duration_seconds=_float_or_none(stream.get("duration")),
    )


def _duration_seconds(format_report: dict, audio_streams: list[dict]) -> float | None:
    for candidate in [audio_streams[0].get("duration"), format_report.get("duration")]:
        value = _float_or_none(candidate)
        if value is not None and value > 0:
            return value
    return None


def _float_or_none(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _video_frame_rate(streams: list[dict]) -> str | None:
    for stream in streams:
        if stream.get("codec_type") == "video" and not stream.get("disposition", {}).get("attached_pic"):
            for key in ("avg_frame_rate", "r_frame_rate"):
                rate = str(stream.get(key) or "")
                numerator, _, denominator = rate.partition("/")
                if numerator.isdigit() and int(numerator) > 0 and (not denominator or int(denominator or 0) > 0):
                    return rate
    return None


def _start_timecode(format_report: dict, streams: list[dict]) -> str | None:
    """The container's timecode tag, else a stream's (a QuickTime tmcd track or the video stream)."""
    for tags in [format_report.get("tags") or {}, *((stream.get("tags") or {}) for stream in streams)]:
        if tags.get("timecode"):
            return str(tags["timecode"])
    return None
