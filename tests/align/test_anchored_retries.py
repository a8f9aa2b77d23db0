"""A word the engine stretched back over a tone before the speech lands on the word, next to its neighbours.

The clip: 8 s of the 1 kHz line-up tone at -20 dBFS that leads a take (bars and tone), then JFK. whisper.cpp
spreads "And so my fellow" over the tone; the aligner, given that, failed them or put them on the tone, and
stretched "Americans" back over the words it lost. The truth is JFK's own words, 8 s later than in jfk.wav.
The mirror case, the tone after JFK with the engine's last words run into it, is checked too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from metavis_gui import cli
from metavis_gui.align import align_words, word_alignment
from metavis_gui.align.aligned_span_checks import AlignedSpan, SpanVerdict
from metavis_gui.align.alignment_chunks import AlignmentChunk
from metavis_gui.align.anchored_retries import ISOLATED_GAP_TICKS, MAX_RUN_WORDS, anchored_rounds, stray_words
from metavis_gui.align.chunk_alignment_review import ChunkReview, ReviewedWords
from metavis_gui.align.pronunciation_lexicon import AlignerWord
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.timeline.transcript import TranscriptWord
from tests.align.conftest import line_up_tone, read_wav
from tests.conftest import JFK_WAV
from tests.support.transcript_checks import read_valid_words
from tests.support.wav_files import write_mono_wav

pytestmark = pytest.mark.usefixtures("engine_ready")
TONE_SECONDS = 8
TOLERANCE_SECONDS = 0.06


def _generate(media: Path, out_dir: Path, *extra: str) -> list:
    arguments = ["--input", str(media), "--out", str(out_dir), "--quiet", "--write-adjacent-captions", "false"]
    assert cli.main(["transcript", "generate", *arguments, *extra]) == 0
    return read_valid_words(out_dir)


@pytest.fixture(scope="module")
def tone_then_jfk(tmp_path_factory: pytest.TempPathFactory, jfk_samples: np.ndarray) -> Path:
    return write_mono_wav(
        tmp_path_factory.mktemp("tone") / "bars and tone.wav", np.concatenate([line_up_tone(TONE_SECONDS), jfk_samples])
    )


@pytest.fixture(scope="module")
def jfk_records(tmp_path_factory: pytest.TempPathFactory) -> list:
    """The default pipeline's words for jfk.wav alone: the truth, shifted, for the clips built from it."""
    return _generate(JFK_WAV, tmp_path_factory.mktemp("jfk"))


@pytest.fixture(scope="module")
def jfk_and_start(jfk_records: list) -> float:
    assert jfk_records[0].word.lower().strip(",") == "and"
    return jfk_records[0].source_time_ticks / TICKS_PER_SECOND


def test_the_first_word_after_a_tone_sits_on_the_word(
    tone_then_jfk: Path, jfk_and_start: float, tmp_path: Path
) -> None:
    first = _generate(tone_then_jfk, tmp_path / "out")[0]
    assert first.word.lower().strip(",") == "and"
    start = first.source_time_ticks / TICKS_PER_SECOND
    assert start == pytest.approx(TONE_SECONDS + jfk_and_start, abs=TOLERANCE_SECONDS)


@pytest.fixture(scope="module")
def engine_words(tone_then_jfk: Path, tmp_path_factory: pytest.TempPathFactory) -> list[TranscriptWord]:
    """The engine's own words for the clip (`--align off`: its DTW times)."""
    return _as_engine_words(_generate(tone_then_jfk, tmp_path_factory.mktemp("engine"), "--align", "off"))


@pytest.mark.parametrize("retried", [True, False], ids=["with the retry", "without it (control)"])
def test_the_retry_is_what_moves_the_word(
    tone_then_jfk: Path,
    jfk_and_start: float,
    engine_words: list[TranscriptWord],
    monkeypatch: pytest.MonkeyPatch,
    retried: bool,
) -> None:
    """The engine's words aligned in this process, with and without the retry."""
    assert engine_words[0].start_ticks < TICKS_PER_SECOND, "the engine's own time for 'And' is on the tone"
    if not retried:
        monkeypatch.setattr(word_alignment, "anchored_rounds", lambda *arguments: 0)
    start = align_words(read_wav(tone_then_jfk), engine_words, "en").words[0].start_ticks / TICKS_PER_SECOND
    on_the_word = abs(start - (TONE_SECONDS + jfk_and_start)) <= TOLERANCE_SECONDS
    assert on_the_word is retried, f"'And' starts at {start:.2f} s"


@pytest.mark.parametrize("retried", [True, False], ids=["with the retry", "without it (control)"])
def test_the_last_words_stretched_into_a_tone_after_the_speech_come_back(
    jfk_records: list, jfk_samples: np.ndarray, monkeypatch: pytest.MonkeyPatch, retried: bool
) -> None:
    """The mirror case: JFK, then the tone; the engine's last two words run seconds into the tone."""
    words = _as_engine_words(jfk_records)
    second = TICKS_PER_SECOND
    words[-2] = words[-2].model_copy(
        update={"start_ticks": words[-2].start_ticks + second, "end_ticks": words[-2].end_ticks + 3 * second}
    )
    words[-1] = words[-1].model_copy(
        update={"start_ticks": words[-1].start_ticks + 3 * second, "end_ticks": words[-1].end_ticks + 7 * second}
    )
    if not retried:
        monkeypatch.setattr(word_alignment, "anchored_rounds", lambda *arguments: 0)
    timed = align_words(np.concatenate([jfk_samples, line_up_tone(TONE_SECONDS)]), words, "en").words
    truth = jfk_records[-1].source_time_ticks / TICKS_PER_SECOND
    on_the_word = abs(timed[-1].start_ticks / TICKS_PER_SECOND - truth) <= TOLERANCE_SECONDS
    assert on_the_word is retried, f"{timed[-1].text!r} starts at {timed[-1].start_ticks / TICKS_PER_SECOND:.2f} s"


