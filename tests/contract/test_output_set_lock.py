"""A reader that takes the set's reader lock sees one commit's words, summary and captions, never a mix.

The writer's renames are slowed (a few ms between files) so that a reader without the lock straddles two
commits nearly every time; the control test shows it does.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from metavis_gui.contract import (
    CAPTIONS_FILE_NAME,
    SUMMARY_FILE_NAME,
    WORDS_FILE_NAME,
    ToolInfo,
    TranscriptSummary,
    WordDraft,
    build_word_records,
    output_commit,
    output_set_lock,
    read_summary,
    read_words_jsonl,
    write_transcript_bundle,
)
from metavis_gui.contract.output_folder_lock import OutputFolderBusy, hold_output_folder
from metavis_gui.contract.output_set_lock import reading_output_set, swapping_output_set
from metavis_gui.timeline.transcript_files import open_transcript
from tests.cli.console_script import read_only_folder

# Each set names itself in every file: its words, its summary's model and word count, its captions.
SETS = {"A": ("Alpha",) * 3, "B": ("Bravo",) * 5}
COMMITS = 24
RENAME_PAUSE_SECONDS = 0.004


def write_set(out_dir: Path, name: str) -> None:
    records = build_word_records(
        WordDraft(word=word, start_ticks=index * 12000, end_ticks=(index + 1) * 12000)
        for index, word in enumerate(SETS[name])
    )
    summary = TranscriptSummary(
        input_file_name="talk.wav",
        duration_seconds=3.0,
        language="en",
        tool=ToolInfo(name="whisper.cpp", version=None, model=f"set {name}"),
        word_count=len(records),
    )
    write_transcript_bundle(out_dir, records, summary)


def sets_seen(out_dir: Path) -> tuple[str, ...]:
    """Which set each file belongs to, read file by file as a reader would."""
    words = {record.word for record in read_words_jsonl(out_dir / WORDS_FILE_NAME).records}
    summary = read_summary(out_dir / SUMMARY_FILE_NAME)
    captions = (out_dir / CAPTIONS_FILE_NAME).read_text(encoding="utf-8")
    from_words = "A" if words == {"Alpha"} else "B"
    from_count = "A" if summary.word_count == len(SETS["A"]) else "B"
    from_captions = "A" if "Alpha" in captions else "B"
    return from_words, summary.tool.model.removeprefix("set "), from_count, from_captions


@pytest.fixture
def slow_renames(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen the window between the commit's renames, so a reader lands in it."""
    put_in_place = output_commit._put_in_place

    def put_in_place_slowly(staged_file: object) -> None:
        put_in_place(staged_file)  # type: ignore[arg-type]
        time.sleep(RENAME_PAUSE_SECONDS)

    monkeypatch.setattr(output_commit, "_put_in_place", put_in_place_slowly)


def reads_during_commits(out_dir: Path, reader: Callable[[Path], AbstractContextManager[object]]) -> list[tuple]:
    """Commit A and B by turns while another thread reads the set through `reader`; every read it made."""
    write_set(out_dir, "A")
    reads: list[tuple[str, ...]] = []
    writing = threading.Event()
    writing.set()

    def read_until_done() -> None:
        while writing.is_set():
            with reader(out_dir):
                reads.append(sets_seen(out_dir))

    with ThreadPoolExecutor(max_workers=1) as executor:
        reading = executor.submit(read_until_done)
        try:
            for commit in range(COMMITS):
                write_set(out_dir, "B" if commit % 2 == 0 else "A")
        finally:
            writing.clear()
        reading.result(timeout=30)  # a read that failed fails the test
    return reads


