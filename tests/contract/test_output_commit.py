"""A run's files are committed as one unit, one writer at a time: the old set or the new set, never a mix."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from metavis_gui.contract import (
    CAPTIONS_FILE_NAME,
    SUMMARY_FILE_NAME,
    WORDS_FILE_NAME,
    ToolInfo,
    TranscriptBundleInvalid,
    TranscriptSummary,
    WordDraft,
    WordRecord,
    build_word_records,
    write_transcript_bundle,
)
from metavis_gui.contract.output_commit import STAGING_PREFIX, reserve_output_folder
from metavis_gui.contract.output_folder_lock import (
    LOCK_FILE_NAME,
    OutputFolderBusy,
    OutputNotWritable,
    hold_output_folder,
)
from tests.cli.console_script import read_only_folder
from tests.conftest import REPO_ROOT


def _records(*words: str) -> list[WordRecord]:
    return build_word_records(
        WordDraft(word=word, start_ticks=index * 12000, end_ticks=(index + 1) * 12000)
        for index, word in enumerate(words)
    )


def _summary(word_count: int, model: str) -> TranscriptSummary:
    return TranscriptSummary(
        input_file_name="talk.wav",
        duration_seconds=3.0,
        language="en",
        tool=ToolInfo(name="whisper.cpp", version=None, model=model),
        word_count=word_count,
    )


OLD_WORDS = ("And", "so.")
NEW_WORDS = ("Ask", "not", "what", "your", "country")


class Folders:
    """An output folder and a media folder, each holding an earlier run's files."""

    def __init__(self, root: Path) -> None:
        self.out_dir = root / "talk.transcript"
        self.media = root / "media" / "talk.wav"
        self.media.parent.mkdir(parents=True)
        self.media.write_bytes(b"RIFF not really")
        self.write(OLD_WORDS, "old", {"talk.srt": b"1\nold\n"})

    def write(self, words: tuple[str, ...], model: str, extra: dict[str, bytes] | None = None) -> list[Path]:
        records = _records(*words)
        return write_transcript_bundle(
            self.out_dir, records, _summary(len(records), model), adjacent_captions_for=self.media, extra_files=extra
        )

    def write_new(self) -> list[Path]:
        return self.write(NEW_WORDS, "new", {"talk.srt": b"1\nnew\n", "talk.txt": b"new"})

    def snapshot(self) -> dict[str, bytes]:
        """Every file under both folders, hidden ones included, with its bytes."""
        found = {}
        for folder in (self.out_dir, self.media.parent):
            for path in sorted(folder.rglob("*")):
                if path.is_file() or path.is_symlink():
                    found[str(path.relative_to(folder.parent))] = path.read_bytes()
                elif path.is_dir():
                    found[str(path.relative_to(folder.parent)) + "/"] = b""
        return found


@pytest.fixture
def folders(tmp_path: Path) -> Folders:
    return Folders(tmp_path)


def _calls_made(monkeypatch: pytest.MonkeyPatch, name: str, run: Callable[[], object]) -> int:
    real = getattr(os, name)
    calls = 0

    def counting(*arguments: object, **keywords: object) -> object:
        nonlocal calls
        calls += 1
        return real(*arguments, **keywords)

    with monkeypatch.context() as patch:
        patch.setattr(os, name, counting)
        run()
    return calls


def _failing_at(call_number: int, name: str, error: BaseException) -> Callable[..., object]:
    real = getattr(os, name)
    calls = 0

    def failing(*arguments: object, **keywords: object) -> object:
        nonlocal calls
        calls += 1
        if calls == call_number:
            raise error
        return real(*arguments, **keywords)

    return failing


def test_a_commit_replaces_every_file_and_leaves_nothing_else(folders: Folders) -> None:
    written = folders.write_new()
    out_dir, media_folder = folders.out_dir, folders.media.parent
    assert written == [
        out_dir / WORDS_FILE_NAME,
        out_dir / SUMMARY_FILE_NAME,
        out_dir / CAPTIONS_FILE_NAME,
        out_dir / "talk.srt",
        out_dir / "talk.txt",
        media_folder / "talk.captions.vtt",
    ]
    assert sorted(os.listdir(out_dir)) == sorted(path.name for path in written[:-1])
    assert sorted(os.listdir(media_folder)) == ["talk.captions.vtt", "talk.wav"]
    assert (out_dir / "talk.srt").read_bytes() == b"1\nnew\n"
    assert b"country" in (out_dir / WORDS_FILE_NAME).read_bytes()
    assert (out_dir / CAPTIONS_FILE_NAME).read_bytes() == (media_folder / "talk.captions.vtt").read_bytes()


