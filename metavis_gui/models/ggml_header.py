"""The head of a whisper.cpp ggml model file, shared by the writer (numpy) and the quick check every run makes
before its engine starts (which must not load numpy)."""

from __future__ import annotations

from dataclasses import dataclass

GGML_MAGIC = 0x67676D6C
# ftype 1: the big matrices are float16. An all-float32 file aborts whisper.cpp at inference.
MOSTLY_F16 = 1


@dataclass(frozen=True)
class WhisperHparams:
    n_vocab: int
    n_audio_ctx: int
    n_audio_state: int
    n_audio_head: int
    n_audio_layer: int
    n_text_ctx: int
    n_text_state: int
    n_text_head: int
    n_text_layer: int
    n_mels: int
    ftype: int = MOSTLY_F16
