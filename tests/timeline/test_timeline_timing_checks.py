"""The checks panel's list: each kind of problem found, sorted by time, and "next problem"."""

from __future__ import annotations

from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord
from metavis_gui.timeline.timing_checks import ProblemKind, find_timing_problems, format_ticks, next_problem_after


def transcript() -> EditableTranscript:
    spans = [
        ("fine", 0, 6000, 0.9, "s_1"),
        ("flat", 6000, 6000, 0.9, "s_1"),  # zero length
        ("late", 200_000, 210_000, 0.9, "s_1"),  # 194 000-tick gap inside s_1
        ("doubt", 210_000, 220_000, 0.2, "s_1"),  # low confidence
        ("new", 400_000, 410_000, 0.9, "s_2"),  # long gap, but a new sentence
        ("long", 410_000, 450_000, 0.9, "s_2"),
        ("inside", 420_000, 430_000, 0.9, "s_2"),  # overlaps "long"
        ("after", 590_000, 610_000, 0.45, None),  # past the media end, low confidence
    ]
    words = [
        EditableWord(key, text, start, end, confidence, segment_id)
        for key, (text, start, end, confidence, segment_id) in enumerate(spans)
    ]
    return EditableTranscript(words, duration_ticks=600_000)


def test_every_kind_is_found_on_the_right_word_in_time_order() -> None:
    problems = find_timing_problems(transcript())
    assert [(problem.kind, problem.word_key) for problem in problems] == [
        (ProblemKind.ZERO_LENGTH, 1),
        (ProblemKind.LONG_GAP, 2),
        (ProblemKind.LOW_CONFIDENCE, 3),
        (ProblemKind.OVERLAP, 6),
        (ProblemKind.OUTSIDE_MEDIA, 7),
        (ProblemKind.LOW_CONFIDENCE, 7),
    ]
    messages = {problem.kind: problem.message for problem in problems}
    assert messages[ProblemKind.OVERLAP] == "'inside' at 0:00:07.000 overlaps 'long' by 500 ms"
    assert "after the media ends (0:00:10.000)" in messages[ProblemKind.OUTSIDE_MEDIA]
    assert "3233 ms gap inside its sentence" in messages[ProblemKind.LONG_GAP]


def test_thresholds_are_parameters() -> None:
    problems = find_timing_problems(transcript(), long_gap_ticks=300_000, low_confidence=0.3)
    kinds = [problem.kind for problem in problems]
    assert ProblemKind.LONG_GAP not in kinds
    assert kinds.count(ProblemKind.LOW_CONFIDENCE) == 1


def test_a_clean_transcript_has_no_problems() -> None:
    words = [EditableWord(key, f"w{key}", key * 1000, key * 1000 + 900, 0.95, "s_1") for key in range(50)]
    assert find_timing_problems(EditableTranscript(words, 60_000)) == []


def test_next_problem_after_a_tick_wraps_to_the_first() -> None:
    problems = find_timing_problems(transcript())
    assert next_problem_after(problems, 0).word_key == 1
    assert next_problem_after(problems, 6000).word_key == 2
    assert next_problem_after(problems, 420_000).word_key == 7
    assert next_problem_after(problems, 590_000).word_key == 1
    assert next_problem_after(problems, 590_000, wrap=False) is None
    assert next_problem_after([], 0) is None


def test_format_ticks() -> None:
    assert format_ticks(0) == "0:00:00.000"
    assert format_ticks(60_000 * 3725 + 60) == "1:02:05.001"
