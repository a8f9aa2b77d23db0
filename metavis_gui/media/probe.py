"""What a media file holds, from ffprobe's JSON: duration and streams."""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from metavis_gui import app_paths
from metavis_gui.media.errors import MediaNotFound, MediaToolMissing, MediaUnreadable, NoAudioStream


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
    """Fail fast, before any process starts, on what can be told from the file system."""
    if not path.exists():
        raise MediaNotFound(path)
    if path.is_dir():
        raise MediaUnreadable(path, f"{path}: is a folder, not a media file. Pick the media files inside it.")
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as error:
        raise MediaUnreadable(path, f"{path}: cannot be read ({error.strerror}). Check its permissions.") from error
    if size == 0:
        raise MediaUnreadable(path, f"{path}: the file is empty (0 bytes). Export or copy the media again.")


def probe_arguments(path: Path) -> list[str]:
    return [
        "-v", "error",
        "-print_format", "json",
        "-show_format", "-show_streams",
        ffmpeg_input_argument(path),
    ]  # fmt: skip


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
        path=path,
        duration_seconds=duration,
        format_name=str((report.get("format") or {}).get("format_name", "unknown")),
        audio_stream_count=len(audio_streams),
        has_video=has_video,
        audio_codec=first_audio.get("codec_name"),
        sample_rate=_int_or_none(first_audio.get("sample_rate")),
        channels=_int_or_none(first_audio.get("channels")),
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
