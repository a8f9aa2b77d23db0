"""Words no pass could place, left by the engine on a tone or music seconds before the speech, are laid
right before the aligned word they lead into; a quiet gap (a speaker's pause) keeps the engine's times."""

from __future__ import annotations

import numpy as np

from metavis_gui.align.aligned_span_checks import AlignedSpan
from metavis_gui.align.chunk_alignment_review import KeptBecause, ReviewedWords
from metavis_gui.align.local_pauses import LocalPauses
from metavis_gui.align.pronunciation_lexicon import AlignerWord
from metavis_gui.align.words_before_speech import TICKS_PER_PHONE, placed_before_speech
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.transcript import TranscriptWord

SAMPLE_RATE = 16_000
LEAD_SECONDS = 10.0
SPEECH_STARTS = LEAD_SECONDS + 0.3  # where the aligned word after the lead-in starts
IN = AlignerWord("in", ("IH N", "IH0 N"))
NINETEEN = AlignerWord("nineteen", ("N AY N T IY N",))


def _ticks(seconds: float) -> int:
    return round(seconds * TICKS_PER_SECOND)


def _audio(lead: str) -> np.ndarray:
    """`lead` ("tone" at -20 dBFS, or "silence"), then 3 s of speech-loud noise."""
    rng = np.random.default_rng(5)
    time = np.arange(int(LEAD_SECONDS * SAMPLE_RATE)) / SAMPLE_RATE
    before = 0.1 * 32767 * np.sin(2 * np.pi * 1000 * time) if lead == "tone" else np.zeros_like(time)
    speech = rng.normal(0.0, 0.1 * 32767, 3 * SAMPLE_RATE)
    return np.concatenate([before, speech]).astype(np.int16)


def _word(text: str, start: float, end: float) -> TranscriptWord:
    return TranscriptWord(text=text, start_ticks=_ticks(start), end_ticks=_ticks(end), confidence=0.9)


def _aligned(start: float, end: float) -> AlignedSpan:
    return AlignedSpan(_ticks(start), _ticks(end), -1.0, 3)


SPEECH_WORDS = 8  # more than a stray group holds


def _placed(lead: str, in_seconds: tuple[float, float], lead_spans: list[AlignedSpan | None]) -> dict:
    """Words "Tape In" (times and spans given), then eight aligned words of speech from SPEECH_STARTS."""
    speech = [(SPEECH_STARTS + 0.3 * number, SPEECH_STARTS + 0.3 * number + 0.25) for number in range(SPEECH_WORDS)]
    words = [_word("Tape", 0.0, 0.1), _word("In", *in_seconds), *(_word("1919", *times) for times in speech)]
    spans = [*lead_spans, *(_aligned(*times) for times in speech)]
    aligner_words = [AlignerWord("tape", ("T EY P",)), IN, *[NINETEEN] * SPEECH_WORDS]
    return placed_before_speech(words, spans, aligner_words, LocalPauses(_audio(lead)))


def test_a_word_the_engine_left_on_a_tone_is_laid_right_before_the_speech() -> None:
    spans = [_aligned(0.0, 0.1), None]
    placed = _placed("tone", (0.1, 0.15), spans)
    assert placed == {1: (_ticks(SPEECH_STARTS) - 2 * TICKS_PER_PHONE, _ticks(SPEECH_STARTS))}


def test_a_stray_group_aligned_on_the_tone_moves_too() -> None:
    """The first pass put "Tape In" on the tone, 8.6 s before the next aligned word: a stray group."""
    spans = [_aligned(0.0, 0.1), _aligned(0.2, 1.7)]
    start = _ticks(SPEECH_STARTS) - 5 * TICKS_PER_PHONE
    assert _placed("tone", (0.1, 0.15), spans) == {
        0: (start, start + 3 * TICKS_PER_PHONE),
        1: (start + 3 * TICKS_PER_PHONE, _ticks(SPEECH_STARTS)),
    }


def test_a_quiet_gap_is_a_pause_and_the_engine_keeps_its_time() -> None:
    spans = [_aligned(0.0, 0.1), None]
    assert _placed("silence", (0.1, 0.15), spans) == {}


def test_a_word_near_the_speech_keeps_its_time() -> None:
    spans = [_aligned(0.0, 0.1), None]
    assert _placed("tone", (SPEECH_STARTS - 1.4, SPEECH_STARTS - 1.2), spans) == {}


def test_no_word_moves_onto_the_word_before_it() -> None:
    crowded = [_aligned(0.0, SPEECH_STARTS - 0.1), None]
    assert _placed("tone", (0.1, 0.15), crowded) == {}


def test_the_notice_says_which_kept_words_were_moved() -> None:
    reviewed = ReviewedWords([None, None], [(), ()], [KeptBecause.IMPLAUSIBLE] * 2, [None, None], moved_before_speech=1)
    assert reviewed.notice() == (
        "2 words kept the engine's times: 2 words whose aligned times were implausible; "
        "1 of them, put by the engine on music or a tone, now sits right before the speech after it"
    )
