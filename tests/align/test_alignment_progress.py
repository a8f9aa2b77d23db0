"""The alignment stage's share of the progress bar."""

from __future__ import annotations

import pytest

from metavis_gui.align.alignment_progress import ProgressShare


def test_the_alignment_progress_never_moves_back_over_rounds_of_retries() -> None:
    reported: list[float] = []
    share = ProgressShare(reported.append, chunk_count=3)
    for _ in range(3):
        share.chunk_done()
    for round_size in (2, 5, 1):
        share.start_retry_round(round_size)
        for _ in range(round_size):
            share.chunk_done()
    share.finished()
    assert reported == sorted(reported) and reported[-1] == 1.0
    assert reported[2] == pytest.approx(0.9) and reported[4] == pytest.approx(0.95) and max(reported[:-1]) < 1.0
