"""Whether a run skips non-speech with Silero VAD, and the model file whisper.cpp needs for it."""

from __future__ import annotations

from pathlib import Path

from metavis_gui.engines.engine_table import engine_spec
from metavis_gui.jobs.transcription_request import TranscriptionRequest, VadMode
from metavis_gui.models.silero_vad_ggml import VadModelUnavailable, ensure_vad_model

# Below a minute VAD saves little (bench/README.md) and a short clip is usually all speech.
AUTO_VAD_MIN_SECONDS = 60.0


def vad_model_for_run(request: TranscriptionRequest, audio_seconds: float) -> Path | None:
    """The VAD model when this run skips silence, else None. Only `--vad on` fails without the model."""
    if request.vad is VadMode.OFF or not engine_spec(request.engine).skips_silence:
        return None
    if request.vad is VadMode.AUTO and audio_seconds < AUTO_VAD_MIN_SECONDS:
        return None
    try:
        return ensure_vad_model()
    except VadModelUnavailable:
        if request.vad is VadMode.ON:
            raise
        return None
