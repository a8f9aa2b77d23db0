"""`transcript generate` over a folder, several inputs or a glob, through the installed console script."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from metavis_gui.cli.batch_inputs import batch_inputs
from metavis_gui.cli.json_events import (
    BatchResultEvent,
    BatchStartedEvent,
    GenerateEvent,
    InputFinishedEvent,
    InputProgressEvent,
    WarningEvent,
)
from tests.cli.console_script import CONSOLE_SCRIPT, GENERATE, events_of, jfk_copy, run_command, silence
from tests.cli.test_cli_json_events import assert_valid_against_the_schema_file
from tests.conftest import run_ffmpeg
from tests.support.transcript_checks import read_valid_words

WORDS = "transcript.words.v1.jsonl"


@dataclass
class BatchRun:
    completed: subprocess.CompletedProcess[str]
    events: list[GenerateEvent]
    seconds: float

    def finished(self) -> dict[str, InputFinishedEvent]:
        return {Path(e.input).name: e for e in self.events if isinstance(e, InputFinishedEvent)}

    def statuses(self) -> dict[str, str]:
        return {name: event.status.value for name, event in self.finished().items()}


def run_batch(*arguments: str | Path, cwd: Path) -> BatchRun:
    started = time.monotonic()
    completed = run_command(*GENERATE, *arguments, "--json", cwd=cwd, timeout=600)
    seconds = time.monotonic() - started
    assert_valid_against_the_schema_file(completed.stdout.splitlines())
    return BatchRun(completed, events_of(completed.stdout), seconds)


@dataclass
class SpeechFolder:
    root: Path
    media: Path
    out: Path

    def run(self, *extra: str) -> BatchRun:
        return run_batch(
            "--input", self.media, "--out", self.out, "--align", "off", "--jobs", "2", *extra, cwd=self.root
        )


@pytest.fixture(scope="module")
def speech_folder(tmp_path_factory: pytest.TempPathFactory, engine_ready: None) -> SpeechFolder:
    """Two copies of the JFK speech and a file of garbage bytes named .wav, batched as a folder."""
    root = tmp_path_factory.mktemp("batch")
    media = root / "media"
    media.mkdir()
    jfk_copy(media, "jfk.wav")
    jfk_copy(media, "jfk copy.wav")
    (media / "broken.wav").write_bytes(os.urandom(64 * 1024))
    (media / "notes.txt").write_text("not media: a folder's other files are left alone\n")
    return SpeechFolder(root, media, root / "out")


@pytest.fixture(scope="module")
def first_run(speech_folder: SpeechFolder) -> BatchRun:
    return speech_folder.run()


@pytest.fixture(scope="module")
def second_run(speech_folder: SpeechFolder, first_run: BatchRun) -> BatchRun:
    return speech_folder.run()


@pytest.fixture(scope="module")
def run_after_a_change(speech_folder: SpeechFolder, second_run: BatchRun) -> BatchRun:
    changed = speech_folder.media / "jfk copy.wav"
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 5_000_000_000))
    return speech_folder.run()


@pytest.fixture(scope="module")
def forced_run(speech_folder: SpeechFolder, run_after_a_change: BatchRun) -> tuple[BatchRun, dict[str, int]]:
    before = {name: (speech_folder.out / name / WORDS).stat().st_mtime_ns for name in ("jfk", "jfk copy")}
    return speech_folder.run("--force"), before


def test_a_folder_batch_transcribes_each_input_and_a_broken_one_does_not_stop_the_rest(
    speech_folder: SpeechFolder, first_run: BatchRun
) -> None:
    completed = first_run.completed
    assert completed.returncode == 1, completed.stderr  # one input failed
    assert first_run.statuses() == {"broken.wav": "failed", "jfk copy.wav": "done", "jfk.wav": "done"}
    for name in ("jfk", "jfk copy"):
        words = read_valid_words(speech_folder.out / name)
        assert "country" in " ".join(word.word for word in words).lower()
        assert (speech_folder.media / f"{name}.captions.vtt").is_file(), "adjacent captions, as for one input"
    broken = first_run.finished()["broken.wav"]
    assert broken.error_code == "input_unreadable" and "broken.wav" in (broken.message or "")
    assert not (speech_folder.out / "broken").exists()
    started = first_run.events[0]
    assert isinstance(started, BatchStartedEvent) and started.jobs == min(2, os.cpu_count() or 1)
    assert any(
        isinstance(event, InputProgressEvent) and event.stage.value == "transcribing" for event in first_run.events
    )
    result = first_run.events[-1]
    assert isinstance(result, BatchResultEvent)
    assert (result.done, result.skipped, result.failed, result.exit_code) == (2, 0, 1, 1)


def test_the_final_table_is_on_stderr_and_the_summary_records_hash_and_options(
    speech_folder: SpeechFolder, first_run: BatchRun
) -> None:
    lines = first_run.completed.stderr.splitlines()
    header = next(index for index, line in enumerate(lines) if line.split()[:2] == ["input", "status"])
    rows = [line.split("  ")[0] for line in lines[header + 1 : header + 4]]
    assert rows == ["broken.wav", "jfk copy.wav", "jfk.wav"]
    assert "2 done, 0 skipped (current), 1 failed" in first_run.completed.stderr
    assert "\r" not in first_run.completed.stderr, "not a terminal: plain lines, no progress bar"
    summary = json.loads((speech_folder.out / "batch.summary.json").read_text())
    records = {Path(record["input"]).name: record for record in summary["inputs"]}
    assert records["jfk.wav"]["status"] == "done" and records["broken.wav"]["status"] == "failed"
    assert records["jfk.wav"]["fingerprint"]["size"] == (speech_folder.media / "jfk.wav").stat().st_size
    assert len(records["jfk.wav"]["fingerprint"]["sha256FirstLastMib"]) == 64
    assert records["jfk.wav"]["options"]["align"] == "off"
    assert records["jfk.wav"]["options"]["model"].endswith("ggml-tiny.en.bin")


def test_a_second_run_skips_the_inputs_whose_outputs_are_current(
    speech_folder: SpeechFolder, first_run: BatchRun, second_run: BatchRun
) -> None:
    assert second_run.completed.returncode == 1  # the broken file is tried again, and fails again
    assert second_run.statuses() == {"broken.wav": "failed", "jfk copy.wav": "skipped", "jfk.wav": "skipped"}
    assert "outputs are current" in second_run.completed.stderr
    assert "2 skipped (current)" in second_run.completed.stderr
    assert not any(
        isinstance(event, InputProgressEvent) and event.stage.value == "transcribing" for event in second_run.events
    )
    assert second_run.seconds < first_run.seconds


def test_a_changed_input_is_redone_and_the_others_still_skipped(run_after_a_change: BatchRun) -> None:
    assert run_after_a_change.statuses() == {"broken.wav": "failed", "jfk copy.wav": "done", "jfk.wav": "skipped"}


def test_force_redoes_current_inputs(speech_folder: SpeechFolder, forced_run: tuple[BatchRun, dict[str, int]]) -> None:
    run, before = forced_run
    assert run.statuses() == {"broken.wav": "failed", "jfk copy.wav": "done", "jfk.wav": "done"}
    for name, mtime in before.items():
        assert (speech_folder.out / name / WORDS).stat().st_mtime_ns != mtime, f"{name} was not rewritten"


def test_shared_stems_get_their_extension_and_one_writer_of_the_adjacent_captions(tmp_path: Path) -> None:
    media = tmp_path / "media"
    silence(media, "a.wav")
    run_ffmpeg("-i", str(media / "a.wav"), "-c:a", "aac", str(media / "a.mov"))
    run = run_batch("--input", media / "a.wav", "--input", media / "a.mov", "--out", tmp_path / "out", cwd=tmp_path)
    assert run.completed.returncode == 0, run.completed.stderr
    assert {Path(event.out_dir).name for event in run.finished().values()} == {"a-wav", "a-mov"}
    assert all((tmp_path / "out" / name / WORDS).is_file() for name in ("a-wav", "a-mov"))
    [warning] = [event for event in run.events if isinstance(event, WarningEvent)]
    assert warning.code == "shared_adjacent_captions" and "a.captions.vtt" in warning.message
    captions = str(media / "a.captions.vtt")
    assert captions in run.finished()["a.wav"].output_paths
    assert captions not in run.finished()["a.mov"].output_paths


def test_a_quoted_glob_is_a_batch_and_jobs_are_bounded_by_the_cores(tmp_path: Path) -> None:
    for name in ("one.wav", "two.wav", "skip.flac"):
        silence(tmp_path / "media", name)
    cores = os.cpu_count() or 1
    run = run_batch("--input", "media/*.wav", "--out", "out", "--jobs", str(cores + 6), cwd=tmp_path)
    assert run.completed.returncode == 0, run.completed.stderr
    assert sorted(run.statuses()) == ["one.wav", "two.wav"]
    warning = next(event for event in run.events if isinstance(event, WarningEvent))
    assert warning.code == "jobs_bounded" and f"the {cores} cores here" in warning.message
    started = next(event for event in run.events if isinstance(event, BatchStartedEvent))
    assert started.jobs <= cores

    again = run_batch("--input", "media/*.wav", "--out", "out", cwd=tmp_path)
    assert set(again.statuses().values()) == {"skipped"}, "--jobs changes nothing written"
    for changed in (("--max-seconds", "1"), ("--vad", "off")):  # a named option, and any other one
        redone = run_batch("--input", "media/*.wav", "--out", "out", *changed, cwd=tmp_path)
        assert set(redone.statuses().values()) == {"done"}, changed


def test_a_glob_that_matches_nothing_exits_3(tmp_path: Path) -> None:
    completed = run_command(*GENERATE, "--input", tmp_path / "*.wav", "--out", tmp_path / "out", "--json")
    assert completed.returncode == 3, completed.stderr
    assert "no file matches" in completed.stderr
    assert events_of(completed.stdout)[-1].event == "error"


def test_a_terminal_gets_a_progress_bar(tmp_path: Path) -> None:
    for name in ("one.wav", "two.wav"):
        silence(tmp_path / "media", name)
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(CONSOLE_SCRIPT), *GENERATE, "--input", "media", "--out", "out"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: the command closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait(timeout=120) == 0
    os.close(controller)
    text = shown.decode()
    assert "\r\x1b[K[" + "-" * 24 + "]   0%  0/2 finished" in text, text
    assert "finished  one.wav" in text or "1/2 finished" in text, text


def test_output_folders_are_named_after_the_stem_and_numbered_only_for_the_same_name(tmp_path: Path) -> None:
    media = [tmp_path / "x" / "a.wav", tmp_path / "y" / "a.wav", tmp_path / "a.mov", tmp_path / "b.wav"]
    names = [item.out_dir.name for item in batch_inputs(media, tmp_path / "out")]
    assert names == ["a-wav", "a-wav-2", "a-mov", "b"]


@pytest.mark.usefixtures("engine_ready")
def test_ctrl_c_stops_the_batch_keeps_the_finished_inputs_and_exits_130(tmp_path: Path) -> None:
    from tests.cli.test_cli_interrupt import whisper_cli_processes_using

    media = tmp_path / "media"
    for name in ("a.wav", "b.wav", "c.wav"):
        jfk_copy(media, name)
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    process = subprocess.Popen(
        [str(CONSOLE_SCRIPT), *GENERATE, "--input", media, "--out", tmp_path / "out", "--align", "off", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(private_tmp)},
    )
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        if '"event":"input_started","input":"' + str(media / "b.wav") in line:
            break
    else:
        pytest.fail(f"the batch ended before its second input: exit {process.wait()}")
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    rest, stderr = process.communicate(timeout=20)
    assert process.returncode == 130, stderr
    events = events_of("".join(lines) + rest)
    assert events[-1].event == "error" and events[-1].code == "interrupted"
    assert_valid_against_the_schema_file(("".join(lines) + rest).splitlines())
    summary = json.loads((tmp_path / "out" / "batch.summary.json").read_text())
    assert [(Path(record["input"]).name, record["status"]) for record in summary["inputs"]] == [("a.wav", "done")]
    assert (tmp_path / "out" / "a" / WORDS).is_file() and not (tmp_path / "out" / "c").exists()
    assert whisper_cli_processes_using(str(private_tmp)) == []
