"""Captions keep every rule they can (hypothesis), and every rule a caption breaks is one the problems name."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from metavis_gui.exports.caption_building import Caption, FrameLimits, build_captions
from metavis_gui.exports.caption_problems import CaptionProblemKind, find_caption_problems
from metavis_gui.exports.caption_rules import CAPTION_PRESETS, CaptionRules
from metavis_gui.exports.caption_units import ends_sentence
from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.exports.export_words import ExportWord

SAMPLE_WORDS = (
    "And", "so,", "my", "fellow", "Americans,", "ask", "not", "what", "your", "country", "can", "do", "for",
    "you.", "John", "F.", "Kennedy", "Mr.", "Smith", "1961", "3", "million", "twenty", "five", "well-known",
    "Okonkwo?", "extraordinarily-long-compound-word", "I", "New", "York", "a", "—", "done!",
)  # fmt: skip
RATES = (Fraction(25), Fraction(30000, 1001), Fraction(24), Fraction(50))


@st.composite
def timed_words(draw: st.DrawFn) -> list[ExportWord]:
    words, tick = [], draw(st.integers(0, 60000))
    for _ in range(draw(st.integers(0, 40))):
        tick += draw(st.sampled_from([0, 0, 0, 600, 3000, 12000, 60000, 90000, 200000]))
        length = draw(st.integers(0, 150000))
        text = draw(st.sampled_from(SAMPLE_WORDS))
        words.append(ExportWord(text, tick, tick + length, speaker_label=draw(st.sampled_from([None, None, "T2"]))))
        tick += length
    return words


@st.composite
def caption_rules(draw: st.DrawFn) -> CaptionRules:
    if draw(st.booleans()):
        return draw(st.sampled_from(CAPTION_PRESETS)).rules
    min_ms = draw(st.integers(0, 3000))
    return CaptionRules(
        max_chars_per_line=draw(st.integers(8, 50)),
        max_lines=draw(st.integers(1, 3)),
        max_chars_per_second=draw(st.floats(5, 30)),
        min_duration_ms=min_ms,
        max_duration_ms=draw(st.integers(max(min_ms, 100), 10000)),
        min_gap_frames=draw(st.integers(0, 5)),
        break_at_sentence_end=draw(st.booleans()),
        pause_break_ms=draw(st.integers(0, 3000)),
    )


def clip_for(words: list[ExportWord], rate: Fraction, open_end: bool) -> ClipInfo:
    last_end = max((word.end_ticks for word in words), default=0)
    return ClipInfo("clip.mov", rate, duration_ticks=0 if open_end else last_end + 30000)


@settings(max_examples=300, deadline=None)
@given(words=timed_words(), rules=caption_rules(), rate=st.sampled_from(RATES), open_end=st.booleans())
def test_captions_keep_the_rules_they_can_and_report_the_rest(
    words: list[ExportWord], rules: CaptionRules, rate: Fraction, open_end: bool
) -> None:
    clip = clip_for(words, rate, open_end)
    captions = build_captions(words, rules, clip)
    limits = FrameLimits.of(rules, rate)
    reported = {(problem.caption_index, problem.kind) for problem in find_caption_problems(captions, rules, rate)}

    # Every word once, in order, and never a break inside a word.
    assert [caption.first_word for caption in captions] == sorted({caption.first_word for caption in captions})
    assert sum(caption.last_word - caption.first_word + 1 for caption in captions) == len(words)
    assert " ".join(caption.text for caption in captions).split() == " ".join(word.text for word in words).split()

    for index, caption in enumerate(captions):
        following = captions[index + 1] if index + 1 < len(captions) else None
        one_word = caption.first_word == caption.last_word
        assert caption.end_frame > caption.start_frame
        # Hard breaks: no sentence end, long pause or change of speaker inside a caption.
        for before, after in zip(
            words[caption.first_word : caption.last_word], words[caption.first_word + 1 : caption.last_word + 1]
        ):
            assert not (rules.break_at_sentence_end and ends_sentence(before.text))
            assert after.start_ticks - before.end_ticks <= rules.pause_break_ms * 60
            assert after.speaker_label == before.speaker_label
        # Line length and count: only a single word longer than a line may break them.
        assert len(caption.lines) <= rules.max_lines
        for line in caption.lines:
            assert len(line) <= rules.max_chars_per_line or " " not in line
        # The longest duration: only a single word spoken for longer may break it.
        spoken = clip.frame_of_ticks(max(word.end_ticks for word in words[caption.first_word : caption.last_word + 1]))
        assert caption.duration_frames <= limits.max_frames or (
            one_word and spoken - caption.start_frame > limits.max_frames
        )
        # Room the caption had: up to the next caption less the gap, the media's end, its longest duration.
        room = limits.max_frames
        if following is not None:
            room = min(room, following.start_frame - rules.min_gap_frames - caption.start_frame)
        if clip.duration_ticks:
            room = min(room, clip.duration_frames - caption.start_frame)
        if caption.duration_frames < limits.min_frames:
            assert room < limits.min_frames
        if caption.duration_frames < limits.reading_frames(len(caption.text), rules):
            assert room < limits.reading_frames(len(caption.text), rules)
        if following is not None and following.start_frame - caption.end_frame < rules.min_gap_frames:
            assert following.start_frame - rules.min_gap_frames <= caption.start_frame or caption.end_frame <= spoken

        # What is broken is reported, and only that.
        broken = {
            CaptionProblemKind.LINE_TOO_LONG: any(len(line) > rules.max_chars_per_line for line in caption.lines),
            CaptionProblemKind.TOO_MANY_LINES: len(caption.lines) > rules.max_lines,
            CaptionProblemKind.TOO_FAST: len(caption.text) / (Fraction(caption.duration_frames) / rate)
            > Fraction(rules.max_chars_per_second),
            CaptionProblemKind.TOO_SHORT: Fraction(caption.duration_frames) / rate * 1000 < rules.min_duration_ms,
            CaptionProblemKind.TOO_LONG: Fraction(caption.duration_frames) / rate * 1000 > rules.max_duration_ms,
            CaptionProblemKind.GAP_TOO_SHORT: following is not None
            and following.start_frame - caption.end_frame < rules.min_gap_frames,
        }
        for kind, is_broken in broken.items():
            assert ((index, kind) in reported) == is_broken, (kind, caption)


def _caption_texts(captions: list[Caption]) -> list[str]:
    return [caption.text for caption in captions]


def test_a_name_or_number_is_never_split_across_captions_or_lines() -> None:
    texts = [
        "We",
        "met",
        "John",
        "F.",
        "Kennedy",
        "and",
        "Mr.",
        "Smith",
        "in",
        "New",
        "York",
        "with",
        "3",
        "million",
        "people",
        "on",
        "the",
        "twenty",
        "five",
        "of",
        "May.",
    ]
    words = [ExportWord(text, index * 24000, index * 24000 + 20000) for index, text in enumerate(texts)]
    rules = CaptionRules(max_chars_per_line=16, max_lines=1, max_chars_per_second=100, min_duration_ms=0)
    captions = build_captions(words, rules, ClipInfo("clip.wav"))
    lines = [line for caption in captions for line in caption.lines]
    for name in ("John F. Kennedy", "Mr. Smith", "New York", "3 million", "twenty five"):
        assert any(name in line for line in lines), (name, lines)


def test_a_name_longer_than_a_line_gives_way_to_the_line_rule() -> None:
    texts = ["Maximilian", "Ferdinand", "Oppenheimer", "spoke."]
    words = [ExportWord(text, index * 24000, index * 24000 + 20000) for index, text in enumerate(texts)]
    captions = build_captions(words, CaptionRules(max_chars_per_line=24, max_lines=1), ClipInfo("clip.wav"))
    assert all(len(caption.text) <= 24 for caption in captions)
    assert _caption_texts(captions)[0] == "Maximilian Ferdinand"


def test_reading_speed_extends_a_caption_into_the_pause_after_it() -> None:
    # 25 characters spoken in half a second need 25/17 s on screen; the pause after it leaves room.
    words = [
        ExportWord("Remarkably", 0, 15000),
        ExportWord("extraordinary!", 15000, 30000),
        ExportWord("Yes.", 300000, 330000),
    ]
    captions = build_captions(words, CaptionRules(), ClipInfo("clip.wav"))
    assert captions[0].duration_frames == 37  # ceil(25 characters / 17 CPS * 25 fps)
    assert find_caption_problems(captions, CaptionRules(), Fraction(25)) == []
