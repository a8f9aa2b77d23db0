"""The three files of one transcription run, written together."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from metavis_gui.contract.atomic_write import write_bytes_atomic
from metavis_gui.contract.captions import render_webvtt
from metavis_gui.contract.errors import TranscriptBundleInvalid
from metavis_gui.contract.summary import TranscriptSummary, serialize_summary
from metavis_gui.contract.word_record import WordRecord
from metavis_gui.contract.words_jsonl import serialize_word_records

WORDS_FILE_NAME = "transcript.words.v1.jsonl"
SUMMARY_FILE_NAME = "transcript.summary.v1.json"
CAPTIONS_FILE_NAME = "captions.vtt"
ADJACENT_CAPTIONS_SUFFIX = ".captions.vtt"


def adjacent_captions_path(media_path: Path) -> Path:
    """`<media stem>.captions.vtt` beside the media, the name the MetaVis export looks for."""
    media_path = Path(media_path)
    return media_path.with_name(media_path.stem + ADJACENT_CAPTIONS_SUFFIX)


def write_transcript_bundle(
    out_dir: Path,
    records: Iterable[WordRecord],
    summary: TranscriptSummary,
    adjacent_captions_for: Path | None = None,
) -> list[Path]:
    """Write words, summary and captions into `out_dir` (and captions beside the media).

    Everything is serialized and checked before the first file is touched, so
    invalid input leaves the disk as it was. Each file is replaced atomically;
    the set of files is not (a crash between files can leave old and new side by side).
    Returns the paths written, in writing order.
    """
    records = list(records)
    if summary.word_count != len(records):
        raise TranscriptBundleInvalid(
            f"summary wordCount is {summary.word_count} but there are {len(records)} words"
        )
    captions_bytes = render_webvtt(records).encode("utf-8")
    out_dir = Path(out_dir)
    contents_by_path: dict[Path, bytes] = {
        out_dir / WORDS_FILE_NAME: serialize_word_records(records),
        out_dir / SUMMARY_FILE_NAME: serialize_summary(summary),
        out_dir / CAPTIONS_FILE_NAME: captions_bytes,
    }
    if adjacent_captions_for is not None:
        adjacent_path = adjacent_captions_path(adjacent_captions_for)
        if not adjacent_path.parent.is_dir():
            raise TranscriptBundleInvalid(f"folder of the media does not exist: {adjacent_path.parent}")
        contents_by_path[adjacent_path] = captions_bytes
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, contents in contents_by_path.items():
        write_bytes_atomic(path, contents)
    return list(contents_by_path)
