"""Media errors carry a message a user can act on, always naming the file."""

from __future__ import annotations

from pathlib import Path


class MediaError(Exception):
    def __init__(self, path: Path, message: str, stderr_tail: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.stderr_tail = stderr_tail  # FFmpeg's own words, for a details view


class MediaNotFound(MediaError):
    def __init__(self, path: Path) -> None:
        super().__init__(path, f"{path}: no such file. Check the path, or pick the file again.")


class MediaUnreadable(MediaError):
    pass


class NoAudioStream(MediaError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            path, f"{path}: this file has no audio stream, so there is nothing to transcribe. Pick a file with sound."
        )


class MediaToolMissing(MediaError):
    def __init__(self, tool: str) -> None:
        super().__init__(
            Path(tool),
            f"{tool} is not installed or not on PATH; it is needed to read media. "
            "Install FFmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg).",
        )