def test_a_replaced_file_keeps_its_permissions(folders: Folders) -> None:
    (folders.out_dir / WORDS_FILE_NAME).chmod(0o640)
    folders.write_new()
    assert (folders.out_dir / WORDS_FILE_NAME).stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("sub/talk.srt", "must not contain a folder"),
        ("..", "plain file name"),
        ("", "plain file name"),
        ("talk\0.srt", "must not contain a folder"),
        (CAPTIONS_FILE_NAME, "cannot replace the transcript's own"),
        (LOCK_FILE_NAME, "writer's own files"),
        (STAGING_PREFIX + "1-x", "writer's own files"),
    ],
)
def test_an_extra_file_name_is_checked_before_anything_is_written(folders: Folders, name: str, complaint: str) -> None:
    before = folders.snapshot()
    with pytest.raises(TranscriptBundleInvalid, match=complaint):
        folders.write(NEW_WORDS, "new", {"talk.srt": b"new", name: b"x"})
    assert folders.snapshot() == before


@pytest.mark.parametrize("failing_call", ["replace", "fsync", "link"])
def test_a_failure_at_any_step_keeps_the_old_set_byte_for_byte(
    folders: Folders, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, failing_call: str
) -> None:
    old_set = folders.snapshot()
    rehearsal = Folders(tmp_path / "rehearsal")
    calls = _calls_made(monkeypatch, failing_call, rehearsal.write_new)
    new_set = rehearsal.snapshot()
    assert calls >= 2
    outcomes = []
    for call_number in range(1, calls + 1):
        with monkeypatch.context() as patch:
            patch.setattr(os, failing_call, _failing_at(call_number, failing_call, OSError(errno.ENOSPC, "No space")))
            try:
                folders.write_new()
            except OutputNotWritable as error:
                assert "no space is left" in str(error)
                assert folders.snapshot() == old_set, f"os.{failing_call} failing at call {call_number}"
                outcomes.append("old")
                continue
        # Only a failure after the commit point (tidying up) may let the commit stand, and then whole.
        assert folders.snapshot() == new_set, f"os.{failing_call} failing at call {call_number}"
        outcomes.append("new")
        folders = Folders(tmp_path / f"again {failing_call} {call_number}")
        old_set = folders.snapshot()
    assert outcomes[0] == "old"
    assert "old" in outcomes[1:] or calls == 1


def test_an_interrupt_during_the_swap_puts_the_old_set_back(folders: Folders, monkeypatch: pytest.MonkeyPatch) -> None:
    old_set = folders.snapshot()
    for call_number in range(1, 8):
        with monkeypatch.context() as patch:
            patch.setattr(os, "replace", _failing_at(call_number, "replace", KeyboardInterrupt()))
            with pytest.raises(KeyboardInterrupt):
                folders.write_new()
        assert folders.snapshot() == old_set, f"interrupted at rename {call_number}"


CRASHING_WRITER = """
import os, sys
from pathlib import Path
from tests.contract.test_output_commit import Folders
crash_at = int(sys.argv[2])
real_replace = os.replace
calls = 0
def replace_then_die(source, target):
    global calls
    calls += 1
    if calls == crash_at:
        os._exit(9)
    real_replace(source, target)
folders = Folders.__new__(Folders)
folders.out_dir = Path(sys.argv[1]) / "talk.transcript"
folders.media = Path(sys.argv[1]) / "media" / "talk.wav"
os.replace = replace_then_die
folders.write_new()
"""


@pytest.mark.parametrize("crash_at", [3, 4, 6, 8, 9])
def test_a_commit_whose_process_died_mid_swap_is_rolled_back_by_the_next_run(
    folders: Folders, tmp_path: Path, crash_at: int
) -> None:
    old_set = folders.snapshot()
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, str(tmp_path), str(crash_at)], cwd=REPO_ROOT, check=False
    )
    assert crashed.returncode == 9
    assert folders.snapshot() != old_set, "the crash should leave a staging folder (and maybe a mixed set) behind"
    with reserve_output_folder(folders.out_dir):
        pass
    assert folders.snapshot() == old_set


