"""Whether a run leaves long non-speech out of what its engine hears, and where the speech is.

Silero VAD runs here, in the job's process (ONNX Runtime, about 0.002 s of one core per second of audio),
in stretches on worker threads, one a core: the window stays responsive and a cancel is heard between
stretches.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from metavis_gui.engines.engine_table import engine_spec
from metavis_gui.jobs.transcription_request import TranscriptionRequest, VadMode, usable_cpu_count

if TYPE_CHECKING:
    from metavis_gui.media.sample_span import SampleSpan

# Below a minute VAD saves little (bench/README.md) and a short clip is usually all speech.
AUTO_VAD_MIN_SECONDS = 60.0


def skips_non_speech(request: TranscriptionRequest, audio_seconds: float) -> bool:
    if request.vad is VadMode.OFF or not engine_spec(request.engine).skips_silence:
        return False
    return request.vad is VadMode.ON or audio_seconds >= AUTO_VAD_MIN_SECONDS


async def kept_speech(audio_path: Path, scratch_dir: Path, strict: bool) -> list[SampleSpan] | None:
    """The spans the engine should hear (empty: no speech at all); None when speech detection is not
    installed and not `strict` (the whole audio is heard)."""
    # Here, not at the top: numpy and ONNX Runtime load only for media long enough to skip non-speech in.
    from metavis_gui.media.speech_spans import (
        SpeechDetectionUnavailable,
        kept_spans,
        load_speech_detection,
        speech_in_stretch,
        stretches,
    )
    from metavis_gui.media.wav_samples import WavSamples

    cores = usable_cpu_count()
    with WavSamples(audio_path) as samples:
        total = len(samples)
        pending = list(stretches(total, at_least=cores))
        speech: list[SampleSpan] = []
        try:
            model_path = load_speech_detection(audio_path, scratch_dir)
            while pending:
                batch, pending = pending[:cores], pending[cores:]
                # WavSamples reads with pread: its threads may share it (and they share one ONNX session).
                found = await asyncio.gather(
                    *(asyncio.to_thread(speech_in_stretch, model_path, samples, part) for part in batch)
                )
                speech += [span for spans in found for span in spans]
        except SpeechDetectionUnavailable:
            if strict:
                raise
            return None
    return kept_spans(speech, total)
