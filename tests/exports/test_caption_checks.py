"""Caption rules the words cannot keep become rows of the checks panel, on the caption's first word."""

from __future__ import annotations

from metavis_gui.exports.caption_checks import caption_check_problems
from metavis_gui.exports.caption_rules import CaptionRules, find_caption_preset
from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord
from metavis_gui.timeline.timing_checks import ProblemKind


def transcript_of(*words: tuple[str, int, int]) -> EditableTranscript:
    return EditableTranscript(
        [EditableWord(key, text, start, end, 1.0) for key, (text, start, end) in enumerate(words)], 600_000
    )


def test_a_fast_caption_and_an_overlong_word_are_listed_where_they_start() -> None:
    transcript = transcript_of(
        ("Supercalifragilisticexpialidocious-and-more", 60_000, 90_000),  # 43 characters in half a second
        ("Yes.", 90_000, 120_000),  # right after: no pause to stay longer in
    )
    problems = caption_check_problems(transcript, CaptionRules(), ClipInfo("clip.wav"))
    assert {problem.kind for problem in problems} == {ProblemKind.CAPTION}
    assert [problem.message.split(":")[0] for problem in problems] == ["line-too-long", "too-fast", "too-short"]
    assert all((problem.word_key, problem.tick) == (0, 60_000) for problem in problems)


def test_words_that_keep_the_rules_give_no_rows() -> None:
    transcript = transcript_of(("ask", 0, 30_000), ("not.", 30_000, 60_000), ("What", 120_000, 150_000))
    assert caption_check_problems(transcript, find_caption_preset("broadcast").rules, ClipInfo("clip.wav")) == []
