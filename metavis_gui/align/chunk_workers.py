"""Running the chunks' alignments: in this process, or spread over forked worker processes.

The decoder (about 130 MB, 0.2-0.3 s to load) and the audio are made once, before the fork, and each
worker inherits them copy-on-write: a chunk's job is then just its index. Fork only: this runs in the
alignment runner's child process, which has no threads, no Qt and no GUI event loop; where fork is
missing (Windows) chunks run one after another.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    jobs: Sequence[ChunkJob]


# Starting and ending a pool of forked workers costs about 0.1 s; aligning takes about 0.01 s of a core per
# second of audio, so below half a minute one process is done sooner.
FORKED_WORKERS_MIN_SAMPLES = 30 * SAMPLE_RATE

_shared: _SharedState | None = None  # set before forking; what every worker reads


def run_chunk_jobs(
    decoder: Decoder,
    samples: np.ndarray,
    jobs: Sequence[ChunkJob],
    workers: int,
    finished: Callable[[ChunkOutcome], None] | None = None,
) -> list[ChunkOutcome]:
    """Every job's outcome, in job order; `finished` hears of each as it completes (any order)."""
    global _shared
    _shared = _SharedState(decoder, samples, jobs)
    try:
        outcomes: list[ChunkOutcome | None] = [None] * len(jobs)
        for outcome in _outcomes(len(jobs), workers):
            outcomes[outcome.index] = outcome
            if finished is not None:
                finished(outcome)
        return [outcome for outcome in outcomes if outcome is not None]
    finally:
        _shared = None


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _outcomes(job_count: int, workers: int) -> Iterator[ChunkOutcome]:
    worker_count = min(max(1, workers), job_count)
    if worker_count <= 1 or not can_fork() or _total_job_samples(job_count) < FORKED_WORKERS_MIN_SAMPLES:
        yield from map(_run_job, range(job_count))
        return
    with multiprocessing.get_context("fork").Pool(worker_count) as pool:
        # Longest chunks first, so no worker is left with a long one at the end.
        order = sorted(range(job_count), key=_job_length, reverse=True)
        yield from pool.imap_unordered(_run_job, order)


def _total_job_samples(job_count: int) -> int:
    return sum(map(_job_length, range(job_count)))


def _job_length(index: int) -> int:
    assert _shared is not None
    chunk = _shared.jobs[index].chunk
    return chunk.end_sample - chunk.start_sample


def _run_job(index: int) -> ChunkOutcome:
    assert _shared is not None, "run_chunk_jobs sets the shared state before any job runs"
    job = _shared.jobs[index]
    if not job.words:
        return ChunkOutcome(index, None, "nothing to pronounce")
    audio = _shared.samples[job.chunk.start_sample : job.chunk.end_sample]
    try:
        return ChunkOutcome(index, align_chunk(_shared.decoder, audio, job.words))
    except ChunkAlignmentFailed as error:
        return ChunkOutcome(index, None, str(error))
