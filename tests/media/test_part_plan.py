"""Parts of kept speech: shared out evenly, cut in the gaps, and their times mapped back to the source."""

from __future__ import annotations

import numpy as np
import pytest

from metavis_gui.media.part_plan import PartPiece, PartPlan, plan_parts
from metavis_gui.media.speech_spans import SampleSpan, kept_spans

RATE = 16000


def _span(first_seconds: float, end_seconds: float) -> SampleSpan:
    return SampleSpan(round(first_seconds * RATE), round(end_seconds * RATE))


def _loud(first: int, count: int) -> np.ndarray:
    return np.full(count, 1000, dtype=np.int16)


def test_kept_spans_bridge_short_pauses_and_leave_long_non_speech_out() -> None:
    speech = [_span(1.0, 10.0), _span(11.5, 20.0), _span(60.0, 70.0), _span(100.0, 118.5)]
    kept = kept_spans(speech, total_samples=120 * RATE, min_skipped_seconds=3.0)
    # Non-speech under 3 s stays in, also at the very start and end; the 40 s and 30 s stretches go.
    assert kept == [_span(0.0, 20.0), _span(60.0, 70.0), _span(100.0, 120.0)]


def test_two_parts_are_cut_in_the_gap_nearest_the_even_share() -> None:
    kept = [_span(0, 50), _span(120, 170), _span(300, 320)]  # 120 s kept: the share ends at 60 s kept
    first, second = plan_parts(kept, 2, _loud)
    assert first.pieces == (PartPiece(0, 50 * RATE, 0),)
    assert second.pieces == (PartPiece(120 * RATE, 50 * RATE, 0), PartPiece(300 * RATE, 20 * RATE, 50 * RATE))


def test_a_share_far_from_any_gap_is_cut_inside_a_span_at_its_quietest_moment() -> None:
    kept = [_span(0, 200), _span(400, 410)]  # 210 s kept; the share ends at 105 s, 95 s from the gap

    def pause_at_100_seconds(first: int, count: int) -> np.ndarray:
        samples = np.full(count, 1000, dtype=np.int16)
        pause = slice(max(0, 100 * RATE - first), max(0, 100 * RATE + RATE // 2 - first))
        samples[pause] = 0
        return samples

    first, second = plan_parts(kept, 2, pause_at_100_seconds)
    cut = first.sample_count / RATE
    assert 100.0 <= cut <= 100.5
    assert second.pieces[0].source_first == first.sample_count and second.pieces[1].source_first == 400 * RATE


def test_part_times_map_back_to_the_source_and_an_end_stays_in_its_starts_piece() -> None:
    plan = PartPlan((PartPiece(10 * RATE, 5 * RATE, 0), PartPiece(100 * RATE, 5 * RATE, 5 * RATE)))
    assert plan.source_seconds(2.0) == pytest.approx(12.0)
    assert plan.source_seconds(6.0) == pytest.approx(101.0)
    piece = plan.piece_at(4.5)
    assert plan.source_seconds(5.5, piece=piece) == pytest.approx(15.0), "clamped to the end of its piece"
