"""The snaps `refine_all` leaves undone because the audio cannot tell that they are right.

Snapping a boundary to its nearest pause is right while the engine's error is smaller than the
window. When it is larger, the nearest pause is another word's, and the snap looks like any other.
Two signs give such a snap away:

- It carries a word's edge out of a run of speech that no word reaches afterwards. Engines give
  every stretch of speech a word, so the run was that word's: neither that edge nor, if it moves
  over speech, the word's other edge is judged.
- It goes against the engine's lean. An engine's times err one way (whisper.cpp's DTW times come
  100-300 ms late), and the transcript shows which: most boundaries that move over much speech move
  that way. A boundary later than the window past its own pause has the next pause nearer, and moves
  forward over the next word's speech into it. So a move over speech against the lean is undone when
  it takes that speech from a word whose other edge is not pinned at a pause (there already, or moved
  there by a snap that stands): nothing then says where that word is.

On known-boundary speech with whisper.cpp's times (bench/word_timing_accuracy.py) these rules undo
every snap of the DTW modes that made an edge worse by more than 20 ms, and keep those modes' pooled
medians within half a millisecond. On eight more such sets (other rates, pauses and noise) they take those
edges from 22 to 13 in the app's DTW mode; most that remain are the envelope's (a pause it finds inside
a word, at a stop) or follow a word the engine dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from metavis_gui.timeline.speech_envelope import SpeechEnvelope

# Moves over less speech are the engine's and the envelope's jitter around a pause, in either direction:
# counting them (from 0 ms up) hid the lean of whisper.cpp's DTW times on the bench's clean set.
LEAN_TOLERANCE_TICKS = 3_000  # 50 ms
# On the eleven known-boundary sets whisper.cpp's DTW times move 2.1-9.7 times as many boundaries back
# as forward, its token times (off by up to a word either way) mostly under twice either way. A bar of 1.5
# gave token times a lean that undid their right snaps (20 ms of end median); 3 missed a DTW set's lean.
_LEAN_MAJORITY = 2
_BEFORE_ALL = np.iinfo(np.int64).min
_AFTER_ALL = np.iinfo(np.int64).max


def engine_lean(
    original: Sequence[tuple[int, int]], proposed: Sequence[Sequence[int]], envelope: SpeechEnvelope
) -> int:
    """-1 if the boundaries that move over speech mostly move back (the engine is late), 1 if forward, else 0."""
    old = np.asarray(original, np.int64).reshape(-1)
    new = np.asarray(proposed, np.int64).reshape(-1)
    over_speech = np.abs(_speech_before(new, envelope) - _speech_before(old, envelope)) > LEAN_TOLERANCE_TICKS
    forward = int(np.count_nonzero(over_speech & (new > old)))
    back = int(np.count_nonzero(over_speech & (new < old)))
    if forward >= _LEAN_MAJORITY * max(back, 1):
        return 1
    if back >= _LEAN_MAJORITY * max(forward, 1):
        return -1
    return 0


def undo_unjudgeable_snaps(
    original: Sequence[tuple[int, int]], proposed: list[list[int]], envelope: SpeechEnvelope, lean: int
) -> bool:
    """Put back the original time of every edge whose snap cannot be judged (see the module); True if any."""
    if not original:
        return False
    old = np.asarray(original, np.int64)
    new = np.asarray(proposed, np.int64)
    stranding = _strands_a_run(old, new, envelope)
    moved_over_speech = _speech_before(new, envelope) != _speech_before(old, envelope)
    undone = stranding | (stranding[:, ::-1] & moved_over_speech) | _takes_against_lean(old, new, envelope, lean)
    for index, edge in zip(*np.nonzero(undone)):
        proposed[index][edge] = original[index][edge]
    return bool(undone.any())


def _strands_a_run(old: np.ndarray, new: np.ndarray, envelope: SpeechEnvelope) -> np.ndarray:
    """(n, 2) flags: a start moved forward out of the run it was in, or an end moved back out of its run,
    where the neighbour's edge does not reach into that run either."""
    flags = np.zeros(old.shape, bool)
    if envelope.run_count == 0:
        return flags
    previous_end = np.concatenate(([_BEFORE_ALL], new[:-1, 1]))
    following_start = np.concatenate((new[1:, 0], [_AFTER_ALL]))
    onset, offset, inside = _run_holding(old[:, 0], envelope)
    flags[:, 0] = inside & (new[:, 0] >= offset) & (previous_end <= onset)
    onset, offset, inside = _run_holding(old[:, 1] - 1, envelope)
    flags[:, 1] = inside & (new[:, 1] <= onset) & (following_start >= offset)
    return flags


