"""The real clip every export test starts from: the words whisper-cli and the aligner gave for jfk.wav."""

from __future__ import annotations

import os
from fractions import Fraction

from metavis_gui.contract import read_summary, read_words_jsonl
from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.exports.export_document import ExportDocument, FcpxmlContent
from metavis_gui.exports.export_words import ExportWord, export_words_of_records
from tests.conftest import DATA_DIR

EXPORTS_DATA = DATA_DIR / "exports"
GOLDEN_DIR = EXPORTS_DATA / "golden"
# METAVIS_UPDATE_GOLDENS=1 rewrites the golden files from the current writers (then read the diff).
UPDATE_GOLDENS = os.environ.get("METAVIS_UPDATE_GOLDENS") == "1"

# The clip as an audio file (the default 25 fps, from 00:00:00:00), and as a 29.97 drop-frame video
# starting at 01:00:00;00, as an editing suite's clip often does.
CLIPS = {
    "25fps": ClipInfo("jfk.wav", duration_ticks=11 * 60000),
    "2997df": ClipInfo("jfk.mov", Fraction(30000, 1001), drop_frame=True, start_frame=107892, duration_ticks=660000),
    "23976": ClipInfo("jfk.mxf", Fraction(24000, 1001), start_frame=86400, duration_ticks=660000),
}


def jfk_words() -> list[ExportWord]:
    records = read_words_jsonl(EXPORTS_DATA / "jfk.transcript.words.v1.jsonl").records
    timing = read_summary(EXPORTS_DATA / "jfk.transcript.summary.v1.json").timing
    return export_words_of_records(records, timing.sources() if timing is not None else None)


def jfk_document(clip: str = "25fps", fcpxml_content: FcpxmlContent = FcpxmlContent.MARKERS) -> ExportDocument:
    return ExportDocument(jfk_words(), CLIPS[clip], fcpxml_content=fcpxml_content)


def check_golden(name: str, produced: bytes) -> None:
    golden = GOLDEN_DIR / name
    if UPDATE_GOLDENS or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(produced)
        if not UPDATE_GOLDENS:
            raise AssertionError(f"{golden} did not exist; written now from the current writer: read it, then rerun")
    assert produced == golden.read_bytes(), f"{name} differs from {golden} (METAVIS_UPDATE_GOLDENS=1 rewrites it)"
