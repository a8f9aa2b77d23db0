"""What the checks panel lists: words whose timing or confidence deserves a look."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from metavis_gui.contract import TICKS_PER_SECOND, WordTimingSource
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord, WordKey

DEFAULT_LONG_GAP_TICKS = 90_000  # 1.5 s
DEFAULT_LOW_CONFIDENCE = 0.5


class ProblemKind(str, Enum):
    ZERO_LENGTH = "zero-length"
    OVERLAP = "overlap"
    OUTSIDE_MEDIA = "outside-media"
    LONG_GAP = "long-gap"
    LOW_CONFIDENCE = "low-confidence"
    ENGINE_TIMED = "engine-timed"
    CAPTION = "caption"  # a caption rule its words could not keep (exports/caption_checks.py)


@dataclass(frozen=True, slots=True)
class TimingProblem:
    kind: ProblemKind
    word_key: WordKey
    message: str
    tick: int  # where to jump to: the word's start


def find_timing_problems(
    transcript: EditableTranscript,
    long_gap_ticks: int = DEFAULT_LONG_GAP_TICKS,
    low_confidence: float = DEFAULT_LOW_CONFIDENCE,
) -> list[TimingProblem]:
    """Every problem, sorted by time (then by kind, in the order of `ProblemKind`).

    A long gap counts only between consecutive words of the same (non-null)
    segment: a pause between sentences is normal. An overlap is reported on the
    later word, against the word that reaches furthest into it.
    """
    problems: list[TimingProblem] = []
    # Once the audio timed some words, the ones it could not time are worth a look; before, none were aligned.
    was_aligned = any(word.timing_source is WordTimingSource.ALIGNED for word in transcript)
    furthest_end_key: WordKey | None = None
    furthest_end = -1
    previous = None
    for word in transcript:
        label = f"{word.text!r} at {format_ticks(word.start_ticks)}"
        if word.start_ticks == word.end_ticks:
            problems.append(_problem(ProblemKind.ZERO_LENGTH, word, f"{label} has zero length"))
        if furthest_end_key is not None and furthest_end > word.start_ticks:
            other = transcript.word(furthest_end_key).text
            message = f"{label} overlaps {other!r} by {_milliseconds(furthest_end - word.start_ticks)}"
            problems.append(_problem(ProblemKind.OVERLAP, word, message))
        if word.end_ticks > transcript.duration_ticks:
            media_end = format_ticks(transcript.duration_ticks)
            message = f"{label} ends at {format_ticks(word.end_ticks)}, after the media ends ({media_end})"
            problems.append(_problem(ProblemKind.OUTSIDE_MEDIA, word, message))
        if previous is not None and previous.segment_id is not None and previous.segment_id == word.segment_id:
            gap = word.start_ticks - previous.end_ticks
            if gap >= long_gap_ticks:
                message = f"{label} follows a {_milliseconds(gap)} gap inside its sentence"
                problems.append(_problem(ProblemKind.LONG_GAP, word, message))
        if word.confidence < low_confidence:
            message = f"{label} has low confidence ({word.confidence:.2f})"
            problems.append(_problem(ProblemKind.LOW_CONFIDENCE, word, message))
        if was_aligned and word.timing_source is WordTimingSource.ENGINE:
            message = f"{label} is not timed from the audio: the aligner could not place it"
            problems.append(_problem(ProblemKind.ENGINE_TIMED, word, message))
        if word.end_ticks > furthest_end:
            furthest_end, furthest_end_key = word.end_ticks, word.key
        previous = word
    kind_order = {kind: position for position, kind in enumerate(ProblemKind)}
    return sorted(problems, key=lambda problem: (problem.tick, kind_order[problem.kind]))


def next_problem_after(problems: Sequence[TimingProblem], tick: int, wrap: bool = True) -> TimingProblem | None:
    """The first problem starting after `tick` (the "next problem" key); from the top again if `wrap`."""
    index = bisect_right([problem.tick for problem in problems], tick)
    if index < len(problems):
        return problems[index]
    return problems[0] if wrap and problems else None


def format_ticks(ticks: int) -> str:
    """H:MM:SS.mmm, the way the time ruler shows it."""
    milliseconds = round(ticks * 1000 / TICKS_PER_SECOND)
    seconds, milliseconds = divmod(milliseconds, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{milliseconds:03d}"


def _milliseconds(ticks: int) -> str:
    return f"{round(ticks * 1000 / TICKS_PER_SECOND)} ms"


def _problem(kind: ProblemKind, word: EditableWord, message: str) -> TimingProblem:
    return TimingProblem(kind, word.key, message, word.start_ticks)
