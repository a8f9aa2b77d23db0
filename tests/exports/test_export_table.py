"""The export-format table, read by --export and the dialog: ids, names after the clip, clear refusals."""

from __future__ import annotations

from fractions import Fraction

import pytest
from timecode import Timecode

from metavis_gui.exports.clip_timing import (
    ClipTimingInvalid,
    clip_info_of,
    parse_timecode,
    timecode_of_frame,
)
from metavis_gui.exports.export_formats import EXPORT_FORMATS, UnknownExportFormat, parse_export_formats

NTSC = Fraction(30000, 1001)


def test_formats_from_repeated_and_comma_separated_values_in_table_order() -> None:
    formats = parse_export_formats(["otio,SRT", "vtt", " edl ", "srt"])
    assert [export_format.id for export_format in formats] == ["srt", "vtt", "edl", "otio"]


def test_an_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(UnknownExportFormat, match=r"'docx'.*srt, ass, vtt, txt, txt-timed, tsv, csv, fcpxml"):
        parse_export_formats(["srt,docx"])


def test_the_table_holds_the_issue_formats_once_each() -> None:
    ids = [export_format.id for export_format in EXPORT_FORMATS]
    expected = ["srt", "ass", "vtt", "txt", "txt-timed", "tsv", "csv", "fcpxml", "premiere-markers-csv", "edl", "otio"]
    assert ids == expected
    assert len({export_format.suffix for export_format in EXPORT_FORMATS}) == len(ids)


@pytest.mark.parametrize(
    ("frame", "rate", "drop_frame", "timecode"),
    [
        (0, NTSC, True, "00:00:00;00"),
        (1799, NTSC, True, "00:00:59;29"),
        (1800, NTSC, True, "00:01:00;02"),  # ;00 and ;01 are skipped at every minute...
        (17982, NTSC, True, "00:10:00;00"),  # ...but every tenth
        (107892, NTSC, True, "01:00:00;00"),
        (107892, NTSC, False, "00:59:56:12"),
        (3600, Fraction(60000, 1001), True, "00:01:00;04"),
        (90000, Fraction(25), False, "01:00:00:00"),
        (86400, Fraction(24000, 1001), False, "01:00:00:00"),
    ],
)
def test_timecodes_drop_frame_and_not(frame: int, rate: Fraction, drop_frame: bool, timecode: str) -> None:
    assert timecode_of_frame(frame, rate, drop_frame) == timecode
    assert parse_timecode(timecode, rate) == (frame, drop_frame)


def test_a_clip_from_what_ffprobe_says() -> None:
    clip = clip_info_of("/media/interview.mov", "30000/1001", "01:00:00;00", 11.0)
    assert (clip.stem, clip.frame_rate, clip.drop_frame, clip.start_frame) == ("interview", NTSC, True, 107892)
    audio_only = clip_info_of("/media/interview.wav", None, None, 2.0)
    assert (audio_only.frame_rate, audio_only.start_timecode, audio_only.duration_frames) == (25, "00:00:00:00", 50)


@pytest.mark.parametrize(
    ("rate", "timecode", "message"),
    [("0", None, "outside 1-240"), ("abc", None, "not a number"), ("25", "1:00:00", "HH:MM:SS:FF")],
)
def test_bad_rates_and_timecodes_say_what_is_expected(rate: str, timecode: str | None, message: str) -> None:
    with pytest.raises(ClipTimingInvalid, match=message):
        clip_info_of("clip.mov", rate, timecode)


@pytest.mark.parametrize(
    ("rate", "drop_frame"),
    [(NTSC, True), (Fraction(60000, 1001), True), (NTSC, False), (Fraction(24000, 1001), False), (Fraction(25), False)],
)
def test_timecodes_agree_with_the_timecode_package_over_a_day(rate: Fraction, drop_frame: bool) -> None:
    name = str(rate.numerator) if rate.denominator == 1 else f"{rate.numerator}/{rate.denominator}"
    frames = [*range(0, 40_000, 7), *range(107_800, 108_000), *range(2_589_000, 2_589_600, 3)]
    for frame in frames:
        expected = str(Timecode(name, frames=frame + 1, force_non_drop_frame=not drop_frame))
        assert timecode_of_frame(frame, rate, drop_frame) == expected, frame
