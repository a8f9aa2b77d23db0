"""How long each engine may print nothing before the job runner takes it for hung and stops it.

whisper-cli prints progress every few percent and each segment as it is decoded (but nothing while Core ML
compiles an encoder on its first run, so that case gets longer). openai-whisper and
faster-whisper print nothing while they load the model and while they decode a 30 s window, which on a slow
CPU takes minutes for a large model (openai-whisper decodes with a beam of 5 and may retry a window at
higher temperatures), so their limit is longer and grows with the model.
"""

from __future__ import annotations

WHISPER_CPP_STALL_TIMEOUT_SECONDS = 600.0
# With a Core ML encoder, whisper-cli's first run on a Mac compiles it for the Neural Engine and prints
# nothing meanwhile: minutes for large models on a slow Mac. Later runs load the compiled copy quickly.
WHISPER_CPP_COREML_STALL_TIMEOUT_SECONDS = 1800.0
PYTHON_ENGINE_STALL_TIMEOUT_SECONDS = 1200.0  # for tiny and base; larger models get a multiple

# Roughly how much slower than tiny a model decodes one window on the CPU. large-v3-turbo has large-v3's
# encoder but a 4-layer decoder.
_SLOWDOWN_BY_NAME = {
    "tiny": 1, "tiny.en": 1, "base": 1, "base.en": 1, "small": 2, "small.en": 2,
    "medium": 4, "medium.en": 4, "large-v1": 6, "large-v2": 6, "large-v3": 6, "large-v3-turbo": 4,
}  # fmt: skip
# For a model known only by its weights (a custom name): (largest weight file in bytes, slowdown).
_SLOWDOWN_BY_WEIGHT_BYTES = (
    (200_000_000, 1),  # tiny 75 MB, base 145 MB
    (600_000_000, 2),  # small 484 MB
    (1_700_000_000, 4),  # medium 1.5 GB, large-v3-turbo 1.6 GB
)
_LARGEST_SLOWDOWN = 6


def python_engine_stall_timeout(model_name: str | None, weight_bytes: int | None) -> float:
    """The limit for openai-whisper or faster-whisper, from the model's name, else the size of its weights."""
    if model_name in _SLOWDOWN_BY_NAME:
        slowdown = _SLOWDOWN_BY_NAME[model_name]
    elif weight_bytes is None:
        slowdown = _LARGEST_SLOWDOWN  # nothing known: never kill a big model that is only slow
    else:
        fitting = (factor for limit, factor in _SLOWDOWN_BY_WEIGHT_BYTES if weight_bytes <= limit)
        slowdown = next(fitting, _LARGEST_SLOWDOWN)
    return PYTHON_ENGINE_STALL_TIMEOUT_SECONDS * slowdown
