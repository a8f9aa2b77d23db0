"""Why a timing tool did less than it was asked: a typed refusal the window shows, never silence.

Timing commands clamp to the nearest legal time rather than fail (see
`timing_edit_commands`), so a nudge into a neighbour or a snap with no pause in
reach changes nothing and raises nothing. These functions say, before or after
the fact, what stopped the tool: the same limits the commands apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from metavis_gui.contract import TICKS_PER_SECOND
from metavis_gui.timeline.boundary_refinement import DEFAULT_WINDOW_TICKS, nearest_pause
from metavis_gui.timeline.edit_command_base import clamp
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import WordEdge, WordKey
from metavis_gui.timeline.speech_envelope import SpeechEnvelope
from metavis_gui.timeline.time_entry import format_time
from metavis_gui.timeline.timing_edit_commands import legal_end_range, legal_start_range

_TICKS_PER_MILLISECOND = TICKS_PER_SECOND // 1000


class RefusalReason(Enum):
    NO_WORD_SELECTED = "no word selected"
    PREVIOUS_WORD = "the previous word is in the way"
    NEXT_WORD = "the next word is in the way"
    OWN_OTHER_EDGE = "the word's other edge is in the way"
    MEDIA_START = "the media starts there"
    MEDIA_END = "the media ends there"
    NO_SPEECH = "the audio has no speech"
    NO_PAUSE_IN_REACH = "no pause within the search window"
    ALREADY_AT_PAUSE = "the boundary is at its pause already"


@dataclass(frozen=True, slots=True)
class TimingRefusal:
    reason: RefusalReason
    message: str  # for the status bar: what stopped the tool and what to do instead


NO_WORD_SELECTED = TimingRefusal(RefusalReason.NO_WORD_SELECTED, "Select a word first (click it, or Ctrl+Right)")


def edge_move_refusal(
    transcript: EditableTranscript, key: WordKey, edge: WordEdge, wanted_tick: int, force: bool = False
) -> TimingRefusal | None:
    """Why the word's `edge` cannot go to `wanted_tick` (it stops short of it), or None when it can."""
    word = transcript.word(key)
    lowest, highest = (legal_start_range if edge == "start" else legal_end_range)(transcript, key, force)
    reached = clamp(wanted_tick, lowest, highest)
    if reached == wanted_tick:
        return None
    name = f"{word.text!r}'s {edge}"
    at = format_time(reached)
    if edge == "start" and wanted_tick < reached:
        previous = transcript.previous_word(key)
        if reached == 0 or previous is None or force:
            return TimingRefusal(RefusalReason.MEDIA_START, f"{name} stops at {at}: the media starts there")
        return TimingRefusal(
            RefusalReason.PREVIOUS_WORD,
            f"{name} stops at {at}: it would overlap the previous word {previous.text!r} "
            "(move that word's end first, or Shift-drag to overlap)",
        )
    if edge == "end" and wanted_tick > reached:
        following = transcript.next_word(key)
        if reached >= transcript.duration_ticks or following is None or force:
            return TimingRefusal(RefusalReason.MEDIA_END, f"{name} stops at {at}: the media ends there")
        return TimingRefusal(
            RefusalReason.NEXT_WORD,
            f"{name} stops at {at}: it would overlap the next word {following.text!r} "
            "(move that word's start first, or Shift-drag to overlap)",
        )
    if edge == "start" and reached >= transcript.duration_ticks and word.end_ticks > transcript.duration_ticks:
        return TimingRefusal(RefusalReason.MEDIA_END, f"{name} stops at {at}: the media ends there")
    other = "end" if edge == "start" else "start"
    return TimingRefusal(
        RefusalReason.OWN_OTHER_EDGE,
        f"{name} stops at {at}: it would pass the word's {other} (move the {other} first)",
    )


def word_move_refusal(transcript: EditableTranscript, key: WordKey, delta_ticks: int) -> TimingRefusal | None:
    """Why the whole word cannot move by `delta_ticks` (it moves less), or None when it can."""
    word = transcript.word(key)
    if delta_ticks < 0:
        previous = transcript.previous_word(key)
        lowest = previous.end_ticks if previous is not None else 0
        if word.start_ticks + delta_ticks >= lowest:
            return None
        if previous is None:
            return TimingRefusal(
                RefusalReason.MEDIA_START, f"{word.text!r} stops at {format_time(0)}: the media starts there"
            )
        return TimingRefusal(
            RefusalReason.PREVIOUS_WORD,
            f"{word.text!r} stops at {format_time(max(lowest, word.start_ticks))}: it would overlap the previous "
            f"word {previous.text!r} (pick an edge with [ or ] to move only that edge)",
        )
    following = transcript.next_word(key)
    highest = min(
        transcript.duration_ticks, following.start_ticks if following is not None else transcript.duration_ticks
    )
    if word.end_ticks + delta_ticks <= highest:
        return None
    if following is None or highest == transcript.duration_ticks:
        return TimingRefusal(RefusalReason.MEDIA_END, f"{word.text!r} stops at the end of the media")
    return TimingRefusal(
        RefusalReason.NEXT_WORD,
        f"{word.text!r} ends at {format_time(min(highest, word.end_ticks))}: it would overlap the next word "
        f"{following.text!r} (pick an edge with [ or ] to move only that edge)",
    )


def snap_refusal(
    transcript: EditableTranscript,
    key: WordKey,
    edge: WordEdge,
    envelope: SpeechEnvelope,
    window_ticks: int = DEFAULT_WINDOW_TICKS,
) -> TimingRefusal | None:
    """Why snapping the word's `edge` to the audio moves it nowhere (or short of its pause), or None."""
    word = transcript.word(key)
    tick = word.edge_ticks(edge)
    name = f"{word.text!r}'s {edge}"
    window_ms = window_ticks // _TICKS_PER_MILLISECOND
    if envelope.run_count == 0:
        return TimingRefusal(RefusalReason.NO_SPEECH, f"Cannot snap {name}: the audio has no speech to snap to")
    snap = nearest_pause(tick, edge, envelope)
    if snap is None or snap.distance_ticks > window_ticks:
        nearest = "" if snap is None else f"; the nearest is {snap.distance_ticks // _TICKS_PER_MILLISECOND} ms away"
        return TimingRefusal(
            RefusalReason.NO_PAUSE_IN_REACH,
            f"Cannot snap {name}: no pause in the speech within {window_ms} ms of {format_time(tick)}{nearest} "
            "(set it by hand: I/O at the playhead, or nudge)",
        )
    if snap.target_ticks == tick:
        kind = "onset" if edge == "start" else "offset"
        return TimingRefusal(RefusalReason.ALREADY_AT_PAUSE, f"{name} is at the speech {kind} already")
    return edge_move_refusal(transcript, key, edge, snap.target_ticks)