def _takes_against_lean(old: np.ndarray, new: np.ndarray, envelope: SpeechEnvelope, lean: int) -> np.ndarray:
    """(n, 2) flags: moves against the lean over some of a word's speech, where that word's other edge
    is not pinned at a pause."""
    flags = np.zeros(old.shape, bool)
    if lean == 0 or len(old) == 0:
        return flags
    speech = _speech_before
    # Against a late lean a start moving forward gives up its own word's head, and an end moving forward
    # takes the next word's head; against an early lean an end moving back gives up its own tail, and a
    # start moving back takes the previous word's tail.
    if lean < 0:
        own, taking, other = 0, 1, 1
        taken_from = np.minimum(np.maximum(old[:, 1], np.concatenate((old[1:, 0], [_AFTER_ALL]))), new[:, 1])
        taken = speech(new[:, 1], envelope) - speech(taken_from, envelope)
        has_giver = np.arange(len(old)) + 1 < len(old)
    else:
        own, taking, other = 1, 0, 0
        taken_until = np.maximum(np.minimum(old[:, 0], np.concatenate(([_BEFORE_ALL], old[:-1, 1]))), new[:, 0])
        taken = speech(taken_until, envelope) - speech(new[:, 0], envelope)
        has_giver = np.arange(len(old)) > 0
    against = (new - old) * lean < 0
    takes = against[:, taking] & has_giver & (taken > 0)
    pinned = _pinned(_at_pause(new[:, other], other, envelope), takes, toward_next=lean < 0)
    giver_pinned = np.roll(pinned, -1 if lean < 0 else 1)
    given_up = speech(new[:, own], envelope) != speech(old[:, own], envelope)
    flags[:, own] = against[:, own] & given_up & ~pinned
    flags[:, taking] = takes & ~giver_pinned
    return flags


def _pinned(at_pause: np.ndarray, takes: np.ndarray, toward_next: bool) -> np.ndarray:
    """Which words the other edge pins: it is at a pause, and if it got there by taking a neighbour's
    speech (next word's if `toward_next`, else the previous word's), that neighbour is pinned in turn."""
    if not toward_next:
        return _pinned(at_pause[::-1], takes[::-1], toward_next=True)[::-1]
    count = len(at_pause)
    # A chain of edges that each lean on the next ends at the first that does not: that one decides.
    chain_end = np.where(at_pause & takes, count, np.arange(count))
    decider = np.minimum.accumulate(chain_end[::-1])[::-1]
    return (decider < count) & at_pause[np.minimum(decider, count - 1)]


def _at_pause(ticks: np.ndarray, edge: int, envelope: SpeechEnvelope) -> np.ndarray:
    """Whether a start (edge 0) has no speech just before it, or an end (edge 1) none just after it."""
    return _speech_before(ticks + edge, envelope) == _speech_before(ticks + edge - 1, envelope)


def _run_holding(ticks: np.ndarray, envelope: SpeechEnvelope) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The onset and offset of the run each tick lies in ([onset, offset)), and whether it lies in one."""
    run = np.minimum(envelope.offset_ticks.searchsorted(ticks, side="right"), envelope.run_count - 1)
    onset, offset = envelope.onset_ticks[run], envelope.offset_ticks[run]
    return onset, offset, (onset <= ticks) & (ticks < offset)


def _speech_before(ticks: np.ndarray, envelope: SpeechEnvelope) -> np.ndarray:
    """How much speech lies before each tick, so that the speech between a and b is the difference."""
    ticks = np.asarray(ticks, np.int64)
    if envelope.run_count == 0:
        return np.zeros(ticks.shape, np.int64)
    lengths = envelope.offset_ticks - envelope.onset_ticks
    whole = np.concatenate(([0], np.cumsum(lengths)))
    finished = envelope.offset_ticks.searchsorted(ticks, side="right")
    current = np.minimum(finished, envelope.run_count - 1)
    partial = np.where(finished < envelope.run_count, np.maximum(0, ticks - envelope.onset_ticks[current]), 0)
    return whole[finished] + partial
