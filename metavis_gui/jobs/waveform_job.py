"""The timeline's audio, in the background: decode once through the job runner, then peaks and the speech envelope.

`MediaAudio` belongs to one timeline window. Peaks come from the on-disk cache
when the media has not changed (no decode at all); otherwise the media is
decoded to a 16 kHz WAV in a private temp folder (ffmpeg through
`run_child_process`, cancellable) and the peaks are computed through
`run_in_worker_thread`, reading the WAV block by block. The decoded WAV is
kept until `close()`, because snapping to the audio needs the samples; when
the peaks came from the cache it is decoded only when a snap first asks for it.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from metavis_gui.jobs.audio_decoding import decode_to_wav
from metavis_gui.jobs.worker_thread import WorkerContext, run_in_worker_thread
from metavis_gui.media.decode import ENGINE_SAMPLE_RATE
from metavis_gui.media.wav_samples import WavSamples
from metavis_gui.media.waveform_peaks import (
    WaveformPeaks,
    compute_peaks_from_wav,
    load_peaks,
    peaks_cache_path,
    save_peaks,
)
from metavis_gui.timeline.speech_envelope import SpeechEnvelope, compute_speech_envelope


class AudioStage(str, Enum):
    DECODING = "Decoding audio"
    MEASURING = "Drawing the waveform"
    ANALYSING = "Finding speech"


AudioProgress = Callable[[AudioStage, float], None]


class MediaAudio:
    def __init__(self, media_path: Path, duration_seconds: float | None, cache_dir: Path | None = None) -> None:
        self.media_path = Path(media_path)
        self._duration_seconds = duration_seconds
        self._cache_dir = cache_dir
        self._work_dir: Path | None = None
        self._wav_path: Path | None = None
        self._decoding: asyncio.Task[Path] | None = None
        self._envelope: SpeechEnvelope | None = None
        self.peaks_came_from_cache = False

    async def peaks(self, on_progress: AudioProgress) -> WaveformPeaks:
        cache_path = peaks_cache_path(self.media_path, self._cache_dir)
        cached = load_peaks(cache_path)
        if cached is not None:
            self.peaks_came_from_cache = True
            return cached
        wav_path = await self.decoded_wav(on_progress)

        def measure(context: WorkerContext[float]) -> WaveformPeaks:
            return compute_peaks_from_wav(wav_path, context.report_progress)

        peaks = await run_in_worker_thread(
            measure, on_progress=lambda fraction: on_progress(AudioStage.MEASURING, fraction), thread_name="peaks"
        )
        await run_in_worker_thread(lambda context: save_peaks(cache_path, peaks), thread_name="peaks cache")
        return peaks

    async def speech_envelope(self, on_progress: AudioProgress) -> SpeechEnvelope:
        if self._envelope is None:
            wav_path = await self.decoded_wav(on_progress)
            on_progress(AudioStage.ANALYSING, 0.0)
            self._envelope = await run_in_worker_thread(
                lambda context: _envelope_of_wav(wav_path), thread_name="speech envelope"
            )
            on_progress(AudioStage.ANALYSING, 1.0)
        return self._envelope

    async def decoded_wav(self, on_progress: AudioProgress) -> Path:
        """The 16 kHz mono WAV, decoded once; concurrent callers share the one decode."""
        if self._wav_path is not None:
            return self._wav_path
        if self._decoding is None:
            self._decoding = asyncio.ensure_future(self._decode(on_progress))
        self._wav_path = await asyncio.shield(self._decoding)
        return self._wav_path

    async def _decode(self, on_progress: AudioProgress) -> Path:
        self._work_dir = Path(tempfile.mkdtemp(prefix="metavis-timeline-"))
        wav_path = self._work_dir / "audio-16k-mono.wav"
        await decode_to_wav(
            self.media_path,
            wav_path,
            expected_seconds=self._duration_seconds or 0.0,
            on_fraction=lambda fraction: on_progress(AudioStage.DECODING, fraction),
        )
        return wav_path

    def close(self) -> None:
        if self._decoding is not None and not self._decoding.done():
            self._decoding.cancel()  # kills ffmpeg
        if self._work_dir is not None:
            shutil.rmtree(self._work_dir, ignore_errors=True)
        self._wav_path = None


def _envelope_of_wav(wav_path: Path) -> SpeechEnvelope:
    with WavSamples(wav_path) as samples:
        return compute_speech_envelope(samples, ENGINE_SAMPLE_RATE)
