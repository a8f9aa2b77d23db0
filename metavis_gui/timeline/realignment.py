"""Re-aligning words after an edit: the editor's words as the aligner's input, its answer as one undoable edit."""

from __future__ import annotations

from collections.abc import Sequence

from metavis_gui.contract.word_timing import WordTimingSource
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord
from metavis_gui.timeline.timing_edit_commands import RetimeWords
from metavis_gui.timeline.transcript import Transcript, TranscriptWord


def transcript_for_alignment(words: Sequence[EditableWord]) -> Transcript:
    """The words as the aligner reads them, in order; each segment (sentence) keeps an index of its own."""
    segment_indices: dict[str | None, int] = {}
    return Transcript(
        words=tuple(
            TranscriptWord(
                text=word.text,
                start_ticks=word.start_ticks,
                end_ticks=word.end_ticks,
                confidence=word.confidence,
                segment_index=segment_indices.setdefault(word.segment_id, len(segment_indices)),
                timing_source=word.timing_source,
            )
            for word in words
        )
    )


def realignment_edit(
    transcript: EditableTranscript, words: Sequence[EditableWord], aligned: Transcript
) -> tuple[RetimeWords, int]:
    """One edit putting the aligned words (those the audio timed) at their new times, and how many they are.

    The words are a run of neighbours; the first may not start before the word before the run ends, and the
    last may not end after the word after it starts, so re-aligning a selection never overlaps the rest.
    """
    if len(aligned.words) != len(words):
        raise ValueError(f"{len(aligned.words)} aligned words for {len(words)} words")
    floor = _end_of_word_before(transcript, words[0]) if words else 0
    ceiling = _start_of_word_after(transcript, words[-1]) if words else transcript.duration_ticks
    new_times = []
    for word, placed in zip(words, aligned.words, strict=True):
        if placed.timing_source is not WordTimingSource.ALIGNED:
            continue
        start = min(max(placed.start_ticks, floor), ceiling)
        end = min(max(placed.end_ticks, start), ceiling)
        new_times.append((word.key, start, end))
    count = len(new_times)
    edit = RetimeWords(tuple(new_times), f"re-align {count} word{'s' if count != 1 else ''}", WordTimingSource.ALIGNED)
    return edit, count


def _end_of_word_before(transcript: EditableTranscript, word: EditableWord) -> int:
    before = transcript.previous_word(word.key)
    return before.end_ticks if before is not None else 0


def _start_of_word_after(transcript: EditableTranscript, word: EditableWord) -> int:
    after = transcript.next_word(word.key)
    return after.start_ticks if after is not None else transcript.duration_ticks
