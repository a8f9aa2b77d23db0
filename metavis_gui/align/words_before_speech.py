"""Words that no pass could place, left by the engine on the music or tone before the speech they start.

Whisper puts the first words after non-speech where the non-speech starts: "In" at 0.0 s before 10 s of
chords, "Good" over the first 2.7 s of an 8 s line-up tone, seconds before the aligned word that follows.
Pocketsphinx scores so short a word as well on chords as on the voice, so neither the chunks nor the
anchored retries place it, and the engine's box would stay seconds from the word.

A run of such words (unplaced, or a stray group whose retry failed) is moved when it ends more than
ISOLATED_GAP_TICKS before the aligned word after it and that gap holds sound, not a pause: nobody says
"In", waits through ten seconds of music and then says "1989". (A quiet gap may be a speaker's pause,
and there the engine's times stay.) The run is laid back to back right before that aligned word, each word
as long as its phones take at an ordinary pace. Its words stay engine-timed: the audio did not confirm
them, so the timeline still marks them for a look, now beside their words.
"""

from __future__ import annotations

from collections.abc import Sequence

from metavis_gui.align.aligned_span_checks import AlignedSpan
from metavis_gui.align.anchored_retries import ISOLATED_GAP_TICKS, marked_runs, stray_words
from metavis_gui.align.local_pauses import LocalPauses
from metavis_gui.align.pronunciation_lexicon import AlignerWord
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.transcript import TranscriptWord

TICKS_PER_PHONE = TICKS_PER_SECOND * 8 // 100  # about 12 phones a second
TICKS_PER_UNSAID_WORD = TICKS_PER_SECOND * 3 // 10  # a word with nothing to pronounce ("&", "%")
QUIET_UNDER_SPEECH_DB = 30.0  # a gap this far under the recording's speech is a pause


def placed_before_speech(
    words: Sequence[TranscriptWord],
    spans: Sequence[AlignedSpan | None],
    aligner_words: Sequence[AlignerWord | None],
    pauses: LocalPauses,
) -> dict[int, tuple[int, int]]:
    """New (start, end) ticks for the words of each run moved before the aligned word after it."""
    placed: dict[int, tuple[int, int]] = {}
    for first, end in marked_runs(stray_words(spans)):
        anchor = spans[end] if end < len(spans) else None
        if anchor is None:
            continue
        run_end = max(_current_end(words[index], spans[index]) for index in range(first, end))
        if anchor.start_ticks - run_end <= ISOLATED_GAP_TICKS:
            continue
        if pauses.level_under_speech_db(run_end, anchor.start_ticks) >= QUIET_UNDER_SPEECH_DB:
            continue
        before = spans[first - 1] if first > 0 else None  # aligned: unplaced words are in the runs
        floor = before.end_ticks if before is not None else 0
        durations = [_spoken_ticks(aligner_words[index]) for index in range(first, end)]
        start = anchor.start_ticks - sum(durations)
        if start < floor:
            continue  # no room: the words before keep it
        for index, duration in zip(range(first, end), durations, strict=True):
            placed[index] = (start, start + duration)
            start += duration
    return placed


def _current_end(word: TranscriptWord, span: AlignedSpan | None) -> int:
    return word.end_ticks if span is None else span.end_ticks


def _spoken_ticks(aligner_word: AlignerWord | None) -> int:
    if aligner_word is None or not aligner_word.added_pronunciations:
        return TICKS_PER_UNSAID_WORD
    return TICKS_PER_PHONE * len(aligner_word.added_pronunciations[0].split())
