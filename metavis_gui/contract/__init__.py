"""Layer 1: the MetaVis transcript contract (transcript.words.v1 and companions).

Pure Python and pydantic; nothing here imports Qt. The names below are imported from their module on first
use (PEP 562): a child that needs one small model (the aligner reads words) does not build every pydantic
model of the contract at start-up, which took about 0.12 s.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULE_OF_NAME = {
    "write_bytes_atomic": "atomic_write",
    "CaptionCue": "captions",
    "build_caption_cues": "captions",
    "milliseconds_from_ticks": "captions",
    "render_srt": "captions",
    "render_webvtt": "captions",
    "write_srt": "captions",
    "write_webvtt": "captions",
    "ContractError": "errors",
    "InvalidTime": "errors",
    "TranscriptBundleInvalid": "errors",
    "TranscriptFileInvalid": "errors",
    "WordRecordsInvalid": "errors",
    "SUMMARY_SCHEMA": "summary",
    "ToolInfo": "summary",
    "TranscriptSummary": "summary",
    "read_summary": "summary",
    "serialize_summary": "summary",
    "write_summary": "summary",
    "TICKS_PER_SECOND": "ticks",
    "seconds_from_ticks": "ticks",
    "ticks_from_seconds": "ticks",
    "CAPTIONS_FILE_NAME": "transcript_bundle",
    "SUMMARY_FILE_NAME": "transcript_bundle",
    "WORDS_FILE_NAME": "transcript_bundle",
    "TRANSCRIPT_FOLDER_SUFFIX": "transcript_bundle",
    "adjacent_captions_path": "transcript_bundle",
    "write_transcript_bundle": "transcript_bundle",
    "WORD_ID_PATTERN": "word_record",
    "WORD_SCHEMA": "word_record",
    "WordDraft": "word_record",
    "WordRecord": "word_record",
    "build_word_records": "word_record",
    "format_word_id": "word_record",
    "parse_word_id": "word_record",
    "TimingSummary": "word_timing",
    "WordTimingSource": "word_timing",
    "LineProblem": "words_jsonl",
    "WordsFileContents": "words_jsonl",
    "read_words_jsonl": "words_jsonl",
    "serialize_word_records": "words_jsonl",
    "validate_words_jsonl": "words_jsonl",
    "write_words_jsonl": "words_jsonl",
}

__all__ = [
    "CAPTIONS_FILE_NAME",
    "SUMMARY_FILE_NAME",
    "SUMMARY_SCHEMA",
    "TICKS_PER_SECOND",
    "TRANSCRIPT_FOLDER_SUFFIX",
    "WORDS_FILE_NAME",
    "WORD_ID_PATTERN",
    "WORD_SCHEMA",
    "CaptionCue",
    "ContractError",
    "InvalidTime",
    "LineProblem",
    "TimingSummary",
    "ToolInfo",
    "TranscriptBundleInvalid",
    "TranscriptFileInvalid",
    "TranscriptSummary",
    "WordDraft",
    "WordRecord",
    "WordRecordsInvalid",
    "WordTimingSource",
    "WordsFileContents",
    "adjacent_captions_path",
    "build_caption_cues",
    "build_word_records",
    "format_word_id",
    "milliseconds_from_ticks",
    "parse_word_id",
    "read_summary",
    "read_words_jsonl",
    "render_srt",
    "render_webvtt",
    "seconds_from_ticks",
    "serialize_summary",
    "serialize_word_records",
    "ticks_from_seconds",
    "validate_words_jsonl",
    "write_bytes_atomic",
    "write_srt",
    "write_summary",
    "write_transcript_bundle",
    "write_webvtt",
    "write_words_jsonl",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF_NAME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
    from metavis_gui.contract.atomic_write import write_bytes_atomic
    from metavis_gui.contract.captions import (
        CaptionCue,
        build_caption_cues,
        milliseconds_from_ticks,
        render_srt,
        render_webvtt,
        write_srt,
        write_webvtt,
    )
    from metavis_gui.contract.errors import (
        ContractError,
        InvalidTime,
        TranscriptBundleInvalid,
        TranscriptFileInvalid,
        WordRecordsInvalid,
    )
    from metavis_gui.contract.summary import (
        SUMMARY_SCHEMA,
        ToolInfo,
        TranscriptSummary,
        read_summary,
        serialize_summary,
        write_summary,
    )
    from metavis_gui.contract.ticks import TICKS_PER_SECOND, seconds_from_ticks, ticks_from_seconds
    from metavis_gui.contract.transcript_bundle import (
        CAPTIONS_FILE_NAME,
        SUMMARY_FILE_NAME,
        TRANSCRIPT_FOLDER_SUFFIX,
        WORDS_FILE_NAME,
        adjacent_captions_path,
        write_transcript_bundle,
    )
    from metavis_gui.contract.word_record import (
        WORD_ID_PATTERN,
        WORD_SCHEMA,
        WordDraft,
        WordRecord,
        build_word_records,
        format_word_id,
        parse_word_id,
    )
    from metavis_gui.contract.word_timing import TimingSummary, WordTimingSource
    from metavis_gui.contract.words_jsonl import (
        LineProblem,
        WordsFileContents,
        read_words_jsonl,
        serialize_word_records,
        validate_words_jsonl,
        write_words_jsonl,
    )
