"""Captions from words by an editor's rules, on the clip's frame grid.

Words are taken unit by unit (see caption_units): a caption ends before a hard break (sentence end, long
pause, new speaker) or before the unit that would make it overflow its lines or its longest duration.
Its lines are then balanced, and its times set in whole frames: from its first word's start, to its last
word's end or later, held long enough for the shortest duration and the reading speed, but never past
the next caption's start less the minimum gap. What still breaks a rule is for `caption_problems` to say.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.exports.caption_rules import CaptionRules
from metavis_gui.exports.caption_units import CaptionUnit, caption_units, split_unit
from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.exports.export_words import ExportWord


@dataclass(frozen=True, slots=True)
class Caption:
    start_frame: int  # frames from the media's start
    end_frame: int
    start_ticks: int  # the frames' times
    end_ticks: int
    lines: tuple[str, ...]
    first_word: int  # indices into the exported words
    last_word: int
    speaker_label: str | None = None

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def duration_frames(self) -> int:
        return self.end_frame - self.start_frame


@dataclass(frozen=True, slots=True)
class FrameLimits:
    """The rules' durations in whole frames at the clip's rate."""

    min_frames: int
    max_frames: int
    frame_rate: Fraction

    @classmethod
    def of(cls, rules: CaptionRules, frame_rate: Fraction) -> FrameLimits:
        min_frames = math.ceil(Fraction(rules.min_duration_ms) * frame_rate / 1000)
        max_frames = max(1, math.floor(Fraction(rules.max_duration_ms) * frame_rate / 1000))
        return cls(min_frames, max_frames, frame_rate)

    def reading_frames(self, characters: int, rules: CaptionRules) -> int:
        """Frames a caption of `characters` needs to stay under the rules' characters per second."""
        return math.ceil(Fraction(characters) * self.frame_rate / Fraction(rules.max_chars_per_second))


def build_captions(words: Sequence[ExportWord], rules: CaptionRules, clip: ClipInfo) -> list[Caption]:
    limits = FrameLimits.of(rules, clip.frame_rate)
    pause_ticks = rules.pause_break_ms * TICKS_PER_SECOND // 1000
    starts = [clip.frame_of_ticks(word.start_ticks) for word in words]
    ends = [clip.frame_of_ticks(word.end_ticks) for word in words]
    groups: list[list[CaptionUnit]] = []
    current: _OpenCaption | None = None
    for unit in caption_units(words, rules.break_at_sentence_end, pause_ticks):
        pieces = [unit]
        if unit.first != unit.last and not _OpenCaption.of(unit, words, starts, ends).within(rules, limits):
            pieces = split_unit(unit)
        for piece in pieces:
            if (
                current is not None
                and not piece.starts_sentence_or_pause
                and current.takes(piece, words, ends, rules, limits)
            ):
                groups[-1].append(piece)
            else:
                current = _OpenCaption.of(piece, words, starts, ends)
                groups.append([piece])
    return _timed(words, groups, rules, limits, clip, starts, ends)


class _OpenCaption:
    """The caption being filled: its greedy lines' lengths and its span in frames, grown a unit at a time."""

    __slots__ = ("end", "line_lengths", "start")

    def __init__(self, line_lengths: list[int], start: int, end: int) -> None:
        self.line_lengths, self.start, self.end = line_lengths, start, end

    @classmethod
    def of(
        cls, unit: CaptionUnit, words: Sequence[ExportWord], starts: Sequence[int], ends: Sequence[int]
    ) -> _OpenCaption:
        return cls([_unit_length(words, unit)], starts[unit.first], max(ends[unit.first : unit.last + 1]))

    def within(self, rules: CaptionRules, limits: FrameLimits) -> bool:
        return (
            len(self.line_lengths) <= rules.max_lines
            and max(self.line_lengths) <= rules.max_chars_per_line
            and self.end - self.start <= limits.max_frames
        )

    def takes(
        self,
        unit: CaptionUnit,
        words: Sequence[ExportWord],
        ends: Sequence[int],
        rules: CaptionRules,
        limits: FrameLimits,
    ) -> bool:
        """Add `unit` if the caption still keeps the line and duration rules with it (a greedy wrap grows by its end)."""
        if not self.within(rules, limits):
            return False
        length = _unit_length(words, unit)
        end = max(self.end, *ends[unit.first : unit.last + 1])
        if end - self.start > limits.max_frames or length > rules.max_chars_per_line:
            return False
        if self.line_lengths[-1] + 1 + length <= rules.max_chars_per_line:
            self.line_lengths[-1] += 1 + length
        elif len(self.line_lengths) < rules.max_lines:
            self.line_lengths.append(length)
        else:
            return False
        self.end = end
        return True


def _unit_length(words: Sequence[ExportWord], unit: CaptionUnit) -> int:
    return sum(len(words[index].text) for index in range(unit.first, unit.last + 1)) + unit.last - unit.first


def wrap_lines(texts: Sequence[str], max_chars: int) -> list[str]:
    """Texts (one per unit) in as few lines of at most `max_chars` as a greedy fill gives (a longer text alone)."""
    lines: list[str] = []
    for text in texts:
        if lines and len(lines[-1]) + 1 + len(text) <= max_chars:
            lines[-1] = f"{lines[-1]} {text}"
        else:
            lines.append(text)
    return lines


def balanced_lines(texts: Sequence[str], rules: CaptionRules) -> tuple[str, ...]:
    """Greedy lines; two lines are rebalanced so the longer is as short as it can be (the top one on a tie)."""
    lines = wrap_lines(texts, rules.max_chars_per_line)
    if len(lines) != 2:
        return tuple(lines)
    best = lines
    for split in range(1, len(texts)):
        top, bottom = " ".join(texts[:split]), " ".join(texts[split:])
        if max(len(top), len(bottom)) < max(len(best[0]), len(best[1])) or (
            max(len(top), len(bottom)) == max(len(best[0]), len(best[1])) and len(top) > len(best[0])
        ):
            best = [top, bottom]
    return tuple(best)


def _unit_text(words: Sequence[ExportWord], unit: CaptionUnit) -> str:
    return " ".join(words[index].text for index in range(unit.first, unit.last + 1))


def _timed(
    words: Sequence[ExportWord],
    groups: Sequence[Sequence[CaptionUnit]],
    rules: CaptionRules,
    limits: FrameLimits,
    clip: ClipInfo,
    starts: Sequence[int],
    ends: Sequence[int],
) -> list[Caption]:
    last_frame = clip.duration_frames if clip.duration_ticks > 0 else None
    captions: list[Caption] = []
    for number, group in enumerate(groups):
        first, last = group[0].first, group[-1].last
        lines = balanced_lines([_unit_text(words, unit) for unit in group], rules)
        start = starts[first]
        spoken_end = max(max(ends[first : last + 1]), start + 1)
        wanted = start + max(limits.min_frames, limits.reading_frames(len(" ".join(lines)), rules))
        end = max(spoken_end, min(wanted, start + limits.max_frames))
        if number + 1 < len(groups):
            end = min(end, starts[groups[number + 1][0].first] - rules.min_gap_frames)
        if last_frame is not None and last_frame > start:
            end = min(end, max(last_frame, spoken_end))
        end = max(end, start + 1)
        captions.append(
            Caption(
                start_frame=start,
                end_frame=end,
                start_ticks=clip.ticks_of_frame(start),
                end_ticks=clip.ticks_of_frame(end),
                lines=lines,
                first_word=first,
                last_word=last,
                speaker_label=words[first].speaker_label,
            )
        )
    return captions
