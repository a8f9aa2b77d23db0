"""Ctrl-C (SIGINT) and SIGTERM on the installed command, at each stage of a real run.

Whether the signal comes while the run prepares, while FFmpeg decodes, while whisper-cli transcribes, while
the aligner runs or while the files are being written, the command ends within 2 s with exit code 130
(`--help`: "130 for both, never 143"), and leaves no child process, no temp folder, and the earlier run's
files byte for byte as they were.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import JFK_WAV, run_ffmpeg
from tests.support.earlier_outputs import RunFolders, earlier_run_files, folders_with_an_earlier_run
from tests.support.fault_injection.fake_slow_disk_environment import fake_slow_disk_environment
from tests.support.running_transcription import (
    RunningTranscription,
    StoppedRun,
    is_gone,
    running_in_groups,
    whisper_cli_processes_using,
)

__all__ = ["whisper_cli_processes_using"]  # other tests import it from here

pytestmark = [
    pytest.mark.usefixtures("engine_ready"),
    pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find the command's child processes"),
]
STOP_DEADLINE_SECONDS = 2.0
EXIT_INTERRUPTED = 130  # for SIGTERM too: documented under `metavis-transcribe --help`, "exit codes"
STOP_SIGNALS = pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])


@pytest.fixture(scope="module")
def earlier_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return earlier_run_files(tmp_path_factory.mktemp("earlier-run"))


@pytest.fixture(scope="module")
def long_compressed_speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nearly two hours of real speech as Opus: FFmpeg needs seconds to decode it (built in under a second)."""
    folder = tmp_path_factory.mktemp("long-opus")
    run_ffmpeg("-i", str(JFK_WAV), "-c:a", "libopus", "-b:a", "32k", str(folder / "jfk.opus"))
    run_ffmpeg("-stream_loop", "599", "-i", str(folder / "jfk.opus"), "-c", "copy", str(folder / "long.opus"))
    return folder / "long.opus"


def process_groups(pids: list[int]) -> set[int]:
    groups = set()
    for pid in pids:
        try:
            groups.add(os.getpgid(pid))
        except ProcessLookupError:
            continue
    return groups


def stop_and_check(run: RunningTranscription, folders: RunFolders, stop_signal: signal.Signals) -> StoppedRun:
    """Send the signal now and check every promise: the time, the code, no child, no temp folder, no change."""
    children = run.children()
    groups = process_groups(children) - {os.getpgid(run.process.pid)}
    stopped = run.stop(stop_signal)
    assert stopped.seconds_after_signal < STOP_DEADLINE_SECONDS, (
        f"{stop_signal.name} took {stopped.seconds_after_signal:.2f} s; stderr:\n{stopped.stderr}"
    )
    assert stopped.exit_code == EXIT_INTERRUPTED, stopped.stderr
    assert "cancelled" in stopped.stderr and "nothing was written" in stopped.stderr, stopped.stderr
    assert stopped.events[-1]["event"] == "error" and stopped.events[-1]["code"] == "interrupted"
    assert [pid for pid in children if not is_gone(pid)] == [], "a child outlived the command"
    assert running_in_groups(groups) == [], "a child's process group still runs"
    assert list(folders.private_tmp.iterdir()) == [], "the temp folder must be removed"
    assert folders.contents() == folders.earlier, "the earlier run's files must stay byte for byte as they were"
    return stopped


@STOP_SIGNALS
def test_a_stop_signal_while_preparing(
    tmp_path: Path, long_speech_wav: Path, earlier_run: dict[str, bytes], stop_signal: signal.Signals
) -> None:
    folders = folders_with_an_earlier_run(tmp_path, long_speech_wav, earlier_run)
    run = RunningTranscription.start(folders.media, folders.out_dir, folders.private_tmp)
    try:
        run.wait_for_stage("preparing")
        stop_and_check(run, folders, stop_signal)
    finally:
        run.kill()


@STOP_SIGNALS
def test_a_stop_signal_while_ffmpeg_decodes(
    tmp_path: Path, long_compressed_speech: Path, earlier_run: dict[str, bytes], stop_signal: signal.Signals
) -> None:
    folders = folders_with_an_earlier_run(tmp_path, long_compressed_speech, earlier_run)
    run = RunningTranscription.start(folders.media, folders.out_dir, folders.private_tmp)
    try:
        run.wait_for_stage("decoding", started=True)
        ffmpeg = run.wait_for_child("ffmpeg")
        stop_and_check(run, folders, stop_signal)
        assert is_gone(ffmpeg)
    finally:
        run.kill()


@STOP_SIGNALS
def test_a_stop_signal_while_whisper_cli_transcribes(
    tmp_path: Path, long_speech_wav: Path, earlier_run: dict[str, bytes], stop_signal: signal.Signals
) -> None:
    folders = folders_with_an_earlier_run(tmp_path, long_speech_wav, earlier_run)
    run = RunningTranscription.start(folders.media, folders.out_dir, folders.private_tmp)
    try:
        engine_pid = run.wait_for_engine()
        assert os.getpgid(engine_pid) == engine_pid, "whisper-cli leads its own process group"
        assert os.getpgid(engine_pid) != os.getpgid(run.process.pid)
        stop_and_check(run, folders, stop_signal)
        assert whisper_cli_processes_using(str(folders.private_tmp)) == []
    finally:
        run.kill()


@STOP_SIGNALS
def test_a_stop_signal_while_the_aligner_runs(
    tmp_path: Path, long_speech_wav: Path, earlier_run: dict[str, bytes], stop_signal: signal.Signals
) -> None:
    folders = folders_with_an_earlier_run(tmp_path, long_speech_wav, earlier_run)
    run = RunningTranscription.start(folders.media, folders.out_dir, folders.private_tmp)
    try:
        run.wait_for_stage("aligning")
        aligner = run.wait_for_child("metavis_gui.align.alignment_runner")
        if (os.cpu_count() or 1) > 1:  # then it forks a worker a core, which share its process group
            worker = run.wait_for_child("metavis_gui.align.alignment_runner", below=aligner)
            assert os.getpgid(worker) == aligner
        stop_and_check(run, folders, stop_signal)
        assert is_gone(aligner)
    finally:
        run.kill()


@STOP_SIGNALS
def test_a_stop_signal_while_the_files_are_written_keeps_the_earlier_set(
    tmp_path: Path, earlier_run: dict[str, bytes], stop_signal: signal.Signals
) -> None:
    """A slow disk (faked: each fsync there waits) holds the run in its commit when the signal comes."""
    folders = folders_with_an_earlier_run(tmp_path, JFK_WAV, earlier_run)
    marker = tmp_path / "fsyncs.txt"
    slow_disk = fake_slow_disk_environment([folders.out_dir, folders.media.parent], 0.5, marker)
    run = RunningTranscription.start(folders.media, folders.out_dir, folders.private_tmp, environ=slow_disk)
    try:
        run.wait_for_stage("writing")
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert marker.exists(), "the run should be writing its files by now"
        stopped = stop_and_check(run, folders, stop_signal)
        assert not any(event["event"] == "result" for event in stopped.events)
    finally:
        run.kill()
