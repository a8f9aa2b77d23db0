"""Aligned word edges pulled to where the speech energy says a pause begins or ends.

pocketsphinx's systematic error is at pauses: the word before a pause runs 100-400 ms into the
silence (or breath), the word after it starts up to 350 ms early. At each boundary between two words
the timeline's speech envelope is computed over just that stretch of audio, so its noise floor is the
pause's own level; an aligned edge that lies inside one of its pauses moves to the pause's edge.

Guards, so a stop closure or a soft ending is not taken for a pause: the pause must be long, longer
still next to a stop consonant (its closure is silent); quiet means far below the neighbouring speech
as well as above the floor; an edge moves by a bounded amount and a word never shrinks below a floor.
A word starting with a stop keeps its closure: its start stops short of the burst.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from metavis_gui.align.local_pauses import LocalPauses
from metavis_gui.contract.ticks import TICKS_PER_SECOND

# The measured tails (400 ms into a pause, 350 ms early after one), with room to spare.
MAX_END_PULL_TICKS = TICKS_PER_SECOND * 450 // 1000
MAX_START_PUSH_TICKS = TICKS_PER_SECOND * 400 // 1000
_WINDOW_PADDING_TICKS = TICKS_PER_SECOND * 100 // 1000
MIN_PAUSE_TICKS = TICKS_PER_SECOND * 100 // 1000
MIN_PAUSE_NEXT_TO_STOP_TICKS = TICKS_PER_SECOND * 150 // 1000
STOP_CLOSURE_TICKS = TICKS_PER_SECOND * 40 // 1000
MIN_KEPT_TICKS = TICKS_PER_SECOND * 50 // 1000
MIN_KEPT_FRACTION = 0.4
STOP_PHONES = frozenset({"P", "T", "K", "B", "D", "G", "CH", "JH"})


@dataclass(frozen=True)
class TimedPhones:
    """A word's times and the phones at its edges; `movable` is False for words not timed by the aligner."""

    start_ticks: int
    end_ticks: int
    first_phone: str = ""
    last_phone: str = ""
    movable: bool = True


def pull_edges_to_pauses(pauses: LocalPauses, words: Sequence[TimedPhones]) -> list[tuple[int, int]]:
    """(start, end) ticks of every word after the pause edges moved; words only ever shrink, and a word
    that both edges would shrink below its floor keeps its aligned times."""
    starts = [word.start_ticks for word in words]
    ends = [word.end_ticks for word in words]
    for boundary in range(len(words) + 1):
        before = words[boundary - 1] if boundary > 0 and words[boundary - 1].movable else None
        after = words[boundary] if boundary < len(words) and words[boundary].movable else None
        if before is None and after is None:
            continue
        context_before = words[boundary - 1] if boundary > 0 else None
        context_after = words[boundary] if boundary < len(words) else None
        for pause_start, pause_end in _pauses_at(pauses, context_before, context_after):
            if before is not None and pause_start < before.end_ticks <= pause_end:
                ends[boundary - 1] = _pulled_end(before, pause_start)
            if after is not None and pause_start <= after.start_ticks < pause_end:
                starts[boundary] = _pushed_start(after, pause_end)
    return [
        (start, end) if end - start >= _kept_ticks(word) else (word.start_ticks, word.end_ticks)
        for word, start, end in zip(words, starts, ends)
    ]


def _pauses_at(pauses: LocalPauses, before: TimedPhones | None, after: TimedPhones | None) -> list[tuple[int, int]]:
    """The pauses in the stretch of audio where the edges between `before` and `after` may move."""
    if before is not None:
        end = before.end_ticks
        start = after.start_ticks if after is not None else end
    elif after is not None:
        end = start = after.start_ticks
    else:
        return []
    low = end - MAX_END_PULL_TICKS - _WINDOW_PADDING_TICKS
    high = start + MAX_START_PUSH_TICKS + _WINDOW_PADDING_TICKS
    if before:
        low = max(low, before.start_ticks)
    if after:
        high = min(high, after.end_ticks)
    next_to_stop = (before is not None and before.last_phone in STOP_PHONES) or (
        after is not None and after.first_phone in STOP_PHONES
    )
    shortest = MIN_PAUSE_NEXT_TO_STOP_TICKS if next_to_stop else MIN_PAUSE_TICKS
    return pauses.between(max(0, low), high, shortest)


def _pulled_end(word: TimedPhones, pause_start: int) -> int:
    earliest = max(word.end_ticks - MAX_END_PULL_TICKS, word.start_ticks + _kept_ticks(word))
    return min(word.end_ticks, max(pause_start, earliest))


def _pushed_start(word: TimedPhones, pause_end: int) -> int:
    if word.first_phone in STOP_PHONES:
        pause_end -= STOP_CLOSURE_TICKS
    latest = min(word.start_ticks + MAX_START_PUSH_TICKS, word.end_ticks - _kept_ticks(word))
    return max(word.start_ticks, min(pause_end, latest))


def _kept_ticks(word: TimedPhones) -> int:
    """The least of a word that pulling its edges leaves: a share of its aligned length, never under 50 ms."""
    return min(
        word.end_ticks - word.start_ticks,
        max(MIN_KEPT_TICKS, round((word.end_ticks - word.start_ticks) * MIN_KEPT_FRACTION)),
    )