def _as_engine_words(records: list) -> list[TranscriptWord]:
    return [
        TranscriptWord(
            text=record.word, start_ticks=record.source_time_ticks, end_ticks=record.source_time_end_ticks,
            confidence=record.confidence,
        )
        for record in records
    ]  # fmt: skip


def _span(start_seconds: float, end_seconds: float) -> AlignedSpan:
    return AlignedSpan(int(start_seconds * TICKS_PER_SECOND), int(end_seconds * TICKS_PER_SECOND), -1.0, 3)


def test_only_a_few_words_cut_off_by_a_long_gap_are_stray() -> None:
    gap = ISOLATED_GAP_TICKS / TICKS_PER_SECOND + 0.5
    few = [_span(0.0, 0.3), _span(0.3, 0.6)]
    many = [_span(0.6 + gap + 0.3 * index, 0.9 + gap + 0.3 * index) for index in range(MAX_RUN_WORDS + 1)]
    assert stray_words([*few, *many]) == [True, True] + [False] * len(many)
    close = [_span(0.0, 0.3), _span(0.3 + gap / 2, 0.6 + gap / 2)]  # a pause, not a gap of seconds
    assert stray_words(close) == [False, False]
    assert stray_words([None, _span(1.0, 1.3)]) == [True, False]


def test_a_gap_that_unplaced_words_may_fill_cuts_nothing_off() -> None:
    """Words the aligner could not place lie somewhere in the gap, so it is not audio without words."""
    gap = ISOLATED_GAP_TICKS / TICKS_PER_SECOND + 0.5
    few = [_span(0.0, 0.3), _span(0.3, 0.6)]
    many = [_span(0.6 + gap + 0.3 * index, 0.9 + gap + 0.3 * index) for index in range(MAX_RUN_WORDS + 1)]
    assert stray_words([*few, None, *many]) == [False, False, True] + [False] * len(many)


def test_a_long_run_piled_into_an_intro_is_placed_in_rounds_from_its_anchors() -> None:
    """whisper piles the first sentence into a music intro: eight words unplaced before the first placed one.
    The six nearest the anchors go first; the next round has them as anchors for the other two."""

    unplaced, placed = 8, 4
    spans: list[AlignedSpan | None] = [None] * unplaced + [
        _span(10.0 + 0.3 * index, 10.3 + 0.3 * index) for index in range(placed)
    ]
    count = unplaced + placed
    reviewed = ReviewedWords(spans, [()] * count, [None] * count, [None] * count)
    aligner_words = [AlignerWord(f"w{index}") for index in range(count)]
    rounds: list[list[int]] = []

    def align_again(chunks: list[AlignmentChunk]) -> list[ChunkReview]:
        rounds.append([chunk.first_word for chunk in chunks])
        reviews = []
        for chunk in chunks:
            indices = tuple(range(chunk.first_word, chunk.end_word))
            # Each word a 0.3 s slot ending where the chunk's last anchor ends: anchors stay where they were.
            end = reviewed.spans[chunk.end_word - 1].end_ticks / TICKS_PER_SECOND
            found = tuple(
                _span(end - 0.3 * (chunk.end_word - i), end - 0.3 * (chunk.end_word - i - 1)) for i in indices
            )
            verdicts = tuple(SpanVerdict.TRUSTED for _ in indices)
            reviews.append(ChunkReview(chunk, indices, found, ((),) * len(indices), verdicts, trusted=True))
        return reviews

    anchored_rounds(reviewed, aligner_words, 20 * 16_000, align_again)
    assert rounds == [[2], [0]]
    assert all(span is not None for span in reviewed.spans)


@pytest.mark.parametrize("stretched", [True, False], ids=["stretched to the audio's start", "on its word (control)"])
def test_a_first_word_stretched_back_to_a_guessed_start_is_not_taken(stretched: bool) -> None:
    """The retry's audio starts where the run's allowance ends, on music: a word that begins right there and
    lasts longer than a slow speaker takes has taken the music with it, so its start says nothing."""
    placed = 4
    spans: list[AlignedSpan | None] = [None] + [
        _span(10.0 + 0.3 * index, 10.3 + 0.3 * index) for index in range(placed)
    ]
    reviewed = ReviewedWords(spans, [()] * (placed + 1), [None] * (placed + 1), [None] * (placed + 1))
    aligner_words = [AlignerWord(f"w{index}") for index in range(placed + 1)]

    def align_again(chunks: list[AlignmentChunk]) -> list[ChunkReview]:
        (chunk,) = chunks
        chunk_start = chunk.start_sample / 16_000
        assert chunk_start == pytest.approx(10.0 - 1.0), "the allowance of one word: 0.5 s a word and 0.5 s"
        first = _span(chunk_start, 10.0) if stretched else _span(9.85, 10.0)
        found = (first, *(reviewed.spans[index] for index in range(1, chunk.end_word)))
        indices = tuple(range(chunk.first_word, chunk.end_word))
        phones = (("DH", "AH"),) * len(indices)
        verdicts = (SpanVerdict.TRUSTED,) * len(indices)
        return [ChunkReview(chunk, indices, found, phones, verdicts, trusted=True)]

    anchored_rounds(reviewed, aligner_words, 20 * 16_000, align_again)
    assert (reviewed.spans[0] is None) is stretched
