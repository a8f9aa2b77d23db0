"""The edit journal: each edit appended at once, replayed after a crash, and replaced by the recovery file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metavis_gui.contract import WordDraft, WordRecord, build_word_records
from metavis_gui.timeline.autosave_store import (
    journal_path_for,
    pending_recoveries,
    recovery_path_for,
    remove_recovery,
    write_recovery,
)
from metavis_gui.timeline.edit_journal import EditJournal, replay_journal


def words(*texts: str, start: int = 0) -> list[WordRecord]:
    return build_word_records(
        WordDraft(word=text, start_ticks=start + 6000 * index, end_ticks=start + 6000 * index + 5000)
        for index, text in enumerate(texts)
    )


@pytest.fixture
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("METAVIS_DATA_DIR", str(tmp_path / "user-data"))
    return tmp_path


def test_every_edit_is_a_line_and_replaying_them_gives_the_last_words(tmp_path: Path) -> None:
    journal = EditJournal(tmp_path / "j.journal.jsonl", tmp_path / "t" / "words.jsonl", tmp_path / "clip.wav")
    journal.start_from(words("ask", "not", "what"))
    assert not journal.path.exists(), "no file until there is an edit"

    states = [words("Ask", "not", "what"), words("Ask", "what"), words("Ask", "what", "you", "can"), words("Ask")]
    for count, state in enumerate(states, start=1):
        journal.record(state)
        assert len(journal.path.read_text(encoding="utf-8").splitlines()) == 1 + count, "one line an edit, at once"
        replayed = replay_journal(journal.path)
        assert replayed is not None and replayed.records == state and replayed.edit_count == count
    journal.record(states[-1])
    assert replay_journal(journal.path).edit_count == len(states), "no line for no change"
    assert replayed.media_path == tmp_path / "clip.wav"


def test_a_line_torn_by_the_crash_is_ignored_and_the_edits_before_it_stay(tmp_path: Path) -> None:
    journal = EditJournal(tmp_path / "j.journal.jsonl", tmp_path / "words.jsonl", None)
    journal.start_from(words("a", "b"))
    journal.record(words("A", "b"))
    journal.record(words("A", "B"))
    data = journal.path.read_bytes()
    journal.path.write_bytes(data[: len(data) - 9])  # the last append cut short

    replayed = replay_journal(journal.path)
    assert replayed is not None and replayed.records == words("A", "b")


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not json\n",
        b'{"format": "other"}\n',
        b"[" * 100_000 + b"\n",
        b'{"format": "metavis.timeline.journal.v1"}\n',
    ],
)
def test_a_damaged_journal_is_not_trusted(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "j.journal.jsonl"
    path.write_bytes(damage)
    assert replay_journal(path) is None


def test_a_splice_out_of_range_is_not_trusted(tmp_path: Path) -> None:
    journal = EditJournal(tmp_path / "j.journal.jsonl", tmp_path / "words.jsonl", None)
    journal.start_from(words("a"))
    journal.record(words("b"))
    with journal.path.open("a", encoding="utf-8") as file:
        file.write('{"at": 5, "remove": 1, "words": [], "savedAt": 1.0}\n')
    assert replay_journal(journal.path) is None


def test_the_journal_wins_over_the_older_recovery_file_and_removing_the_recovery_removes_both(
    tmp_path: Path, user_data: Path
) -> None:
    words_path = tmp_path / "jfk.transcript" / "transcript.words.v1.jsonl"
    write_recovery(words_path, None, words("autosaved", "words"))
    journal = EditJournal(journal_path_for(words_path), words_path, None)
    journal.start_from(words("autosaved", "words"))
    journal.record(words("typed", "after", "the", "autosave"))

    (recovery,) = pending_recoveries()
    assert recovery.words_path == words_path.resolve()
    assert [record.word for record in recovery.records] == ["typed", "after", "the", "autosave"]

    journal.clear(words("typed", "after", "the", "autosave"))  # the next autosave compacts it
    (recovery,) = pending_recoveries()
    assert [record.word for record in recovery.records] == ["autosaved", "words"]

    journal.record(words("typed", "again"))
    remove_recovery(words_path)
    assert not journal_path_for(words_path).exists() and not recovery_path_for(words_path).exists()
    assert pending_recoveries() == []


def test_a_journal_alone_is_a_recovery(tmp_path: Path, user_data: Path) -> None:
    """The crash came before the first autosave: only the journal holds the edits."""
    words_path = tmp_path / "words.jsonl"
    journal = EditJournal(journal_path_for(words_path), words_path, None)
    journal.start_from(words("on", "disk"))
    assert pending_recoveries() == []
    journal.record(words("edited", "disk"))
    assert [record.word for record in pending_recoveries()[0].records] == ["edited", "disk"]


word_lists = st.lists(st.sampled_from(["ask", "not", "what", "your", "country", "can", "do"]), max_size=12)


@settings(max_examples=60, deadline=None)
@given(base=word_lists, edits=st.lists(word_lists, min_size=1, max_size=6))
def test_any_sequence_of_states_replays_to_the_last(tmp_path_factory: pytest.TempPathFactory, base, edits) -> None:
    folder = tmp_path_factory.mktemp("journal")
    journal = EditJournal(folder / "j.journal.jsonl", folder / "words.jsonl", None)
    journal.start_from(words(*base))
    for edit in edits:
        journal.record(words(*edit, start=6000 * len(edit) % 7))
    replayed = replay_journal(journal.path)
    if journal.path.exists():
        assert replayed is not None and replayed.records == words(*edits[-1], start=6000 * len(edits[-1]) % 7)


def test_a_journal_names_the_saved_file_it_starts_from_instead_of_copying_30000_words(
    user_data: Path, tmp_path: Path
) -> None:
    from metavis_gui.contract import write_words_jsonl
    from metavis_gui.timeline.edit_journal import JournalBase

    words_file = tmp_path / "t" / "transcript.words.v1.jsonl"
    words_file.parent.mkdir()
    base = words("ask", "not", "what")
    write_words_jsonl(words_file, base)
    journal = EditJournal(journal_path_for(words_file), words_file, None)
    journal.start_from(base, JournalBase.of("words", words_file))
    journal.record(words("Ask", "not", "what"))
    header = json.loads(journal.path.read_text(encoding="utf-8").splitlines()[0])
    assert "words" not in header and header["base"]["kind"] == "words"
    assert replay_journal(journal.path) is None, "a named base needs a reader"
    (recovered,) = pending_recoveries()
    assert recovered.records == words("Ask", "not", "what") and recovered.words_path == words_file.resolve()

    write_words_jsonl(words_file, words("something", "else", "entirely", "now"))  # saved elsewhere since
    assert pending_recoveries() == [], "a base that changed is not replayed onto"


def test_after_an_autosave_the_journal_starts_from_the_recovery_file(user_data: Path, tmp_path: Path) -> None:
    from metavis_gui.timeline.edit_journal import JournalBase

    words_file = tmp_path / "t" / "transcript.words.v1.jsonl"
    autosaved = words("Ask", "not")
    recovery = write_recovery(words_file, None, autosaved)
    journal = EditJournal(journal_path_for(words_file), words_file, None)
    journal.clear(autosaved, JournalBase.of("recovery", recovery))
    journal.record(words("Ask", "not", "what"))
    (recovered,) = pending_recoveries()
    assert recovered.path == journal.path and recovered.records == words("Ask", "not", "what")


def test_split_marks_are_journaled_with_each_edit_and_the_last_list_holds(tmp_path: Path, user_data: Path) -> None:
    words_path = tmp_path / "words.jsonl"
    journal = EditJournal(journal_path_for(words_path), words_path, None)
    journal.start_from(words("my", "fellow", "Americans"))
    journal.record_splice(2, 1, words("Ameri", "cans", start=12000), [(3, 2)])
    assert replay_journal(journal.path).word_joins == ((3, 2),)
    journal.record_splice(0, 1, words("My"), [(3, 2)])
    journal.record_splice(0, 1, words("my"), [])
    replayed = replay_journal(journal.path)
    assert replayed is not None and replayed.word_joins == () and len(replayed.records) == 4, "merged back"
    (recovery,) = pending_recoveries()
    assert recovery.word_joins == ()

    write_recovery(words_path, None, words("my", "Ameri", "cans"), ((2, 1),))
    journal.clear()
    (recovery,) = pending_recoveries()
    assert recovery.word_joins == ((2, 1),), "the autosave keeps them too"


def test_a_journal_or_recovery_without_marks_still_replays_with_none_recorded(tmp_path: Path, user_data: Path) -> None:
    """Written before marks were journaled (no "joins"), or with a damaged list: the words are kept either way."""
    words_path = tmp_path / "words.jsonl"
    journal = EditJournal(journal_path_for(words_path), words_path, None)
    journal.start_from(words("a", "b"))
    journal.record_splice(0, 1, words("A"))
    assert "joins" not in journal.path.read_text(encoding="utf-8")
    replayed = replay_journal(journal.path)
    assert replayed is not None and replayed.records == words("A", "b") and replayed.word_joins is None

    for damaged in ([[1, 1]], [[0, 5]], [[0]], [["1", 0]], {"1": 0}):
        lines = journal.path.read_text(encoding="utf-8").splitlines()
        entry = json.loads(lines[1])
        entry["joins"] = damaged
        journal.path.write_text("\n".join([lines[0], json.dumps(entry)]) + "\n", encoding="utf-8")
        replayed = replay_journal(journal.path)
        assert replayed is not None and replayed.records == words("A", "b") and replayed.word_joins is None, damaged

    write_recovery(words_path, None, words("x"))
    journal.clear()
    (recovery,) = pending_recoveries()
    assert recovery.records == words("x") and recovery.word_joins is None
