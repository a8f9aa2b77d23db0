"""Every format of the export table, written from the real JFK transcript, byte for byte as reviewed.

The goldens in tests/data/exports/golden/ were written by these writers and read by hand (and opened in
their readers, see the round-trip tests); METAVIS_UPDATE_GOLDENS=1 rewrites them after a deliberate change.
"""

from __future__ import annotations

import pytest

from metavis_gui.exports.export_document import FcpxmlContent
from metavis_gui.exports.export_formats import EXPORT_FORMATS, ExportFormat, export_file_name, render_exports
from tests.exports.jfk_exports import CLIPS, check_golden, jfk_document

EDITING_SUITE_FORMATS = ("fcpxml", "premiere-markers-csv", "edl", "otio")


@pytest.mark.parametrize("export_format", EXPORT_FORMATS, ids=lambda export_format: export_format.id)
def test_each_format_writes_its_golden_file(export_format: ExportFormat) -> None:
    document = jfk_document()
    check_golden(export_file_name(document.clip, export_format), export_format.writer(document))


@pytest.mark.parametrize("clip", ["2997df", "23976"])
@pytest.mark.parametrize("format_id", EDITING_SUITE_FORMATS)
def test_editing_suite_formats_at_other_rates_and_start_timecodes(clip: str, format_id: str) -> None:
    document = jfk_document(clip)
    export_format = next(row for row in EXPORT_FORMATS if row.id == format_id)
    check_golden(f"{clip}/{export_file_name(document.clip, export_format)}", export_format.writer(document))


def test_fcpxml_with_captions_instead_of_markers() -> None:
    document = jfk_document("2997df", FcpxmlContent.CAPTIONS)
    check_golden("2997df/jfk.captions.fcpxml", render_exports(document, EXPORT_FORMATS)["jfk.fcpxml"])


def test_files_are_named_after_the_clip_and_never_collide() -> None:
    names = list(render_exports(jfk_document(), EXPORT_FORMATS))
    assert len(set(names)) == len(EXPORT_FORMATS)
    assert all(name.startswith("jfk.") for name in names)
    assert {"jfk.srt", "jfk.ass", "jfk.vtt", "jfk.txt", "jfk.fcpxml", "jfk.edl", "jfk.otio"} <= set(names)


def test_the_drop_frame_clip_counts_in_drop_frame_timecode() -> None:
    edl = render_exports(jfk_document("2997df"), EXPORT_FORMATS)["jfk.edl"].decode()
    assert "FCM: DROP FRAME" in edl
    assert "01:00:00;09 01:00:00;10 01:00:00;09 01:00:00;10" in edl, edl
    assert CLIPS["2997df"].start_timecode == "01:00:00;00"
