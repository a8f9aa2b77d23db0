"""Where the engine ran its audio encoder, as the summary records it (`encoder`, written when the engine said).

A Core ML build of whisper.cpp says on stderr whether it loaded the Core ML encoder beside the model or fell
back to its own; other builds and engines say nothing, and the summary then has no `encoder` at all, so it
stays byte for byte what it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from metavis_gui.contract.word_record import Text


class EncoderDevice(StrEnum):
    COREML = "coreml"  # the Core ML encoder (`ggml-<model>-encoder.mlmodelc`): Neural Engine, GPU or CPU
    GPU = "gpu"  # whisper.cpp's own encoder on its GPU backend (Metal on a Mac)
    CPU = "cpu"  # whisper.cpp's own encoder on the CPU


_DEVICE_LABELS = {
    EncoderDevice.COREML: "Core ML",
    EncoderDevice.GPU: "the GPU",
    EncoderDevice.CPU: "the CPU",
}


class EncoderSummary(BaseModel):
    """Where the encoder ran, and why not on Core ML when Core ML was tried and failed."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    # Not strict: read back from JSON the device is its string value.
    device: EncoderDevice = Field(strict=False)
    backend: Text | None = None  # whisper.cpp's name for its GPU backend, e.g. "Metal"
    notice: Text | None = None

    @property
    def on_coreml(self) -> bool:
        return self.device is EncoderDevice.COREML

    def describe(self) -> str:
        """One sentence for people: "The encoder ran on Core ML." or where else it ran, and why."""
        where = _DEVICE_LABELS[self.device]
        if self.backend and self.device is EncoderDevice.GPU:
            where += f" ({self.backend})"
        if self.on_coreml:
            return f"The encoder ran on {where}."
        return f"The encoder ran on {where}, not Core ML." + (f" {self.notice}" if self.notice else "")


def joined_encoder(parts: Sequence[EncoderSummary | None]) -> EncoderSummary | None:
    """One answer for a run whose audio several engine processes shared: Core ML only if every part ran on it;
    else the first part that said where it ran instead; None when no part said anything."""
    if parts and all(part is not None and part.on_coreml for part in parts):
        return parts[0]
    # Parts that said Core ML beside parts that said nothing cannot be told to have all run on it: None.
    return next((part for part in parts if part is not None and not part.on_coreml), None)
