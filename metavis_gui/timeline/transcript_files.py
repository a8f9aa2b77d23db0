"""The timeline's files: open a words file (with its summary and media), save and export through the contract writers.

No Qt here: the window calls these and shows what they return or raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from metavis_gui.contract import (
    SUMMARY_FILE_NAME,
    WORDS_FILE_NAME,
    LineProblem,
    TimingSummary,
    ToolInfo,
    TranscriptSummary,
    WordRecord,
    WordTimingSource,
    read_summary,
    read_words_jsonl,
    ticks_from_seconds,
    write_srt,
    write_transcript_bundle,
    write_words_jsonl,
)
from metavis_gui.contract.errors import TranscriptFileInvalid
from metavis_gui.contract.output_set_lock import reading_output_set

EDITOR_TOOL = ToolInfo(name="MetaVis Transcribe timeline", version=None, model="edited by hand")


@dataclass
class OpenedTranscript:
    """What opening found; `media_path` is None when the media must be asked for."""

    words_path: Path
    records: list[WordRecord]
    problems: list[LineProblem]
    summary: TranscriptSummary | None
    media_path: Path | None
    summary_problem: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def duration_ticks(self) -> int | None:
        return ticks_from_seconds(self.summary.duration_seconds) if self.summary is not None else None

    @property
    def timing_sources(self) -> tuple[WordTimingSource, ...] | None:
        """Each record's timing source from the summary; None when it has none or it does not fit the records."""
        timing = self.summary.timing if self.summary is not None else None
        if timing is None or self.problems or len(timing.word_sources) != len(self.records):
            return None
        return timing.sources()

    @property
    def title(self) -> str:
        return self.media_path.name if self.media_path is not None else self.words_path.parent.name


def words_file_of(path: Path) -> Path:
    """A transcript folder (what "Open in timeline" passes) means the words file inside it."""
    path = Path(path)
    return path / WORDS_FILE_NAME if path.is_dir() else path


def open_transcript(path: Path, media_path: Path | None = None) -> OpenedTranscript:
    """Read the words (valid lines load, bad ones become problems) and the summary beside them, find the media.

    Raises `TranscriptFileInvalid` when the words file cannot be read at all.
    """
    words_path = words_file_of(path)
    with reading_output_set(words_path.parent):  # the words and summary of one run, even while one commits
        contents = read_words_jsonl(words_path)
        summary, summary_problem = _summary_beside(words_path)
    if media_path is None and summary is not None:
        media_path = find_media(words_path, summary.input_file_name)
    return OpenedTranscript(words_path, contents.records, contents.problems, summary, media_path, summary_problem)


def find_media(words_path: Path, input_file_name: str) -> Path | None:
    """`<stem>.transcript/` sits next to the media; a words file copied beside its media works too."""
    folder = words_path.parent
    for candidate in (folder.parent / input_file_name, folder / input_file_name):
        try:
            if candidate.is_file():
                return candidate
        except (OSError, ValueError):  # a folder we may not look into: the window asks for the media instead
            continue
    return None


def _summary_beside(words_path: Path) -> tuple[TranscriptSummary | None, str | None]:
    summary_path = words_path.parent / SUMMARY_FILE_NAME
    if not summary_path.exists():
        return None, None
    try:
        return read_summary(summary_path), None
    except TranscriptFileInvalid as error:
        return None, str(error)


def summary_for(opened: OpenedTranscript, timing_sources: Sequence[WordTimingSource]) -> TranscriptSummary:
    """The opened summary for the edited words (one per timing source); one made up when the file had none.

    Timing is recorded when the opened summary had it or any word is no longer the engine's.
    """
    word_count = len(timing_sources)
    summary = opened.summary
    if summary is None:
        input_name = opened.media_path.name if opened.media_path is not None else opened.words_path.stem
        summary = TranscriptSummary(
            input=input_name, duration_seconds=0.0, language=None, tool=EDITOR_TOOL, word_count=word_count
        )
    timing = summary.timing
    if timing is not None or any(source is not WordTimingSource.ENGINE for source in timing_sources):
        previous = timing or TimingSummary()
        timing = TimingSummary.of_sources(
            timing_sources, previous.aligner, previous.acoustic_model, previous.notice
        )
    if summary.word_count == word_count and summary.timing == timing:
        return summary
    return summary.model_copy(update={"word_count": word_count, "timing": timing})


def save_in_place(
    opened: OpenedTranscript, records: list[WordRecord], timing_sources: Sequence[WordTimingSource]
) -> list[Path]:
    """Overwrite what was opened: the whole bundle when it was one, else just the words file."""
    if opened.words_path.name == WORDS_FILE_NAME and opened.summary is not None:
        return write_transcript_bundle(opened.words_path.parent, records, summary_for(opened, timing_sources))
    write_words_jsonl(opened.words_path, records)
    return [opened.words_path]


def export_bundle(
    opened: OpenedTranscript, records: list[WordRecord], timing_sources: Sequence[WordTimingSource], folder: Path
) -> list[Path]:
    return write_transcript_bundle(folder, records, summary_for(opened, timing_sources))


def export_srt(records: list[WordRecord], path: Path) -> Path:
    write_srt(path, records)
    return path
