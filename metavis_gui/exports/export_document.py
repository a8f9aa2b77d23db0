"""What every writer reads: the words, the clip, the caption rules, and the captions built from them once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from metavis_gui.exports.caption_building import Caption, build_captions
from metavis_gui.exports.caption_rules import DEFAULT_CAPTION_PRESET, CaptionRules
from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.exports.export_words import ExportWord


class FcpxmlContent(str, Enum):
    """What a Final Cut Pro XML export puts on the clip: one marker per caption, or the captions themselves."""

    MARKERS = "markers"
    CAPTIONS = "captions"


@dataclass(frozen=True)
class ExportDocument:
    words: Sequence[ExportWord]
    clip: ClipInfo
    rules: CaptionRules = field(default_factory=lambda: DEFAULT_CAPTION_PRESET.rules)
    fcpxml_content: FcpxmlContent = FcpxmlContent.MARKERS

    @cached_property
    def captions(self) -> list[Caption]:
        return build_captions(self.words, self.rules, self.clip)


@dataclass(frozen=True, slots=True)
class TimedText:
    """One entry read back from an exported file, in ticks from the media's start: for round-trip checks."""

    start_ticks: int
    end_ticks: int
    text: str
