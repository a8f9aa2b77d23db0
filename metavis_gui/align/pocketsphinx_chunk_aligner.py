"""Forced alignment of one chunk of audio against its words, with pocketsphinx's align search.

`set_align_text` builds a chain of the chunk's words with optional silence and fillers between them
(its FSG search); `seg()` then gives each word's frames (10 ms each). A chunk whose search never
reaches the last word, or whose words come back out of step with the text, failed as a whole.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from metavis_gui.align.acoustic_models import AcousticModel, model_problem
from metavis_gui.align.pronunciation_lexicon import AlignerWord

if TYPE_CHECKING:
    from pocketsphinx import Decoder

SAMPLE_RATE = 16000
SAMPLES_PER_FRAME = 160  # pocketsphinx's 100 frames a second
_VARIANT_SUFFIX = re.compile(r"\(\d+\)$")
_NON_WORDS = {"<s>", "</s>", "<sil>", "(NULL)"}
_SHORTEST_CHUNK_SAMPLES = SAMPLE_RATE // 10
# logmath_exp underflows below this natural log; a word scoring that low is judged at this bound.
_LOWEST_LOG_SCORE = math.log(np.finfo(np.float64).tiny)


@dataclass(frozen=True)
class AlignedWordFrames:
    """One aligner word in the chunk's frames: [start_frame, end_frame)."""

    start_frame: int
    end_frame: int
    log_score_per_frame: float  # acoustic log likelihood over the frame's best; near 0 is a good match
    phones: tuple[str, ...]  # of the pronunciation the search chose


@dataclass(frozen=True)
class ChunkAlignment:
    words: tuple[AlignedWordFrames, ...]  # one per aligner word given, in order
    pause_frames: tuple[tuple[int, int], ...]  # silence and fillers the search put between words, [start, end)
    frame_count: int


class AcousticModelFailed(RuntimeError):
    """pocketsphinx could not load the acoustic model or its dictionary."""


class ChunkAlignmentFailed(Exception):
    """The search found no path through all the words: music, noise, or text the audio does not hold."""


def create_decoder(model: AcousticModel) -> Decoder:
    """A decoder with the model's sounds and fillers but no words: align_chunk adds those it aligns, from
    the pronunciations the lexicon found in the model's dictionary (loading all of it costs 0.1 s)."""
    from pocketsphinx import Decoder

    problem = model_problem(model)
    if problem is not None:
        raise AcousticModelFailed(problem)
    try:
        return Decoder(
            hmm=str(model.model_folder),
            dict=os.devnull,
            lm=None,
            samprate=SAMPLE_RATE,
            loglevel="FATAL",
            # No penalty for silence between words: with the default (0.005) the search would rather
            # stretch a word over a pause than insert one, the largest errors it makes (200-400 ms).
            silprob=1.0,
        )
    except (RuntimeError, ValueError) as error:
        raise AcousticModelFailed(
            f"the acoustic model {model.name} ({model.model_folder}) failed to load: {error}"
        ) from error


def align_chunk(decoder: Decoder, samples: np.ndarray, words: Sequence[AlignerWord]) -> ChunkAlignment:
    """Align int16 mono samples (16 kHz) against `words`; raises ChunkAlignmentFailed."""
    if not words:
        raise ChunkAlignmentFailed("no words to align")
    if len(samples) < _SHORTEST_CHUNK_SAMPLES:
        raise ChunkAlignmentFailed("too little audio for its words")
    _add_missing_words(decoder, words)
    try:
        # The noise removal's estimate carries over from the last utterance; starting each chunk from
        # scratch makes a chunk's result independent of which chunks this decoder aligned before.
        decoder.reinit_feat()
        decoder.set_align_text(" ".join(word.name for word in words))
        decoder.start_utt()
        decoder.process_raw(np.ascontiguousarray(samples, dtype="<i2").tobytes(), full_utt=True)
        decoder.end_utt()
    except (RuntimeError, IndexError, ValueError) as error:
        raise ChunkAlignmentFailed(f"the align search failed: {error}") from error
    segments = decoder.seg()
    if segments is None:
        raise ChunkAlignmentFailed("the align search reached no end")
    aligned: list[AlignedWordFrames] = []
    pauses: list[tuple[int, int]] = []
    for segment in segments:
        start, end = segment.start_frame, segment.end_frame + 1
        name = _VARIANT_SUFFIX.sub("", segment.word)
        if name in _NON_WORDS or _is_filler(name):
            if end > start and name != "<s>" and name != "</s>":
                pauses.append((start, end))
            continue
        if len(aligned) >= len(words) or name != words[len(aligned)].name:
            raise ChunkAlignmentFailed(f"the search returned {name!r} out of step with the text")
        phones = tuple((decoder.lookup_word(segment.word) or "").split())
        aligned.append(AlignedWordFrames(start, end, _log_score_per_frame(segment.ascore, end - start), phones))
    if len(aligned) != len(words):
        raise ChunkAlignmentFailed(f"the search stopped after {len(aligned)} of {len(words)} words")
    return ChunkAlignment(tuple(aligned), tuple(pauses), decoder.n_frames())


def _add_missing_words(decoder: Decoder, words: Sequence[AlignerWord]) -> None:
    entries: dict[str, str] = {}
    for word in words:
        if not word.added_pronunciations or decoder.lookup_word(word.name) is not None:
            continue
        for number, phones in enumerate(word.added_pronunciations, start=1):
            entries[word.name if number == 1 else f"{word.name}({number})"] = phones
    for position, (name, phones) in enumerate(entries.items(), start=1):
        # A phone the model lacks (a folder model's dictionary) is refused; the align text then fails.
        with contextlib.suppress(RuntimeError):
            decoder.add_word(name, phones, position == len(entries))  # the search is rebuilt once, after the last


def _is_filler(name: str) -> bool:
    return name.startswith(("[", "++", "<"))


def _log_score_per_frame(acoustic_score: float, frames: int) -> float:
    log_score = math.log(acoustic_score) if acoustic_score > 0 else _LOWEST_LOG_SCORE
    return log_score / max(1, frames)
