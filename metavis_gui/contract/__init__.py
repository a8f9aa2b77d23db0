"""Layer 1: the MetaVis transcript contract (transcript.words.v1 and companions).

Pure Python and pydantic; nothing here imports Qt.
"""

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
from metavis_gui.contract.ticks import (
    TICKS_PER_SECOND,
    seconds_from_ticks,
    ticks_from_seconds,
)
from metavis_gui.contract.transcript_bundle import (
    CAPTIONS_FILE_NAME,
    SUMMARY_FILE_NAME,
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

__all__ = [
    "CAPTIONS_FILE_NAME",
    "SUMMARY_FILE_NAME",
    "SUMMARY_SCHEMA",
    "TICKS_PER_SECOND",
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
