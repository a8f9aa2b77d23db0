"""Forced alignment of a transcript's words against its audio: the stage between transcribe and write.

    result = align_words(samples, transcript.words, "en", progress=print, workers=2)

In: the decoded audio (16 kHz mono, int16 or float in [-1, 1]) and the engine's words, both timed from
the audio's first sample. Out: the same words (count, order, text) with start/end from the audio where
the aligner could be trusted and the engine's elsewhere, each marked with its source. Once alignment
ran, times are in order (start <= end <= next start) and inside the audio; engine-timed words keep their
times, clipped only where they would overlap an aligned neighbour. Where no alignment ran (no acoustic
model for the language) the words come back exactly as given.

`language` is the transcript's language code. None means unknown, and unknown is not guessed to be
English: no alignment runs and the notice says why. A caller that knows better (an English-only model
such as tiny.en) passes "en".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from metavis_gui.align.acoustic_models import (
    acoustic_model_for,
    language_code,
    language_label,
    pocketsphinx_installed,
    pocketsphinx_version,
)
from metavis_gui.align.aligned_span_checks import DEFAULT_LIMITS, SpanCheckLimits
from metavis_gui.align.alignment_chunks import MIN_CUT_PAUSE_TICKS, SAMPLE_RATE, AlignmentChunk, plan_chunks
from metavis_gui.align.alignment_progress import ProgressShare, ReportProgress
from metavis_gui.align.alignment_result import AlignmentResult
from metavis_gui.align.anchored_retries import anchored_rounds, retry_limits
from metavis_gui.align.chunk_alignment_review import (
    ChunkReview,
    ReviewedWords,
    merged_retries,
    merged_review_better,
    review_chunk,
)
from metavis_gui.align.chunk_workers import ChunkAligners, ChunkJob
from metavis_gui.align.grapheme_to_phoneme import predicted_phones
from metavis_gui.align.local_pauses import LocalPauses
from metavis_gui.align.pause_edges import TimedPhones, pull_edges_to_pauses
from metavis_gui.align.pocketsphinx_chunk_aligner import AcousticModelFailed, create_decoder
from metavis_gui.align.pronouncing_dictionary import PronouncingDictionary
from metavis_gui.align.pronunciation_lexicon import AlignerWord, PronunciationLexicon, no_prediction
from metavis_gui.align.word_timing_assembly import ordered_times
from metavis_gui.align.words_before_speech import placed_before_speech
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.contract.word_timing import WordTimingSource
from metavis_gui.timeline.transcript import TranscriptWord

if TYPE_CHECKING:
    from pocketsphinx import Decoder


def align_words(
    samples: np.ndarray,
    words: Sequence[TranscriptWord],
    language: str | None,
    *,
    progress: ReportProgress | None = None,
    workers: int = 1,
    acoustic_model_folders: Sequence[Path] = (),
    limits: SpanCheckLimits = DEFAULT_LIMITS,
    decoder: Decoder | None = None,
    chunk_aligners: ChunkAligners | None = None,
) -> AlignmentResult:
    """`progress` hears the finished fraction (0..1) as chunks complete. `workers` > 1 forks that many
    processes (where the platform can fork): do so only from a process with no other threads, such as
    the alignment runner. `decoder`: one already made for this language's model. `chunk_aligners`: made
    already on these samples (as int16) and this model's decoder, kept open for the caller, who then owns
    them; `decoder` and `workers` are not used. Raises AcousticModelFailed when the model cannot be loaded."""
    words = tuple(words)
    model = acoustic_model_for(language, acoustic_model_folders)
    if model is None:
        return _engine_times_only(words, None, _no_model_notice(language))
    audio = _as_int16(samples)
    if not words:
        return _engine_times_only(words, model.name, None)
    try:
        dictionary = PronouncingDictionary.read(model.dictionary_path, sorted_by_word=model.dictionary_sorted)
    except OSError as error:
        raise AcousticModelFailed(
            f"the pronouncing dictionary {model.dictionary_path} could not be read: {error}"
        ) from error
    lexicon = PronunciationLexicon(
        dictionary.look_up, predicted_phones if model.predicts_unknown_words else no_prediction
    )
    aligner_words = tuple(lexicon.aligner_word(word.text) for word in words)
    pauses = LocalPauses(audio)
    chunks = plan_chunks(words, partial(pauses.between, shortest_ticks=MIN_CUT_PAUSE_TICKS), len(audio))
    inputs = _AlignmentInputs(model.name, len(audio), words, aligner_words, pauses, chunks)
    if chunk_aligners is not None:
        return _aligned(inputs, chunk_aligners, limits, progress)
    with ChunkAligners.for_audio(decoder or create_decoder(model), audio, workers) as own_aligners:
        return _aligned(inputs, own_aligners, limits, progress)


@dataclass(frozen=True)
class _AlignmentInputs:
    """What align_words has prepared before the first chunk is aligned."""

    model_name: str
    sample_count: int
    words: tuple[TranscriptWord, ...]
    aligner_words: tuple[AlignerWord | None, ...]
    pauses: LocalPauses
    chunks: list[AlignmentChunk]


def _aligned(
    inputs: _AlignmentInputs,
    chunk_aligners: ChunkAligners,
    limits: SpanCheckLimits,
    progress: ReportProgress | None,
) -> AlignmentResult:
    words, aligner_words, chunks = inputs.words, inputs.aligner_words, inputs.chunks
    passes = _ChunkPasses(chunk_aligners, words, aligner_words, limits, ProgressShare(progress, len(chunks)))
    reviews = passes.reviewed(chunks)
    retries = merged_retries(reviews, limits)
    if retries:
        passes.report.start_retry_round(len(retries))
        retried = passes.reviewed([_merged_chunk([review.chunk for review in reviews[a:b]]) for a, b in retries])
        reviews = _with_retries(reviews, retries, retried)
    unpronounceable = sum(aligner_word is None for aligner_word in aligner_words)
    reviewed = ReviewedWords.of(len(words), unpronounceable, reviews)
    near_anchors = replace(passes, limits=retry_limits(limits))

    def align_near_anchors(chunks: list[AlignmentChunk]) -> list[ChunkReview]:
        passes.report.start_retry_round(len(chunks))
        return near_anchors.reviewed(chunks)

    anchored_rounds(reviewed, aligner_words, inputs.sample_count, align_near_anchors)
    moved = placed_before_speech(words, reviewed.spans, aligner_words, inputs.pauses)
    for index in moved:
        reviewed.not_aligned_after_all(index)
    reviewed.moved_before_speech = len(moved)
    passes.report.finished()
    sources = tuple(WordTimingSource.ENGINE if span is None else WordTimingSource.ALIGNED for span in reviewed.spans)
    timed = tuple(
        word.model_copy(update={"start_ticks": start, "end_ticks": end, "timing_source": source})
        for word, (start, end), source in zip(words, _final_times(inputs, reviewed, moved), sources)
    )
    return AlignmentResult.of(
        timed,
        sources,
        aligner_version=pocketsphinx_version(),
        acoustic_model=inputs.model_name,
        notice=reviewed.notice(),
    )


@dataclass(frozen=True)
class _ChunkPasses:
    """What every pass over chunks shares: where chunks are aligned, the words and how they are said."""

    chunk_aligners: ChunkAligners
    words: tuple[TranscriptWord, ...]
    aligner_words: tuple[AlignerWord | None, ...]
    limits: SpanCheckLimits
    report: ProgressShare

    def reviewed(self, chunks: Sequence[AlignmentChunk]) -> list[ChunkReview]:
        jobs = [
            ChunkJob(chunk, tuple(word for word in self.aligner_words[chunk.first_word : chunk.end_word] if word))
            for chunk in chunks
        ]
        outcomes = self.chunk_aligners.run(jobs, lambda _: self.report.chunk_done())
        return [
            review_chunk(self.words, self.aligner_words, chunk, outcome, self.limits)
            for chunk, outcome in zip(chunks, outcomes, strict=True)
        ]


def _merged_chunk(chunks: Sequence[AlignmentChunk]) -> AlignmentChunk:
    return AlignmentChunk(chunks[0].first_word, chunks[-1].end_word, chunks[0].start_sample, chunks[-1].end_sample)


def _with_retries(
    reviews: list[ChunkReview], retries: list[tuple[int, int]], retried: list[ChunkReview]
) -> list[ChunkReview]:
    """The first pass's reviews, each retried run replaced by its merged review where that one does better."""
    kept: list[ChunkReview] = []
    position = 0
    for (first, end), merged in zip(retries, retried, strict=True):
        kept.extend(reviews[position:first])
        kept.extend([merged] if merged_review_better(merged, reviews[first:end]) else reviews[first:end])
        position = end
    kept.extend(reviews[position:])
    return kept


