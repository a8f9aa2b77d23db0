"""Running the chunks' alignments: in this process, or spread over forked worker processes.

The decoder and the audio are made once, before the fork, and each worker inherits them copy-on-write.
Fork only: this runs in the alignment runner's child process, which has no threads, no Qt and no GUI
event loop; where fork is missing (Windows) chunks run one after another.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

import numpy as np

from metavis_gui.align.alignment_chunks import SAMPLE_RATE, AlignmentChunk
from metavis_gui.align.pocketsphinx_chunk_aligner import ChunkAlignment, ChunkAlignmentFailed, align_chunk
from metavis_gui.align.pronunciation_lexicon import AlignerWord

if TYPE_CHECKING:
    from pocketsphinx import Decoder


@dataclass(frozen=True)
class ChunkJob:
    chunk: AlignmentChunk
    words: tuple[AlignerWord, ...]  # the chunk's pronounceable words, in order


@dataclass(frozen=True)
class ChunkOutcome:
    index: int
    alignment: ChunkAlignment | None
    failure: str | None = None


@dataclass(frozen=True)
class _SharedState:
    decoder: Decoder
    samples: np.ndarray


# Starting and ending a pool of forked workers here costs about 0.1 s; aligning takes about 0.01 s of a core
# per second of audio, so below half a minute one process is done sooner. (The warm aligner has imported
# multiprocessing while it waited and exits without ending the pool: its fork costs it about 6 ms.)
FORKED_WORKERS_MIN_SAMPLES = 30 * SAMPLE_RATE

_shared: _SharedState | None = None  # set before forking; what every worker reads


class ChunkAligners:
    """Aligns chunks of one audio with one decoder: in this process, or in `workers` processes forked here
    once, which inherit the decoder and the audio and serve every pass over the chunks (first pass, merged
    retries, anchored rounds). A job then travels as its chunk and words."""

    def __init__(self, decoder: Decoder, samples: np.ndarray, workers: int) -> None:
        global _shared
        _shared = _SharedState(decoder, samples)
        self._pool: multiprocessing.pool.Pool | None = None
        if workers > 1 and can_fork():
            self._pool = multiprocessing.get_context("fork").Pool(workers)

    @classmethod
    def for_audio(cls, decoder: Decoder, samples: np.ndarray, workers: int) -> ChunkAligners:
        """Forked workers only where they pay for their start: FORKED_WORKERS_MIN_SAMPLES of audio or more."""
        return cls(decoder, samples, workers if samples.size >= FORKED_WORKERS_MIN_SAMPLES else 1)

    def run(
        self, jobs: Sequence[ChunkJob], finished: Callable[[ChunkOutcome], None] | None = None
    ) -> list[ChunkOutcome]:
        """Every job's outcome, in job order; `finished` hears of each as it completes (any order)."""
        outcomes: list[ChunkOutcome | None] = [None] * len(jobs)
        for outcome in self._outcomes(jobs):
            outcomes[outcome.index] = outcome
            if finished is not None:
                finished(outcome)
        return [outcome for outcome in outcomes if outcome is not None]

    def close(self) -> None:
        global _shared
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None
        _shared = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def _outcomes(self, jobs: Sequence[ChunkJob]) -> Iterator[ChunkOutcome]:
        indexed = list(enumerate(jobs))
        if self._pool is None or len(jobs) <= 1:
            yield from (_run_job(item) for item in indexed)
            return
        # Longest chunks first, so no worker is left with a long one at the end.
        indexed.sort(key=lambda item: item[1].chunk.end_sample - item[1].chunk.start_sample, reverse=True)
        yield from self._pool.imap_unordered(_run_job, indexed)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run_job(indexed_job: tuple[int, ChunkJob]) -> ChunkOutcome:
    assert _shared is not None, "ChunkAligners sets the shared state before any job runs"
    index, job = indexed_job
    if not job.words:
        return ChunkOutcome(index, None, "nothing to pronounce")
    audio = _shared.samples[job.chunk.start_sample : job.chunk.end_sample]
    try:
        return ChunkOutcome(index, align_chunk(_shared.decoder, audio, job.words))
    except ChunkAlignmentFailed as error:
        return ChunkOutcome(index, None, str(error))
