"""Each word's timing source in the editor: read from the summary, changed by edits, written back on save."""

from __future__ import annotations

from pathlib import Path

from metavis_gui.contract import (
    TimingSummary,
    ToolInfo,
    TranscriptSummary,
    WordDraft,
    WordTimingSource,
    build_word_records,
    read_summary,
    write_transcript_bundle,
)
from metavis_gui.timeline.edit_commands import InsertWord, MoveWordEdge, RetimeWords
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.transcript_files import open_transcript, save_in_place

ALIGNED, ENGINE, HAND = WordTimingSource.ALIGNED, WordTimingSource.ENGINE, WordTimingSource.HAND


def _bundle(folder: Path, sources: list[WordTimingSource] | None) -> Path:
    records = build_word_records(
        WordDraft(word=text, start_ticks=start, end_ticks=end, confidence=0.9, segment_id="s_1")
        for text, start, end in (("one", 0, 6000), ("two", 6000, 12000), ("three", 20000, 30000))
    )
    timing = None if sources is None else TimingSummary.of_sources(sources, "pocketsphinx 5.1.1", "en-us")
    summary = TranscriptSummary(
        input="clip.wav",
        duration_seconds=1.0,
        language="en",
        tool=ToolInfo(name="whisper.cpp", model="ggml-tiny.en"),
        word_count=3,
        timing=timing,
    )
    write_transcript_bundle(folder, records, summary)
    return folder


def test_sources_come_from_the_summary_and_edits_mark_words_hand_set(tmp_path: Path) -> None:
    opened = open_transcript(_bundle(tmp_path / "t", [ALIGNED, ENGINE, ALIGNED]))
    transcript = EditableTranscript.from_word_records(opened.records, opened.duration_ticks, opened.timing_sources)
    assert transcript.timing_sources() == [ALIGNED, ENGINE, ALIGNED]

    MoveWordEdge.to_tick(transcript, 0, "end", 5000).apply(transcript)
    RetimeWords(((1, 5500, 12000),), source=ALIGNED).apply(transcript)
    InsertWord.create(transcript, "and", 13000, 15000).apply(transcript)
    assert transcript.timing_sources() == [HAND, ALIGNED, HAND, ALIGNED]

    save_in_place(opened, transcript.to_word_records(), transcript.timing_sources())
    timing = read_summary(tmp_path / "t" / "transcript.summary.v1.json").timing
    assert timing is not None
    assert (timing.word_sources, timing.aligner, timing.hand_set) == ("haha", "pocketsphinx 5.1.1", 2)


def test_a_transcript_never_aligned_stays_without_timing_until_a_word_is_retimed(tmp_path: Path) -> None:
    opened = open_transcript(_bundle(tmp_path / "t", None))
    assert opened.timing_sources is None
    transcript = EditableTranscript.from_word_records(opened.records, opened.duration_ticks, opened.timing_sources)
    save_in_place(opened, transcript.to_word_records(), transcript.timing_sources())
    assert read_summary(tmp_path / "t" / "transcript.summary.v1.json").timing is None

    MoveWordEdge.to_tick(transcript, 2, "start", 21000).apply(transcript)
    save_in_place(opened, transcript.to_word_records(), transcript.timing_sources())
    timing = read_summary(tmp_path / "t" / "transcript.summary.v1.json").timing
    assert timing is not None and (timing.word_sources, timing.aligner) == ("eeh", None)


def test_checks_list_the_words_the_aligner_could_not_place_once_others_were_aligned(tmp_path: Path) -> None:
    from metavis_gui.timeline.timing_checks import ProblemKind, find_timing_problems

    def engine_timed(sources: list[WordTimingSource] | None) -> list[int]:
        opened = open_transcript(_bundle(tmp_path / str(sources), sources))
        transcript = EditableTranscript.from_word_records(opened.records, opened.duration_ticks, opened.timing_sources)
        return [problem.word_key for problem in find_timing_problems(transcript) if problem.kind is ProblemKind.ENGINE_TIMED]

    assert engine_timed([ALIGNED, ENGINE, ALIGNED]) == [1]
    assert engine_timed(None) == []  # never aligned: every word is the engine's, and none is singled out
