"""Snap word boundaries to the audio: a start to the onset that ends a pause, an end to the offset that starts one.

Which pause edge a boundary belongs to is decided by the pause, not by the
nearest edge: a word boundary sits in or near the pause between two words, so
a start within `window_ticks` of a pause moves to the pause's end (the onset)
and an end within the window moves to the pause's start (the offset), however
far that edge is. A boundary inside a pause is at distance 0 from it; with no
pause in reach it stays. This is what fixes whisper.cpp's times, which lag the
speech by 100-300 ms and put each word's end at the next word's start: on
known-boundary speech, "nearest onset/offset within 150 ms" moved the median
errors from 99/200 ms (start/end) to only 87/194 ms, this rule to 0/0 ms.
Where the engine is off by more than the window the nearest pause is another
word's; `refine_all` leaves the snaps that show it undone (`snap_judgement`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import WordEdge, WordKey
from metavis_gui.timeline.snap_judgement import engine_lean, undo_unjudgeable_snaps
from metavis_gui.timeline.speech_envelope import SpeechEnvelope, compute_speech_envelope
from metavis_gui.timeline.timing_edit_commands import MoveWordEdge, RetimeWords

DEFAULT_WINDOW_TICKS = 9_000  # 150 ms
MIN_WORD_TICKS = 1_200  # 20 ms
_NO_PAUSE = np.iinfo(np.int64).max // 4


class PauseSnap(NamedTuple):
    """A boundary's pause: how far the boundary is from it, and the pause edge it moves to.

    Pause p is the silence between speech runs p-1 and p; pause 0 is the silence
    before the first run, pause `run_count` the silence after the last.
    """

    distance_ticks: int
    target_ticks: int
    pause_index: int


def nearest_pause(tick: int, kind: WordEdge, envelope: SpeechEnvelope) -> PauseSnap | None:
    """The pause a start (its onset) or an end (its offset) at `tick` belongs to; equal distances take the smaller move."""
    distance, target, pause = nearest_pauses(np.array([tick], np.int64), kind, envelope)
    return PauseSnap(int(distance[0]), int(target[0]), int(pause[0])) if distance[0] < _NO_PAUSE else None


def nearest_pauses(ticks: np.ndarray, kind: WordEdge, envelope: SpeechEnvelope) -> tuple[np.ndarray, ...]:
    """`nearest_pause` for many boundaries at once: (distance, target, pause index) arrays; distance is
    `_NO_PAUSE` where there is none (no speech at all)."""
    onsets, offsets, count = envelope.onset_ticks, envelope.offset_ticks, envelope.run_count
    ticks = np.asarray(ticks, np.int64)
    if count == 0:
        return np.full(len(ticks), _NO_PAUSE), ticks.copy(), np.zeros(len(ticks), np.int64)
    if kind == "start":
        # Later candidate: the pause ending at the first onset at or after tick (pause `following`).
        following = onsets.searchsorted(ticks, side="left")
        later_target = onsets[np.minimum(following, count - 1)]
        pause_start = np.where(following > 0, offsets[np.maximum(following - 1, 0)], 0)
        later = (np.maximum(0, pause_start - ticks), later_target - ticks, later_target, following)
        later_valid = following < count
        # Earlier candidate: the pause ending at the onset before tick.
        earlier_target = onsets[np.maximum(following - 1, 0)]
        earlier = (ticks - earlier_target, ticks - earlier_target, earlier_target, following - 1)
        earlier_valid = following > 0
    else:
        # Earlier candidate: the pause starting at the last offset at or before tick (pause `preceding` + 1).
        preceding = offsets.searchsorted(ticks, side="right") - 1
        earlier_target = offsets[np.maximum(preceding, 0)]
        pause_end = np.where(
            preceding + 1 < count, onsets[np.minimum(preceding + 1, count - 1)], envelope.duration_ticks
        )
        earlier = (np.maximum(0, ticks - pause_end), ticks - earlier_target, earlier_target, preceding + 1)
        earlier_valid = preceding >= 0
        # Later candidate: the pause starting at the next offset.
        later_target = offsets[np.minimum(preceding + 1, count - 1)]
        later = (later_target - ticks, later_target - ticks, later_target, preceding + 2)
        later_valid = preceding + 1 < count
    later_distance = np.where(later_valid, later[0], _NO_PAUSE)
    earlier_distance = np.where(earlier_valid, earlier[0], _NO_PAUSE)
    take_later = (later_distance < earlier_distance) | ((later_distance == earlier_distance) & (later[1] <= earlier[1]))
    return (
        np.where(take_later, later_distance, earlier_distance),
        np.where(take_later, later[2], earlier[2]),
        np.where(take_later, later[3], earlier[3]),
    )


def snap_boundary(tick: int, kind: WordEdge, envelope: SpeechEnvelope, window_ticks: int = DEFAULT_WINDOW_TICKS) -> int:
    """Where the boundary belongs: the edge of the nearest pause within the window, else `tick` itself."""
    snap = nearest_pause(tick, kind, envelope)
    return snap.target_ticks if snap is not None and snap.distance_ticks <= window_ticks else tick


def snap_edge_command(
    transcript: EditableTranscript,
    word_key: WordKey,
    edge: WordEdge,
    envelope: SpeechEnvelope,
    window_ticks: int = DEFAULT_WINDOW_TICKS,
) -> MoveWordEdge:
    """The command for "snap this boundary to the audio"; it clamps at the neighbours like any edge move."""
    tick = transcript.word(word_key).edge_ticks(edge)
    return MoveWordEdge.to_tick(transcript, word_key, edge, snap_boundary(tick, edge, envelope, window_ticks))


def refine_all(
    transcript: EditableTranscript,
    envelope: SpeechEnvelope,
    window_ticks: int = DEFAULT_WINDOW_TICKS,
    min_word_ticks: int = MIN_WORD_TICKS,
) -> RetimeWords:
    """One undoable command snapping every boundary, kept only where the result is legal and judged right.

    Each boundary is snapped on its own (see `_claimed_snaps`); then any snap
    that would make a word shorter than `min_word_ticks` (or than it was, if it
    was shorter already), overlap a neighbour it did not overlap (or more than
    it did), reorder words, leave the media, or leave speech that no word
    covers (a start moved forward over speech, an end moved back over it) is
    undone, and so is any snap the audio cannot vouch for (`snap_judgement`:
    one that leaves a run of speech with no word, or goes against the engine's
    lean), until none is left. Undoing only ever restores original times,
    which were legal, so this ends, and no boundary crosses a neighbour.
    """
    words = list(transcript)
    original = [(word.start_ticks, word.end_ticks) for word in words]
    proposed = _claimed_snaps(original, envelope, window_ticks)
    _undo_illegal_snaps(original, proposed, envelope, min_word_ticks, transcript.duration_ticks)
    lean = engine_lean(original, proposed, envelope)
    while undo_unjudgeable_snaps(original, proposed, envelope, lean):
        _undo_illegal_snaps(original, proposed, envelope, min_word_ticks, transcript.duration_ticks)
    new_times = tuple(
        (word.key, start, end)
        for word, (start, end), old in zip(words, proposed, original, strict=True)
        if (start, end) != old
    )
    return RetimeWords(new_times, "snap boundaries to the audio")


def _claimed_snaps(original: Sequence[tuple[int, int]], envelope: SpeechEnvelope, window_ticks: int) -> list[list[int]]:
    """Each boundary's snap target, after two rules that keep one pause from serving two boundaries.

    A word cannot start and end at the same pause (the edge farther from it lets
    go), and a pause's onset takes one start and its offset one end (the nearest).
    """
    if not original:
        return []
    times = np.array(original, np.int64)
    targets, keeps = [], []
    for edge, kind in ((0, "start"), (1, "end")):
        distance, target, pause = nearest_pauses(times[:, edge], kind, envelope)  # type: ignore[arg-type]
        targets.append(target)
        keeps.append((distance <= window_ticks, distance, pause))
    (start_kept, start_distance, start_pause), (end_kept, end_distance, end_pause) = keeps
    same_pause = start_kept & end_kept & (start_pause >= end_pause)
    start_kept &= ~(same_pause & (start_distance >= end_distance))
    end_kept &= ~(same_pause & (start_distance < end_distance))
    for kept, distance, pause in ((start_kept, start_distance, start_pause), (end_kept, end_distance, end_pause)):
        candidates = np.flatnonzero(kept)
        # Sorted by pause, then distance, then word order: the first of each pause wins it.
        order = candidates[np.lexsort((candidates, distance[candidates], pause[candidates]))]
        losers = order[1:][pause[order[1:]] == pause[order[:-1]]]
        kept[losers] = False
    starts = np.where(start_kept, targets[0], times[:, 0])
    ends = np.where(end_kept, targets[1], times[:, 1])
    return np.stack([starts, ends], axis=1).tolist()


def _undo_illegal_snaps(
    original: Sequence[tuple[int, int]],
    proposed: list[list[int]],
    envelope: SpeechEnvelope,
    min_word_ticks: int,
    duration_ticks: int,
) -> None:
    def undo(index: int, edge: int) -> bool:
        if proposed[index][edge] == original[index][edge]:
            return False
        proposed[index][edge] = original[index][edge]
        return True

    changed = True
    while changed:
        changed = False
        for index, (old_start, old_end) in enumerate(original):
            start, end = proposed[index]
            old_length = old_end - old_start
            shortest = min(old_length, min_word_ticks)
            if start < 0 or end > max(duration_ticks, old_end):
                changed |= undo(index, 0) | undo(index, 1)
            elif end - start < shortest:
                # Undo the snap that cut more off the word first; the other may be right.
                cut_from_start, cut_from_end = start - old_start, old_end - end
                first_edge = 0 if cut_from_start >= cut_from_end else 1
                changed |= undo(index, first_edge)
                if proposed[index][1] - proposed[index][0] < shortest:
                    changed |= undo(index, 1 - first_edge)
            changed |= _undo_orphaning_snaps(index, original, proposed, envelope, min_word_ticks, undo)
            if index + 1 < len(original):
                following_start = proposed[index + 1][0]
                allowed_overlap = max(0, old_end - original[index + 1][0])
                if proposed[index][1] - following_start > allowed_overlap:
                    changed |= undo(index, 1) | undo(index + 1, 0)
                if proposed[index + 1][0] < proposed[index][0]:
                    changed |= undo(index, 0) | undo(index + 1, 0)


def _undo_orphaning_snaps(
    index: int,
    original: Sequence[tuple[int, int]],
    proposed: list[list[int]],
    envelope: SpeechEnvelope,
    min_word_ticks: int,
    undo: Callable[[int, int], bool],
) -> bool:
    """Undo a snap that leaves speech with no word: engines give every stretch of speech a word,
    so a snap that strands some moved the boundary to a pause that is not this word's."""
    (old_start, old_end), (start, end) = original[index], proposed[index]
    changed = False
    if start > old_start:
        covered_until = max(old_start, proposed[index - 1][1]) if index > 0 else old_start
        if envelope.speech_ticks_between(covered_until, start) > min_word_ticks:
            changed |= undo(index, 0)
    if end < old_end:
        covered_from = min(old_end, proposed[index + 1][0]) if index + 1 < len(proposed) else old_end
        if envelope.speech_ticks_between(end, covered_from) > min_word_ticks:
            changed |= undo(index, 1)
    return changed


__all__ = [
    "PauseSnap",
    "SpeechEnvelope",
    "compute_speech_envelope",
    "nearest_pause",
    "nearest_pauses",
    "refine_all",
    "snap_boundary",
    "snap_edge_command",
]
