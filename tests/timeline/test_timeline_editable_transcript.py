"""The editable model: opening contract records, exporting them byte for byte, finding words fast."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from metavis_gui.contract import (
    WORD_SCHEMA,
    WordDraft,
    WordRecord,
    build_word_records,
    format_word_id,
    read_words_jsonl,
    serialize_word_records,
    validate_words_jsonl,
    write_words_jsonl,
)
from metavis_gui.timeline.edit_commands import DeleteWords, MoveWordEdge, RetimeWords, SetWordText, SplitWord
from metavis_gui.timeline.edit_errors import UnknownWord
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.editable_word import EditableWord
from metavis_gui.timeline.transcript_change import WordChanges


def record(word: str, start: int, end: int, occurrence: int = 1, **fields: object) -> WordRecord:
    values: dict[str, object] = {
        "schema_name": WORD_SCHEMA,
        "word": word,
        "confidence": 0.5,
        "source_time_ticks": start,
        "source_time_end_ticks": end,
        "word_id": format_word_id(start, end, occurrence),
        "timeline_time_ticks": start,
        "timeline_time_end_ticks": end,
    }
    values.update(fields)
    return WordRecord(**values)  # type: ignore[arg-type]


def awkward_records() -> list[WordRecord]:
    """Everything a writer may legally put in a file that an editor must not disturb."""
    return [
        record("Ask", 0, 6000, confidence=0.1 + 0.2, segment_id="s_1", speaker_id="spk_0", speaker_label="T1"),
        record("not", 6000, 6000, confidence=1, segment_id="s_1"),  # an int confidence, zero length
        # Same span twice: n counts them in file order.
        record("what", 7000, 9000, 1, confidence=0.999999999999, timeline_time_ticks=127_000, timeline_time_end_ticks=129_000, clip_id="clip-7"),
        record("your", 7000, 9000, 2, confidence=2.5e-7, timeline_time_ticks=None, timeline_time_end_ticks=None),
        record("country", 9000, 15_000, timeline_time_ticks=70, timeline_time_end_ticks=None),  # half a timeline
        record("can…", 15_000, 20_000, confidence=0.0, speaker_label="Ünïcode ✓"),
    ]  # fmt: skip


def test_unedited_export_is_byte_identical_to_the_file_it_was_opened_from(tmp_path: Path) -> None:
    path = tmp_path / "transcript.words.v1.jsonl"
    write_words_jsonl(path, awkward_records())
    opened = read_words_jsonl(path)
    assert opened.problems == []
    transcript = EditableTranscript.from_word_records(opened.records, duration_ticks=30_000)
    assert serialize_word_records(transcript.to_word_records()) == path.read_bytes()


def test_an_engine_transcript_round_trips_too(tmp_path: Path) -> None:
    drafts = [WordDraft(word=f"w{index}", start_ticks=index * 600, end_ticks=index * 600 + 500, confidence=random.Random(index).random(), segment_id=f"s_{index // 12}") for index in range(300)]  # fmt: skip
    original = serialize_word_records(build_word_records(drafts))
    path = tmp_path / "words.jsonl"
    path.write_bytes(original)
    transcript = EditableTranscript.from_word_records(read_words_jsonl(path).records)
    assert serialize_word_records(transcript.to_word_records()) == original
    assert transcript.duration_ticks == 299 * 600 + 500  # no media duration given: the last word's end


def test_edited_export_renumbers_word_ids_by_the_contract_rule(tmp_path: Path) -> None:
    transcript = EditableTranscript.from_word_records(awkward_records(), duration_ticks=30_000)
    what, your = transcript[2], transcript[3]
    SetWordText(what.key, "which").apply(transcript)
    MoveWordEdge(your.key, "start", +500, force=True).apply(transcript)  # no longer shares the span
    SplitWord.create(transcript, transcript[0].key, 3000, "As", "k").apply(transcript)
    path = tmp_path / "edited.jsonl"
    write_words_jsonl(path, transcript.to_word_records())
    assert validate_words_jsonl(path) == []
    records = read_words_jsonl(path).records
    by_word = {item.word: item for item in records}
    assert by_word["which"].word_id == "w_7000_9000_1"
    assert by_word["your"].word_id == "w_7500_9000_1"
    assert (by_word["As"].word_id, by_word["k"].word_id) == ("w_0_3000_1", "w_3000_6000_1")
    # Timelines move with their source edges; a null timeline stays null.
    assert (by_word["your"].timeline_time_ticks, by_word["your"].timeline_time_end_ticks) == (None, None)
    assert (by_word["k"].timeline_time_ticks, by_word["k"].timeline_time_end_ticks) == (3000, 6000)
    assert (by_word["which"].timeline_time_ticks, by_word["which"].clip_id) == (127_000, "clip-7")


def test_keys_are_stable_across_edits_and_never_reused() -> None:
    transcript = EditableTranscript.from_word_records(awkward_records())
    assert [word.key for word in transcript] == list(range(6))
    command = SplitWord.create(transcript, 5, 17_000, "ca", "n…")
    applied = command.apply(transcript)
    applied.inverse.apply(transcript)
    assert command.new_word_key not in transcript
    assert transcript.allocate_key() > command.new_word_key


def test_apply_word_changes_returns_a_diff_that_restores_the_words() -> None:
    transcript = EditableTranscript([EditableWord(0, "a", 0, 10, 1.0), EditableWord(1, "b", 10, 20, 1.0)], 100)
    before = transcript.words
    change, undo = transcript.apply_word_changes(
        WordChanges(remove_keys=(0,), put_words=(EditableWord(1, "B", 30, 40, 1.0), EditableWord(5, "c", 50, 60, 1.0)))
    )
    assert (change.inserted_keys, change.removed_keys, change.updated_keys) == ({5}, {0}, {1})
    assert (change.start_ticks, change.end_ticks) == (0, 60)
    transcript.apply_word_changes(undo)
    assert transcript.words == before
    with pytest.raises(ValueError, match="trimmed"):
        transcript.apply_word_changes(WordChanges(put_words=(EditableWord(0, " a", 0, 10, 1.0),)))
    with pytest.raises(ValueError, match="impossible span"):
        transcript.apply_word_changes(WordChanges(put_words=(EditableWord(0, "a", 10, 5, 1.0),)))


def test_lookups_by_time() -> None:
    words = [("a", 0, 100), ("b", 100, 200), ("dot", 250, 250), ("c", 300, 500), ("d", 400, 450), ("e", 600, 700)]
    transcript = EditableTranscript([EditableWord(k, t, s, e, 1.0) for k, (t, s, e) in enumerate(words)], 1000)
    texts = lambda indices: [transcript[index].text for index in indices]
    assert [transcript.index_at_tick(tick) for tick in (0, 99, 100, 220, 250, 350, 420, 460, 550, 650, 999)] == [
        0, 0, 1, None, 2, 3, 4, 3, None, 5, None,
    ]  # fmt: skip
    assert texts(transcript.indices_overlapping(150, 420)) == ["b", "dot", "c", "d"]
    # A range: "d" ended at 450 but sits between "c" (which still shows) and "e".
    assert texts(transcript.indices_overlapping(450, 650)) == ["c", "d", "e"]
    assert texts(transcript.indices_overlapping(510, 590)) == []
    assert transcript.first_index_starting_at_or_after(301) == 4
    assert transcript.previous_word(3).text == "dot" and transcript.next_word(5) is None


def test_thirty_thousand_words_are_found_by_time_in_microseconds() -> None:
    words = [EditableWord(index, f"w{index}", index * 21_600, index * 21_600 + 18_000, 0.9) for index in range(30_000)]
    transcript = EditableTranscript(words, 30_000 * 21_600)
    generator = random.Random(7)
    ticks = [generator.randrange(transcript.duration_ticks) for _ in range(5000)]
    started = time.perf_counter()
    found = [transcript.index_at_tick(tick) for tick in ticks]
    seconds_each = (time.perf_counter() - started) / len(ticks)
    for tick, index in zip(ticks, found, strict=True):
        expected = tick // 21_600 if tick % 21_600 < 18_000 else None
        assert index == expected
    assert seconds_each < 50e-6, f"{seconds_each * 1e6:.1f} µs per lookup"
    assert transcript.index_of(29_999) == 29_999


def test_export_after_edits_and_their_undo_is_the_original_bytes_again(tmp_path: Path) -> None:
    path = tmp_path / "words.jsonl"
    write_words_jsonl(path, awkward_records())
    original = path.read_bytes()
    transcript = EditableTranscript.from_word_records(read_words_jsonl(path).records, duration_ticks=30_000)
    commands = [
        SetWordText(2, "which"),
        MoveWordEdge(0, "end", -500),
        SplitWord.create(transcript, 5, 16_000, "c", "an"),
    ]
    inverses = [command.apply(transcript).inverse for command in commands]
    assert serialize_word_records(transcript.to_word_records()) != original
    for inverse in reversed(inverses):
        inverse.apply(transcript)
    assert serialize_word_records(transcript.to_word_records()) == original


def test_an_unedited_word_is_renumbered_when_its_span_twin_goes() -> None:
    transcript = EditableTranscript.from_word_records(awkward_records())
    twins = [word for word in transcript if (word.start_ticks, word.end_ticks) == (7000, 9000)]
    assert [record.word_id for record in transcript.to_word_records()][2:4] == ["w_7000_9000_1", "w_7000_9000_2"]
    DeleteWords((twins[0].key,)).apply(transcript)
    assert [record.word_id for record in transcript.to_word_records()][2] == "w_7000_9000_1"
    assert serialize_word_records(transcript.to_word_records())  # still a valid file


def test_a_change_of_many_words_at_once_keeps_the_order_and_undoes() -> None:
    words = [EditableWord(key, f"w{key}", key * 1000, key * 1000 + 800, 0.9) for key in range(500)]
    transcript = EditableTranscript(words, 600_000)
    before = transcript.words
    # Reverse the first 200 words in time: every one of them changes place.
    command = RetimeWords(tuple((key, (199 - key) * 1000, (199 - key) * 1000 + 800) for key in range(200)))
    applied = command.apply(transcript)
    assert [word.key for word in transcript][:200] == list(range(199, -1, -1))
    assert transcript.index_at_tick(1_900) is None and transcript[transcript.index_at_tick(1_400)].key == 198
    assert len(applied.change.updated_keys) == 200
    applied.inverse.apply(transcript)
    assert transcript.words == before


def test_a_diff_naming_a_missing_word_changes_nothing() -> None:
    transcript = EditableTranscript([EditableWord(0, "a", 0, 10, 1.0), EditableWord(1, "b", 10, 20, 1.0)], 100)
    before = transcript.words
    with pytest.raises(UnknownWord):
        transcript.apply_word_changes(WordChanges(remove_keys=(0, 99)))
    assert transcript.words == before
