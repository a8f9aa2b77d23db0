from pathlib import Path

from metavis_gui.contract import (
    CaptionCue,
    WordDraft,
    WordRecord,
    build_caption_cues,
    build_word_records,
    milliseconds_from_ticks,
    render_srt,
    render_webvtt,
    write_srt,
    write_webvtt,
)

SECOND = 60000


def _words(*spans: tuple[str, float, float], speaker_label: str | None = None) -> list[WordRecord]:
    return build_word_records(
        WordDraft(
            word=word, start_ticks=round(start * SECOND), end_ticks=round(end * SECOND), speaker_label=speaker_label
        )
        for word, start, end in spans
    )


def _cue_texts(records: list[WordRecord]) -> list[str]:
    return [cue.text for cue in build_caption_cues(records)]


def test_words_without_any_break_share_one_cue() -> None:
    records = _words(("one", 0.0, 0.3), ("two", 0.4, 0.7), ("three", 0.8, 1.0))
    assert build_caption_cues(records) == [CaptionCue(0, 60000, "one two three", None)]


def test_new_cue_once_the_cue_lasts_four_seconds() -> None:
    just_under = _words(("a", 0.0, 1.0), ("b", 1.5, 3.0), ("c", 3.5, 3.999), ("d", 4.1, 4.5))
    assert _cue_texts(just_under) == ["a b c d"]
    reaching = _words(("a", 0.0, 1.0), ("b", 1.5, 3.0), ("c", 3.5, 4.0), ("d", 4.1, 4.5))
    assert _cue_texts(reaching) == ["a b c", "d"]


def test_new_cue_after_twelve_words() -> None:
    spans = [(f"w{index}", index * 0.1, index * 0.1 + 0.05) for index in range(25)]
    assert [len(text.split()) for text in _cue_texts(_words(*spans))] == [12, 12, 1]


def test_new_cue_after_a_gap_of_point_eight_seconds() -> None:
    short_gap = _words(("a", 0.0, 0.5), ("b", 1.2999, 1.5))
    assert _cue_texts(short_gap) == ["a b"]
    long_gap = _words(("a", 0.0, 0.5), ("b", 1.3, 1.5))
    assert _cue_texts(long_gap) == ["a", "b"]


def test_new_cue_after_sentence_ending_punctuation() -> None:
    for ending in (".", "!", "?"):
        records = _words((f"Yes{ending}", 0.0, 0.2), ("next", 0.3, 0.5))
        assert _cue_texts(records) == [f"Yes{ending}", "next"]
    for not_ending in (",", ";", ":", "-", "..x"):
        records = _words((f"Yes{not_ending}", 0.0, 0.2), ("next", 0.3, 0.5))
        assert _cue_texts(records) == [f"Yes{not_ending} next"]


def test_new_cue_when_the_speaker_changes() -> None:
    records = build_word_records(
        [
            WordDraft(word="hi", start_ticks=0, end_ticks=100, speaker_label="T1"),
            WordDraft(word="there", start_ticks=200, end_ticks=300, speaker_label="T1"),
            WordDraft(word="hello", start_ticks=400, end_ticks=500, speaker_label="T2"),
        ]
    )
    cues = build_caption_cues(records)
    assert [(cue.text, cue.speaker_label) for cue in cues] == [("hi there", "T1"), ("hello", "T2")]


def test_webvtt_document_with_speaker_voice_and_escaping() -> None:
    records = _words(("Fish", 0.0, 0.5), ("&", 0.6, 0.7), ("<chips>.", 0.8, 1.2), ("Bye", 3.0, 3.4), speaker_label="T1")
    assert render_webvtt(records) == (
        "WEBVTT\n"
        "\n"
        "00:00:00.000 --> 00:00:01.200\n"
        "<v T1>Fish &amp; &lt;chips&gt;.\n"
        "\n"
        "00:00:03.000 --> 00:00:03.400\n"
        "<v T1>Bye\n"
    )


def test_webvtt_without_speaker_has_no_voice_tag_and_no_words_is_just_the_header() -> None:
    assert render_webvtt(_words(("Hi", 1.0, 2.0))) == "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n"
    assert render_webvtt([]) == "WEBVTT\n\n"


def test_srt_is_numbered_with_comma_milliseconds() -> None:
    records = _words(("One.", 0.0, 0.5), ("Two", 3723.25, 3724.0))
    assert render_srt(records) == ("1\n00:00:00,000 --> 00:00:00,500\nOne.\n\n2\n01:02:03,250 --> 01:02:04,000\nTwo\n")
    labelled = _words(("Hi", 0.0, 0.5), speaker_label="T2")
    assert render_srt(labelled) == "1\n00:00:00,000 --> 00:00:00,500\nT2: Hi\n"


def test_milliseconds_round_half_up_and_cue_end_never_precedes_start() -> None:
    assert [milliseconds_from_ticks(ticks) for ticks in (0, 29, 30, 59, 60, 89, 90)] == [0, 0, 1, 1, 1, 1, 2]
    records = build_word_records([WordDraft(word="blip", start_ticks=89, end_ticks=90)])
    assert render_webvtt(records) == "WEBVTT\n\n00:00:00.001 --> 00:00:00.002\nblip\n"
    zero = build_word_records([WordDraft(word="zero", start_ticks=30, end_ticks=30)])
    assert "00:00:00.001 --> 00:00:00.001" in render_webvtt(zero)


def test_cue_end_is_the_latest_word_end_when_words_overlap() -> None:
    records = build_word_records(
        [WordDraft(word="long", start_ticks=0, end_ticks=6000), WordDraft(word="short", start_ticks=100, end_ticks=200)]
    )
    assert build_caption_cues(records) == [CaptionCue(0, 6000, "long short", None)]


def test_line_breaks_inside_a_word_cannot_split_a_caption() -> None:
    records = build_word_records([WordDraft(word="two\n\nlines", start_ticks=0, end_ticks=60)])
    assert render_webvtt(records).endswith("\ntwo lines\n")


def test_writers_write_utf8_files(tmp_path: Path) -> None:
    records = _words(("Grüße", 0.0, 0.5))
    write_webvtt(tmp_path / "c.vtt", records)
    write_srt(tmp_path / "c.srt", records)
    assert (tmp_path / "c.vtt").read_bytes() == render_webvtt(records).encode("utf-8")
    assert (tmp_path / "c.srt").read_bytes() == render_srt(records).encode("utf-8")