def test_a_staging_folder_of_a_dead_process_is_removed(folders: Folders) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead_pid = int(finished.stdout)
    abandoned = folders.out_dir / f"{STAGING_PREFIX}{dead_pid}-0badf00d"
    (abandoned / "new").mkdir(parents=True)
    (abandoned / "new" / WORDS_FILE_NAME).write_bytes(b"half a transc")
    folders.write_new()
    assert not abandoned.exists()
    assert not any(name.startswith(STAGING_PREFIX) for name in os.listdir(folders.out_dir))


def test_a_staging_folder_of_a_live_process_is_left_alone(folders: Folders) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        working = folders.out_dir / f"{STAGING_PREFIX}{sleeper.pid}-0badf00d"
        working.mkdir()
        folders.write_new()
        assert working.is_dir()
    finally:
        sleeper.kill()
        sleeper.wait()


LOCK_HOLDER = """
import sys, time
from metavis_gui.contract.output_folder_lock import hold_output_folder
with hold_output_folder(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_second_writer_is_refused_at_once_naming_the_folder_and_the_holder(folders: Folders) -> None:
    old_set = folders.snapshot()
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(folders.out_dir)],
        cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        started = time.monotonic()
        with pytest.raises(OutputFolderBusy) as refusal:
            folders.write_new()
        assert time.monotonic() - started < 1.0
    finally:
        holder.communicate("\n", timeout=30)
    message = str(refusal.value)
    assert str(folders.out_dir) in message and f"process {holder.pid}" in message and "Wait" in message
    assert folders.snapshot() == old_set
    folders.write_new()  # the holder has gone: the folder is free again, and its lock file with it
    assert LOCK_FILE_NAME not in os.listdir(folders.out_dir)


def test_another_job_of_the_same_process_is_refused_too(folders: Folders) -> None:
    refusals: list[BaseException] = []

    def second_job() -> None:
        try:
            folders.write_new()
        except OutputFolderBusy as error:
            refusals.append(error)

    with hold_output_folder(folders.out_dir):
        folders.write_new()  # the holder's own writes pass
        job = threading.Thread(target=second_job)
        job.start()
        job.join()
    assert len(refusals) == 1 and f"process {os.getpid()}" in str(refusals[0])


def test_a_folder_made_for_the_lock_is_removed_when_nothing_was_written(tmp_path: Path) -> None:
    with hold_output_folder(tmp_path / "new" / "out"):
        assert (tmp_path / "new" / "out" / LOCK_FILE_NAME).is_file()
    assert os.listdir(tmp_path) == []


def test_a_lock_file_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("keep me")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / LOCK_FILE_NAME).symlink_to(target)
    with pytest.raises(OutputNotWritable, match="symbolic link"):
        write_transcript_bundle(tmp_path / "out", _records("Hi."), _summary(1, "new"))
    assert target.read_text() == "keep me"


def test_an_output_folder_made_read_only_before_the_commit_is_reported_with_the_fix(folders: Folders) -> None:
    old_set = folders.snapshot()
    with reserve_output_folder(folders.out_dir), read_only_folder(folders.out_dir):
        with pytest.raises(OutputNotWritable) as refusal:
            folders.write_new()
        assert folders.snapshot() == {**old_set, f"talk.transcript/{LOCK_FILE_NAME}": str(os.getpid()).encode() + b"\n"}
    message = str(refusal.value)
    assert f"cannot write to {folders.out_dir}" in message
    assert "read-only" in message and f"chmod u+w {folders.out_dir}" in message
    assert folders.snapshot() == old_set


def test_a_read_only_output_folder_is_refused_when_the_run_starts(folders: Folders) -> None:
    with (
        read_only_folder(folders.out_dir),
        pytest.raises(OutputNotWritable, match="read-only"),
        reserve_output_folder(folders.out_dir),
    ):
        pytest.fail("the lock cannot be taken in a read-only folder")