def _no_model_notice(language: str | None) -> str:
    if language_code(language) == "en" and not pocketsphinx_installed():
        return "pocketsphinx is not installed: the engine's word times were kept"
    return f"no acoustic model for {language_label(language)}: the engine's word times were kept"


def _final_times(
    inputs: _AlignmentInputs, reviewed: ReviewedWords, moved: dict[int, tuple[int, int]]
) -> list[tuple[int, int]]:
    """`moved`: engine-timed words given new times (words_before_speech), which then stand for the engine's."""
    words = tuple(
        word.model_copy(update={"start_ticks": moved[index][0], "end_ticks": moved[index][1]})
        if index in moved
        else word
        for index, word in enumerate(inputs.words)
    )
    duration = inputs.sample_count * TICKS_PER_SECOND // SAMPLE_RATE
    timed_phones = [
        TimedPhones(span.start_ticks, span.end_ticks, *_edge_phones(phones))
        if span is not None
        else TimedPhones(word.start_ticks, word.end_ticks, movable=False)
        for word, span, phones in zip(words, reviewed.spans, reviewed.phones)
    ]
    edges = pull_edges_to_pauses(inputs.pauses, timed_phones)
    aligned_times = [edges[index] if span is not None else None for index, span in enumerate(reviewed.spans)]
    return ordered_times(words, aligned_times, duration)


def _edge_phones(phones: tuple[str, ...]) -> tuple[str, str]:
    return (phones[0], phones[-1]) if phones else ("", "")


def _engine_times_only(
    words: tuple[TranscriptWord, ...], model_name: str | None, notice: str | None
) -> AlignmentResult:
    return AlignmentResult.of(
        words,
        (WordTimingSource.ENGINE,) * len(words),
        aligner_version=pocketsphinx_version(),
        acoustic_model=model_name,
        notice=notice,
    )


def _as_int16(samples: np.ndarray) -> np.ndarray:
    array = np.asarray(samples)
    if array.ndim != 1:
        raise ValueError(f"expected mono samples (one dimension), got shape {array.shape}")
    if array.dtype == np.int16:
        return array
    if np.issubdtype(array.dtype, np.floating):
        return (np.clip(array, -1.0, 1.0) * 32767).astype(np.int16)
    raise ValueError(f"expected int16 or float samples, got {array.dtype}")
