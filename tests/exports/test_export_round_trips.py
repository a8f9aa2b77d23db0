"""Each export with a reader opens in it (pysubs2, opentimelineio, an XML parser, csv) with the same entries,
each within one frame of the captions (or words) it was written from."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import opentimelineio as otio
import pysubs2
import pytest

from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.exports.export_document import ExportDocument, FcpxmlContent, TimedText
from metavis_gui.exports.export_formats import EXPORT_FORMATS, ExportFormat
from metavis_gui.exports.export_words import ExportWord
from tests.exports.jfk_exports import CLIPS, jfk_document

READABLE = [export_format for export_format in EXPORT_FORMATS if export_format.reader is not None]


def expected_entries(document: ExportDocument, export_format: ExportFormat) -> list[TimedText]:
    if export_format.holds_words:
        return [TimedText(word.start_ticks, word.end_ticks, word.text) for word in document.words]
    return [TimedText(caption.start_ticks, caption.end_ticks, caption.text) for caption in document.captions]


def frame_ticks(document: ExportDocument) -> float:
    return 60000 / float(document.clip.frame_rate)


@pytest.mark.parametrize("clip", list(CLIPS))
@pytest.mark.parametrize("export_format", READABLE, ids=lambda export_format: export_format.id)
def test_read_back_within_one_frame(export_format: ExportFormat, clip: str) -> None:
    document = jfk_document(clip)
    read = export_format.reader(export_format.writer(document), document.clip)  # type: ignore[misc]
    expected = expected_entries(document, export_format)
    assert len(read) == len(expected) > 0
    one_frame = frame_ticks(document)
    for got, wanted in zip(read, expected, strict=True):
        assert abs(got.start_ticks - wanted.start_ticks) <= one_frame, (got, wanted)
        assert abs(got.end_ticks - wanted.end_ticks) <= one_frame, (got, wanted)
        assert " ".join(got.text.split()) == wanted.text


def test_fcpxml_captions_read_back_within_one_frame() -> None:
    document = jfk_document("2997df", FcpxmlContent.CAPTIONS)
    fcpxml = next(row for row in EXPORT_FORMATS if row.id == "fcpxml")
    read = fcpxml.reader(fcpxml.writer(document), document.clip)  # type: ignore[misc]
    expected = expected_entries(document, fcpxml)
    assert [entry.text.replace("\n", " ") for entry in read] == [entry.text for entry in expected]
    assert all(
        abs(got.start_ticks - wanted.start_ticks) <= frame_ticks(document) for got, wanted in zip(read, expected)
    )


def test_subtitles_open_in_pysubs2_with_the_caption_lines() -> None:
    document = jfk_document()
    for format_id in ("srt", "ass", "vtt"):
        export_format = next(row for row in EXPORT_FORMATS if row.id == format_id)
        subtitles = pysubs2.SSAFile.from_string(export_format.writer(document).decode(), format_=format_id)
        assert [event.plaintext.split("\n") for event in subtitles.events] == [
            list(caption.lines) for caption in document.captions
        ]


def test_otio_opens_with_the_clip_at_its_rate_and_start_timecode() -> None:
    document = jfk_document("2997df")
    otio_format = next(row for row in EXPORT_FORMATS if row.id == "otio")
    timeline = otio.adapters.read_from_string(otio_format.writer(document).decode(), "otio_json")
    (clip,) = list(timeline.find_clips())
    assert clip.source_range.start_time.rate == pytest.approx(30000 / 1001)
    assert otio.opentime.to_timecode(clip.source_range.start_time, 30000 / 1001, True) == "01:00:00;00"
    assert len(clip.markers) == len(document.captions)


def test_edl_events_keep_the_cmx3600_field_widths() -> None:
    edl = next(row for row in EXPORT_FORMATS if row.id == "edl")
    for clip in CLIPS:
        text = edl.writer(jfk_document(clip)).decode()
        events = [line for line in text.splitlines() if line[:1].isdigit()]
        assert events
        for line in events:
            # Columns (1-based): event 1-3, reel 6-13, channel 15-18, transition 21-24, then four timecodes
            # of 11 characters at 30, 42, 54 and 66.
            assert re.fullmatch(r"\d{3}", line[0:3]) and line[3:5] == "  ", line
            assert line[5:13] == "001     " and line[13] == " " and line[14] == "V", line
            assert line[20] == "C", line
            for column in (29, 41, 53, 65):
                assert re.fullmatch(r"\d\d:\d\d:\d\d[:;]\d\d", line[column : column + 11]), (column, line)
            assert len(line) == 76


def test_edl_reader_refuses_a_misaligned_event_line() -> None:
    edl = next(row for row in EXPORT_FORMATS if row.id == "edl")
    document = jfk_document()
    broken = edl.writer(document).replace(b"001  001      V", b"001 001       V", 1)
    with pytest.raises(ValueError, match="field widths"):
        edl.reader(broken, document.clip)  # type: ignore[misc]


@pytest.mark.parametrize("content", list(FcpxmlContent))
def test_fcpxml_is_well_formed_and_frame_aligned(content: FcpxmlContent) -> None:
    document = jfk_document("2997df", content)
    fcpxml = next(row for row in EXPORT_FORMATS if row.id == "fcpxml")
    root = ElementTree.fromstring(fcpxml.writer(document))
    assert root.tag == "fcpxml" and root.get("version") == "1.10"
    format_element = root.find("resources/format")
    asset = root.find("resources/asset")
    assert format_element is not None and format_element.get("frameDuration") == "1001/30000s"
    assert asset is not None and asset.find("media-rep") is not None
    clip = root.find("library/event/project/sequence/spine/asset-clip")
    assert clip is not None and clip.get("ref") == asset.get("id") and clip.get("tcFormat") == "DF"
    entries = clip.findall("marker" if content is FcpxmlContent.MARKERS else "caption")
    assert len(entries) == len(document.captions)
    for element in [clip, *entries]:
        for attribute in ("start", "offset", "duration"):
            value = element.get(attribute)
            if value is not None:
                numerator, _, denominator = value.removesuffix("s").partition("/")
                assert denominator in ("", "30000") and int(numerator) % 1001 == 0, (attribute, value)


def test_speakers_and_markup_characters_survive_each_caption_format() -> None:
    words = [
        ExportWord("Profit", 0, 30_000, speaker_label="T1"),
        ExportWord("<b>&{up}\\", 30_000, 60_000, speaker_label="T1"),
        ExportWord("Really?", 120_000, 150_000, speaker_label="T2"),
    ]
    document = ExportDocument(words, ClipInfo("meeting.wav"))
    texts = {row.id: row.writer(document).decode() for row in EXPORT_FORMATS if row.id in ("srt", "ass", "vtt")}
    assert "T1: Profit <b>&(up)/" in texts["srt"] and "T2: Really?" in texts["srt"]
    assert "<v T1>Profit &lt;b&gt;&amp;(up)/" in texts["vtt"] and "<v T2>Really?" in texts["vtt"]
    assert ",T1,0,0,0,,Profit <b>&(up)/" in texts["ass"] and ",T2,0,0,0,,Really?" in texts["ass"]
