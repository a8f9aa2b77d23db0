"""The three files of one transcription run (and any export files), written together as one unit."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from metavis_gui.contract.captions import render_webvtt
from metavis_gui.contract.errors import TranscriptBundleInvalid
from metavis_gui.contract.output_commit import STAGING_PREFIX, commit_outputs
from metavis_gui.contract.output_folder_lock import LOCK_FILE_NAME
from metavis_gui.contract.summary import TranscriptSummary, serialize_summary
from metavis_gui.contract.word_record import WordRecord
from metavis_gui.contract.words_jsonl import serialize_word_records

WORDS_FILE_NAME = "transcript.words.v1.jsonl"
SUMMARY_FILE_NAME = "transcript.summary.v1.json"
CAPTIONS_FILE_NAME = "captions.vtt"
ADJACENT_CAPTIONS_SUFFIX = ".captions.vtt"
TRANSCRIPT_FOLDER_SUFFIX = ".transcript"  # the window's `<stem>.transcript/` folder beside each clip


def adjacent_captions_path(media_path: Path) -> Path:
    """`<media stem>.captions.vtt` beside the media, the name the MetaVis export looks for."""
    media_path = Path(media_path)
    return media_path.with_name(media_path.stem + ADJACENT_CAPTIONS_SUFFIX)


def write_transcript_bundle(
    out_dir: Path,
    records: Iterable[WordRecord],
    summary: TranscriptSummary,
    adjacent_captions_for: Path | None = None,
    extra_files: Mapping[str, bytes] | None = None,
) -> list[Path]:
    """Write words, summary, captions and `extra_files` into `out_dir` (and captions beside the media) as one unit.

    Everything is serialized and checked before the first file is touched, so invalid input leaves the disk
    as it was; then all the files replace their old versions together, or none does (`output_commit`).
    Raises OutputFolderBusy when another run is writing to `out_dir`, OutputNotWritable when it cannot be written.
    Returns the paths written: the three files, the extra files, then the adjacent captions.
    """
    records = list(records)
    if summary.word_count != len(records):
        raise TranscriptBundleInvalid(f"summary wordCount is {summary.word_count} but there are {len(records)} words")
    extra_files = dict(extra_files or {})
    for name in extra_files:
        _check_extra_file_name(name)
    captions_bytes = render_webvtt(records).encode("utf-8")
    files: dict[str, bytes] = {
        WORDS_FILE_NAME: serialize_word_records(records),
        SUMMARY_FILE_NAME: serialize_summary(summary),
        CAPTIONS_FILE_NAME: captions_bytes,
    }
    files.update((name, bytes(contents)) for name, contents in extra_files.items())
    elsewhere: dict[Path, bytes] = {}
    if adjacent_captions_for is not None:
        adjacent_path = adjacent_captions_path(adjacent_captions_for)
        if not adjacent_path.parent.is_dir():
            raise TranscriptBundleInvalid(f"folder of the media does not exist: {adjacent_path.parent}")
        elsewhere[adjacent_path] = captions_bytes
    commit_outputs(out_dir, files, elsewhere)
    return [Path(out_dir) / name for name in files] + list(elsewhere)


def _check_extra_file_name(name: str) -> None:
    """An extra file is a plain name in the output folder, and never one of the contract's own files."""
    if not isinstance(name, str) or not name.strip() or name in {".", ".."}:
        raise TranscriptBundleInvalid(f"an extra output file needs a plain file name, not {name!r}")
    separators = {"/", "\\", "\0", os.sep, os.altsep or "/"}
    if any(separator in name for separator in separators):
        raise TranscriptBundleInvalid(f"an extra output file name must not contain a folder: {name!r}")
    if name in {WORDS_FILE_NAME, SUMMARY_FILE_NAME, CAPTIONS_FILE_NAME}:
        raise TranscriptBundleInvalid(f"an extra output file cannot replace the transcript's own {name}")
    if name.startswith((STAGING_PREFIX, LOCK_FILE_NAME)):
        raise TranscriptBundleInvalid(f"an extra output file cannot be named like the writer's own files: {name!r}")
