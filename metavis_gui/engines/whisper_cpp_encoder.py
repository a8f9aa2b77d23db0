"""Where whisper-cli ran its encoder, read from what it printed on stderr.

whisper.cpp v1.8.5 (src/whisper.cpp) prints, when built with WHISPER_COREML, in whisper_init_state:
    whisper_init_state: loading Core ML model from '<model>-encoder.mlmodelc'
then either
    whisper_init_state: Core ML model loaded
or (built with WHISPER_COREML_ALLOW_FALLBACK, as engines/build_whisper_cpp.py does)
    whisper_init_state: failed to load Core ML model from '<model>-encoder.mlmodelc'
and then runs its own encoder on the backend whisper_backend_init_gpu chose:
    whisper_backend_init_gpu: using Metal backend      (or: whisper_backend_init_gpu: no GPU found)
A build without Core ML prints none of the Core ML lines: where it ran is then left unsaid (None), so the
summary of a CPU build stays as it was.
"""

from __future__ import annotations

import re

from metavis_gui.contract.encoder_summary import EncoderDevice, EncoderSummary

_LOADING = re.compile(r"loading Core ML model from '(?P<path>[^']*)'")
_LOADED = re.compile(r"Core ML model loaded")
_FAILED = re.compile(r"failed to load Core ML model from '(?P<path>[^']*)'")
_GPU_BACKEND = re.compile(r"whisper_backend_init_gpu: using (?P<backend>.+?) backend")


def encoder_of_run(stderr: str) -> EncoderSummary | None:
    """Core ML when every Core ML load succeeded; whisper.cpp's own device when one failed; else None."""
    tried = loaded = 0
    failed_path: str | None = None
    backend: str | None = None
    for line in stderr.splitlines():
        if (match := _FAILED.search(line)) is not None:
            failed_path = failed_path or match.group("path")
        elif _LOADING.search(line) is not None:
            tried += 1
        elif _LOADED.search(line) is not None:
            loaded += 1
        elif (match := _GPU_BACKEND.search(line)) is not None:
            backend = match.group("backend").strip()
    if failed_path is not None:
        return EncoderSummary(
            device=EncoderDevice.GPU if backend else EncoderDevice.CPU,
            backend=backend,
            notice=(
                f"whisper.cpp could not load the Core ML encoder {failed_path}. Download it with "
                f"`metavis-transcribe models download {_model_name(failed_path)} --coreml-encoder` "
                "(again, if it is there)."
            ),
        )
    if tried and loaded >= tried:
        return EncoderSummary(device=EncoderDevice.COREML)
    return None


def _model_name(encoder_path: str) -> str:
    """ggml-base.en-encoder.mlmodelc -> base.en, as models/model_store.coreml_encoder_path names it."""
    name = encoder_path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.removeprefix("ggml-").removesuffix("-encoder.mlmodelc") or "NAME"
