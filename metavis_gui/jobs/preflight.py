"""Checks a run makes before any engine work, each in well under a second, each naming the file and the fix.

The input's own checks live with the media (`media.probe.check_media_file`, `choose_audio_stream`); here:
whether the model speaks the language asked for, whether there is room for the work and the output, how
many threads this machine can give, which audio stream runs, and whether the decode got all the media.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

from metavis_gui.jobs.transcription_request import JobWarning, JobWarningKind
from metavis_gui.media.decode import truncation_warning
from metavis_gui.media.probe import AudioStream, MediaInfo, choose_audio_stream, promised_wav_seconds
from metavis_gui.models.errors import ModelError

# Generous: a word record is about 200 bytes and speech about 3 words a second; the captions and the
# summary add less. The decoded 16 kHz 16-bit WAV takes 32 KB a second, the engine's JSON a little more.
OUTPUT_BYTES_PER_SECOND = 4_000
WORK_BYTES_PER_SECOND = 40_000
_FIXED_BYTES = 1 << 20


class ModelLanguageRefused(ModelError):
    """An English-only model asked to transcribe another language: it would transcribe it as English."""

    def __init__(self, model: str, model_path: Path, language: str) -> None:
        super().__init__(
            model_path,
            f"the model {model} ({model_path}) understands English only, so --language {language} cannot be honoured "
            f"(it would write English words for the {language} speech). Use a multilingual model "
            f"(--model {model.removesuffix('.en')}), or --language en.",
        )
        self.model = model
        self.language = language


class NotEnoughRoom(OSError):
    """A folder without room for what a run will write there; an OSError naming the folder, as ENOSPC would."""

    def __init__(self, folder: Path, what: str, needed_bytes: int, free_bytes: int, fix: str) -> None:
        super().__init__(
            errno.ENOSPC,
            f"not enough room for {what}: about {_megabytes(needed_bytes)} needed, "
            f"{_megabytes(free_bytes)} free. {fix}",
            str(folder),
        )


def check_model_language(model_id: str, model_path: Path, language: str | None) -> None:
    """Refuses another language than English for an English-only (`.en`) model; None (detect) always passes."""
    if language is not None and language not in ("en", "english") and model_id.endswith(".en"):
        raise ModelLanguageRefused(model_id, model_path, language)


def check_room(out_dir: Path, work_root: Path, media_seconds: float) -> None:
    """Raises NotEnoughRoom when --out or the temp folder plainly cannot hold the run's files."""
    _check_folder_room(
        out_dir, "the transcript files", _FIXED_BYTES + int(media_seconds * OUTPUT_BYTES_PER_SECOND),
        "Free some space there or choose another --out folder.",
    )  # fmt: skip
    _check_folder_room(
        work_root, "the decoded audio in the temp folder", _FIXED_BYTES + int(media_seconds * WORK_BYTES_PER_SECOND),
        "Free some space there, or point TMPDIR at a folder with more room.",
    )  # fmt: skip


def _check_folder_room(folder: Path, what: str, needed_bytes: int, fix: str) -> None:
    existing = _nearest_existing(folder.absolute())
    try:
        status = os.statvfs(existing)
    except (OSError, AttributeError):  # no statvfs on Windows: the write itself will say
        return
    free_bytes = status.f_bavail * status.f_frsize
    if free_bytes < needed_bytes:
        raise NotEnoughRoom(folder, what, needed_bytes, free_bytes, fix)


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor)


def _megabytes(count: int) -> str:
    return f"{count / 1e6:.1f} MB"


def chosen_audio_stream(media: MediaInfo, number: int | None, warn: Callable[[JobWarning], None]) -> AudioStream:
    """The stream to transcribe; with several, the run says which, and how to pick another."""
    stream = choose_audio_stream(media, number)
    count = len(media.audio_streams)
    if count > 1:
        others = ", ".join(other.describe() for other in media.audio_streams if other.number != stream.number)
        warn(
            JobWarning(
                kind=JobWarningKind.AUDIO_STREAM,
                message=f"{media.path.name} has {count} audio streams; transcribing {stream.describe()} "
                f"(also: {others}). Pick another with --audio-stream N (0 to {count - 1}).",
            )
        )
    return stream


def warn_if_truncated(
    media: MediaInfo, expected_seconds: float, decoded_seconds: float, warn: Callable[[JobWarning], None]
) -> None:
    message = truncation_warning(media.path, decoded_seconds, expected_seconds)
    if message is not None:
        warn(JobWarning(kind=JobWarningKind.TRUNCATED_MEDIA, message=message))


def promised_media_seconds(media: MediaInfo, stream: AudioStream) -> float:
    """The stream's length as the header promises it (a WAV's data size), else as ffprobe reads it."""
    promised = promised_wav_seconds(media.path) if "wav" in media.format_name.split(",") else None
    return max(stream.duration_seconds or media.duration_seconds, promised or 0.0)
