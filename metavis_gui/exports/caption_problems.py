"""Which captions break which rule, for the checks panel: what the builder could not satisfy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from metavis_gui.exports.caption_building import Caption, FrameLimits
from metavis_gui.exports.caption_rules import CaptionRules


class CaptionProblemKind(str, Enum):
    LINE_TOO_LONG = "line-too-long"
    TOO_MANY_LINES = "too-many-lines"
    TOO_FAST = "too-fast"
    TOO_SHORT = "too-short"
    TOO_LONG = "too-long"
    GAP_TOO_SHORT = "gap-too-short"


@dataclass(frozen=True, slots=True)
class CaptionProblem:
    kind: CaptionProblemKind
    caption_index: int
    message: str
    tick: int  # where to jump to: the caption's start
    first_word: int  # the caption's first word (an index into the exported words)


def find_caption_problems(
    captions: Sequence[Caption], rules: CaptionRules, frame_rate: Fraction
) -> list[CaptionProblem]:
    """Every broken rule of every caption, in caption order (then in the order of `CaptionProblemKind`)."""
    limits = FrameLimits.of(rules, frame_rate)
    problems: list[CaptionProblem] = []
    for index, caption in enumerate(captions):
        following = captions[index + 1] if index + 1 < len(captions) else None
        for kind, message in _broken_rules(caption, following, rules, limits):
            label = f"Caption {index + 1} ({caption.text[:30]!r})"
            problems.append(CaptionProblem(kind, index, f"{label} {message}", caption.start_ticks, caption.first_word))
    return problems


def _broken_rules(
    caption: Caption, following: Caption | None, rules: CaptionRules, limits: FrameLimits
) -> list[tuple[CaptionProblemKind, str]]:
    broken: list[tuple[CaptionProblemKind, str]] = []
    longest = max((len(line) for line in caption.lines), default=0)
    if longest > rules.max_chars_per_line:
        broken.append(
            (
                CaptionProblemKind.LINE_TOO_LONG,
                f"has a line of {longest} characters (at most {rules.max_chars_per_line})",
            )
        )
    if len(caption.lines) > rules.max_lines:
        broken.append(
            (CaptionProblemKind.TOO_MANY_LINES, f"has {len(caption.lines)} lines (at most {rules.max_lines})")
        )
    characters = len(caption.text)
    if caption.duration_frames < limits.reading_frames(characters, rules):
        seconds = Fraction(caption.duration_frames) / limits.frame_rate
        speed = float(characters / seconds)
        broken.append(
            (
                CaptionProblemKind.TOO_FAST,
                f"reads at {speed:.1f} characters a second (at most {rules.max_chars_per_second:g})",
            )
        )
    if caption.duration_frames < limits.min_frames:
        broken.append(
            (CaptionProblemKind.TOO_SHORT, f"lasts {caption.duration_frames} frames (at least {limits.min_frames})")
        )
    if caption.duration_frames > limits.max_frames:
        broken.append(
            (CaptionProblemKind.TOO_LONG, f"lasts {caption.duration_frames} frames (at most {limits.max_frames})")
        )
    if following is not None and following.start_frame - caption.end_frame < rules.min_gap_frames:
        gap = following.start_frame - caption.end_frame
        broken.append(
            (CaptionProblemKind.GAP_TOO_SHORT, f"is {gap} frames before the next (at least {rules.min_gap_frames})")
        )
    return broken