def mixed(reads: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [read for read in reads if len(set(read)) > 1]


def test_a_reader_with_the_lock_sees_one_set_at_every_read(tmp_path: Path, slow_renames: None) -> None:
    reads = reads_during_commits(tmp_path / "talk.transcript", reading_output_set)

    assert mixed(reads) == []
    assert {read[0] for read in reads} == {"A", "B"}, "the reader read while the sets changed"


def test_control_without_the_lock_the_same_reader_sees_mixed_sets(tmp_path: Path, slow_renames: None) -> None:
    """What the lock prevents: the slowed renames put a lockless reader between two sets."""
    reads = reads_during_commits(tmp_path / "talk.transcript", lambda out_dir: contextlib.nullcontext())

    assert mixed(reads), f"no read of {len(reads)} straddled two commits"


@contextlib.contextmanager
def held_in_a_thread(hold: Callable[[], AbstractContextManager[object]]) -> Iterator[threading.Event]:
    """Hold a lock in another thread until the yielded event is set."""
    taken, release = threading.Event(), threading.Event()

    def holder() -> None:
        with hold():
            taken.set()
            release.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    assert taken.wait(10)
    try:
        yield release
    finally:
        release.set()
        thread.join(10)


def test_a_commit_waits_for_a_reader_then_swaps(tmp_path: Path) -> None:
    out_dir = tmp_path / "talk.transcript"
    write_set(out_dir, "A")
    committing = threading.Thread(target=write_set, args=(out_dir, "B"))
    with held_in_a_thread(lambda: reading_output_set(out_dir)):
        committing.start()
        time.sleep(0.3)
        assert committing.is_alive(), "the commit went ahead under a reader"
        assert sets_seen(out_dir) == ("A",) * 4
    committing.join(10)
    assert sets_seen(out_dir) == ("B",) * 4


def test_a_reader_that_never_lets_go_holds_a_commit_back_only_for_a_while(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output_set_lock, "PATIENCE_SECONDS", 0.2)
    out_dir = tmp_path / "talk.transcript"
    write_set(out_dir, "A")
    with held_in_a_thread(lambda: reading_output_set(out_dir)):
        started = time.monotonic()
        write_set(out_dir, "B")
        assert 0.2 <= time.monotonic() - started < 5
    assert sets_seen(out_dir) == ("B",) * 4


def test_the_timeline_opens_a_transcript_through_the_reader_lock(tmp_path: Path) -> None:
    out_dir = tmp_path / "talk.transcript"
    write_set(out_dir, "A")
    opened: list[object] = []
    opening = threading.Thread(target=lambda: opened.append(open_transcript(out_dir)))
    with held_in_a_thread(lambda: swapping_output_set(out_dir)):
        opening.start()
        time.sleep(0.3)
        assert not opened, "the transcript was read while a commit was renaming its files"
    opening.join(10)
    [transcript] = opened
    assert transcript.summary is not None and transcript.summary.word_count == len(transcript.records) == 3


def test_a_read_only_folder_is_read_and_nothing_is_created_in_it(tmp_path: Path) -> None:
    out_dir = tmp_path / "talk.transcript"
    write_set(out_dir, "A")
    before = sorted(os.listdir(out_dir))
    with read_only_folder(out_dir):
        with reading_output_set(out_dir):
            assert sets_seen(out_dir) == ("A",) * 4
        opened = open_transcript(out_dir)
        assert sorted(os.listdir(out_dir)) == before
    assert opened.summary is not None and len(opened.records) == 3


def test_without_flock_sets_are_read_and_written_unlocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no fcntl: both sides go on as before the lock existed."""
    monkeypatch.setattr(output_set_lock, "fcntl", None)
    out_dir = tmp_path / "talk.transcript"
    write_set(out_dir, "A")
    write_set(out_dir, "B")
    with reading_output_set(out_dir):
        assert sets_seen(out_dir) == ("B",) * 4


def test_a_folder_that_is_gone_is_reported_by_the_read_itself(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), reading_output_set(tmp_path / "never-written"):
        (tmp_path / "never-written" / WORDS_FILE_NAME).read_bytes()


def test_the_reader_lock_does_not_stand_in_for_the_writers_lock(tmp_path: Path) -> None:
    """A second writer is still refused at once while the first holds the folder, readers or not."""
    out_dir = tmp_path / "talk.transcript"
    write_set(out_dir, "A")
    with (
        held_in_a_thread(lambda: hold_output_folder(out_dir)),
        reading_output_set(out_dir),
        pytest.raises(OutputFolderBusy),
    ):
        write_set(out_dir, "B")
    assert sets_seen(out_dir) == ("A",) * 4
