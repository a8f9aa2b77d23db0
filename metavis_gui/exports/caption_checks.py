"""Caption rules the timeline's words cannot keep, as rows of the checks panel (on the caption's first word)."""

from __future__ import annotations

from metavis_gui.exports.caption_building import build_captions
from metavis_gui.exports.caption_problems import find_caption_problems
from metavis_gui.exports.caption_rules import CaptionRules
from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.exports.export_words import export_words_of_timeline
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.timing_checks import ProblemKind, TimingProblem


def caption_check_problems(transcript: EditableTranscript, rules: CaptionRules, clip: ClipInfo) -> list[TimingProblem]:
    """One problem per broken rule of each caption, at its first word's start (where the word's own checks sit)."""
    words = export_words_of_timeline(transcript)
    captions = build_captions(words, rules, clip)
    problems = []
    for problem in find_caption_problems(captions, rules, clip.frame_rate):
        first = words[problem.first_word]
        assert first.key is not None  # words of the timeline always carry their key
        problems.append(
            TimingProblem(ProblemKind.CAPTION, first.key, f"{problem.kind.value}: {problem.message}", first.start_ticks)
        )
    return problems
