"""The one decoder: any media to the 16 kHz mono WAV that the engines, the waveform and the aligner read.

ffmpeg runs as a child process through run_child_process, so cancelling the awaiting task kills it. A WAV
that is already 16 kHz mono 16-bit has its samples copied instead: FFmpeg would only start up to copy them.
"""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path

from metavis_gui.jobs.child_process import run_child_process
from metavis_gui.jobs.worker_thread import WorkerContext, run_in_worker_thread
from metavis_gui.media.decode import ENGINE_SAMPLE_RATE, decode_arguments, decode_progress_seconds
from metavis_gui.media.errors import MediaUnreadable
from metavis_gui.media.pcm_wav import PcmWavLayout, read_pcm_wav_layout
from metavis_gui.media.probe import find_media_tool
from metavis_gui.media.wav_parts import write_wav_pieces

_STDERR_TAIL_CHARACTERS = 4000


async def decode_to_wav(
    media_path: Path,
    wav_path: Path,
    *,
    start_seconds: float = 0.0,
    max_seconds: float | None = None,
    audio_stream: int = 0,
    expected_seconds: float = 0.0,
    on_fraction: Callable[[float], None] = lambda fraction: None,
    on_started: Callable[[int], None] | None = None,
) -> None:
    """Decodes audio stream `audio_stream` of media_path (from start_seconds, at most max_seconds) into wav_path.

    Raises MediaUnreadable when FFmpeg cannot.

    on_fraction gets the share of expected_seconds decoded so far (nothing when that is unknown).
    """

    def on_progress_line(line: str) -> None:
        seconds = decode_progress_seconds(line)
        if seconds is not None and expected_seconds > 0:
            on_fraction(min(1.0, seconds / expected_seconds))

    on_fraction(0.0)
    if await _copied_engine_wav(media_path, wav_path, audio_stream, start_seconds, max_seconds):
        on_fraction(1.0)
        return
    result = await run_child_process(
        find_media_tool("ffmpeg"),
        decode_arguments(media_path, wav_path, start_seconds, max_seconds, audio_stream),
        on_stdout_line=on_progress_line,
        on_started=on_started,
    )
    if result.exit_code != 0 or result.crashed or not wav_path.is_file():
        reason = (result.stderr.strip().splitlines() or [f"exit code {result.exit_code}"])[-1]
        raise MediaUnreadable(
            media_path,
            f"{media_path}: FFmpeg could not decode its audio ({reason}).",
            stderr_tail=result.stderr.strip()[-_STDERR_TAIL_CHARACTERS:],
        )
    on_fraction(1.0)


def needs_decoding(media_path: Path, audio_stream: int) -> bool:
    """False where the engine's audio will be a copy of the file's own samples (16 kHz mono 16-bit WAV)."""
    return _engine_audio_layout(media_path, audio_stream) is None


def _engine_audio_layout(media_path: Path, audio_stream: int) -> PcmWavLayout | None:
    """The file's WAV layout when its first audio stream is asked for and already is engine audio."""
    layout = read_pcm_wav_layout(media_path)
    return layout if audio_stream == 0 and layout is not None and layout.is_engine_audio else None


async def _copied_engine_wav(
    media_path: Path, wav_path: Path, audio_stream: int, start_seconds: float, max_seconds: float | None
) -> bool:
    """Copies the asked-for samples when media_path is already engine audio; False (nothing written) otherwise."""
    layout = _engine_audio_layout(media_path, audio_stream)
    if layout is None:
        return False
    first = round(max(0.0, start_seconds) * ENGINE_SAMPLE_RATE)
    count = layout.present_bytes // layout.frame_bytes - first
    if max_seconds is not None:
        count = min(count, round(max_seconds * ENGINE_SAMPLE_RATE))

    def copy(context: WorkerContext[None]) -> bool:
        try:
            write_wav_pieces(media_path, wav_path, [(first, max(0, count))], stopped=context.cancelled)
        except (OSError, EOFError, wave.Error):
            wav_path.unlink(missing_ok=True)
            return False  # the wave module reads it otherwise than the header walk did: FFmpeg will say
        return True

    return await run_in_worker_thread(copy, thread_name="metavis wav copy")
