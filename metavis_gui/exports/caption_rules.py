"""The rules a caption follows, and the presets an editor picks them from (one table)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator


class CaptionRules(BaseModel):
    """House rules for captions; the window keeps the last ones used, as JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_chars_per_line: int = Field(default=42, ge=8, le=200)
    max_lines: int = Field(default=2, ge=1, le=4)
    max_chars_per_second: float = Field(default=17.0, gt=0, le=100)
    min_duration_ms: int = Field(default=833, ge=0, le=60_000)
    max_duration_ms: int = Field(default=7000, ge=100, le=60_000)
    min_gap_frames: int = Field(default=2, ge=0, le=100)
    break_at_sentence_end: bool = True
    # A pause longer than this between two words starts a new caption.
    pause_break_ms: int = Field(default=1000, ge=0, le=60_000)

    @model_validator(mode="after")
    def _durations_in_order(self) -> CaptionRules:
        if self.min_duration_ms > self.max_duration_ms:
            raise ValueError(
                f"the minimum duration ({self.min_duration_ms} ms) is longer than the maximum "
                f"({self.max_duration_ms} ms): lower the minimum or raise the maximum"
            )
        return self


@dataclass(frozen=True, slots=True)
class CaptionPreset:
    id: str
    label: str
    rules: CaptionRules


CAPTION_PRESETS: tuple[CaptionPreset, ...] = (
    CaptionPreset("broadcast", "Broadcast (Netflix-like): 42 × 2, 17 CPS", CaptionRules()),
    CaptionPreset(
        "web",
        "Web player: 32 × 2, 20 CPS",
        CaptionRules(max_chars_per_line=32, max_chars_per_second=20, min_duration_ms=700, max_duration_ms=6000),
    ),
    CaptionPreset(
        "vertical",
        "Vertical video: 1 line of 24, 20 CPS",
        CaptionRules(
            max_chars_per_line=24,
            max_lines=1,
            max_chars_per_second=20,
            min_duration_ms=500,
            max_duration_ms=3000,
            pause_break_ms=600,
        ),
    ),
)
DEFAULT_CAPTION_PRESET = CAPTION_PRESETS[0]
_PRESETS_BY_ID = {preset.id: preset for preset in CAPTION_PRESETS}


def find_caption_preset(preset_id: str) -> CaptionPreset:
    preset = _PRESETS_BY_ID.get(preset_id.strip().lower())
    if preset is None:
        known = ", ".join(_PRESETS_BY_ID)
        raise ValueError(f"unknown caption preset {preset_id!r}: choose one of {known}")
    return preset
