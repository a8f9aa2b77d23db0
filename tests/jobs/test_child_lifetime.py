"""Every child dies with its parent: SIGKILL of the command takes whisper-cli along, a killed run's temp folder
is removed by the next run, and the launcher ends a quiet child too. (SIGINT and SIGTERM at each stage of a
real run: tests/cli/test_cli_interrupt.py.)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from metavis_gui.jobs import child_lifetime
from metavis_gui.jobs.child_lifetime import LauncherKind
from metavis_gui.jobs.child_process import ChildProcessFailedToStart, run_child_process
from metavis_gui.jobs.event_loop import run_on_asyncio_loop
from metavis_gui.jobs.stale_temp_folders import remove_stale_work_dirs
from tests.cli.console_script import CONSOLE_SCRIPT, GENERATE, silence
from tests.conftest import run_ffmpeg
from tests.support.running_transcription import RunningTranscription, is_gone

pytestmark = [
    pytest.mark.usefixtures("engine_ready"),
    pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; the death signal is Linux's"),
]
STOP_DEADLINE_SECONDS = 2.0


def test_sigkill_of_the_command_takes_whisper_cli_along(tmp_path: Path, long_speech_wav: Path) -> None:
    private_tmp = tmp_path / "tmp"
    run = RunningTranscription.start(
        long_speech_wav, tmp_path / "out", private_tmp,
        ("--threads", "1", "--align", "off", "--write-adjacent-captions", "false"),
    )  # fmt: skip
    engine_pid = run.wait_for_engine()
    process = run.process
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + STOP_DEADLINE_SECONDS
    while not is_gone(engine_pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert is_gone(engine_pid), "whisper-cli outlived the command it worked for"
    [left_behind] = list(private_tmp.iterdir())
    assert left_behind.name.startswith(f"metavis-transcribe-{process.pid}-"), "the folder names its owner"

    # The next run removes the folder of the run that was killed.
    completed = subprocess.run(
        [str(CONSOLE_SCRIPT), *GENERATE, "--input", str(silence(tmp_path)), "--out", str(tmp_path / "next"),
         "--write-adjacent-captions", "false", "--quiet"],
        env={**os.environ, "TMPDIR": str(private_tmp)}, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("stage", ["decoding", "aligning"])
def test_sigkill_at_another_stage_takes_every_child_along(stage: str, tmp_path: Path, long_speech_wav: Path) -> None:
    """FFmpeg while decoding; the aligner and the worker it forked while aligning."""
    media = long_speech_wav
    if stage == "decoding":  # a long compressed input, so FFmpeg is still decoding when the kill comes
        media = tmp_path / "long.opus"
        run_ffmpeg("-stream_loop", "299", "-i", str(long_speech_wav), "-c:a", "libopus", "-b:a", "24k", str(media))
    run = RunningTranscription.start(media, tmp_path / "out", tmp_path / "tmp")
    try:
        run.wait_for_stage(stage)
        word = "ffmpeg" if stage == "decoding" else "metavis_gui.align.alignment_runner"
        first = run.wait_for_child(word)
        if stage == "aligning" and (os.cpu_count() or 1) > 1:
            run.wait_for_child(word, below=first)
        children = run.children()
        run.process.kill()
        run.process.wait(timeout=10)
        deadline = time.monotonic() + STOP_DEADLINE_SECONDS
        while any(not is_gone(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [pid for pid in children if not is_gone(pid)] == [], f"a child outlived the command at {stage}"
    finally:
        run.kill()


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_only_folders_of_gone_processes_are_removed(tmp_path: Path) -> None:
    gone = tmp_path / f"metavis-transcribe-{dead_pid()}-x1y2"
    gone.mkdir()
    (gone / "audio-16k-mono.wav").write_bytes(b"RIFF")
    alive = tmp_path / f"metavis-transcribe-{os.getppid()}-a1b2"
    alive.mkdir()
    mine = tmp_path / f"metavis-timeline-{os.getpid()}-c3d4"
    mine.mkdir()
    unrelated = tmp_path / "metavis-transcribe-notes"
    unrelated.mkdir()
    assert remove_stale_work_dirs(tmp_path) == [gone]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([alive.name, mine.name, unrelated.name])


def test_a_program_that_cannot_be_executed_fails_to_start(tmp_path: Path) -> None:
    for program in (_not_a_program(tmp_path), tmp_path / "missing", "no-such-program-anywhere"):
        with pytest.raises(ChildProcessFailedToStart, match="could not be started"):
            run_on_asyncio_loop(run_child_process(program, []))


def test_arguments_that_are_not_utf8_reach_the_child_intact(tmp_path: Path) -> None:
    name = os.fsdecode(b"take\xff.wav")
    result = run_on_asyncio_loop(run_child_process("sh", ["-c", 'printf %s "$0" | od -An -tx1', name]))
    assert result.stdout.split() == [f"{byte:02x}" for byte in b"take\xff.wav"]


_PARENT_OF_A_QUIET_CHILD = """
import sys
from metavis_gui.jobs import child_lifetime
from metavis_gui.jobs.child_process import run_child_process
from metavis_gui.jobs.event_loop import run_on_asyncio_loop
child_lifetime.launcher_kind = lambda: child_lifetime.LauncherKind[sys.argv[1]]
run_on_asyncio_loop(run_child_process("sleep", [sys.argv[2]], on_started=lambda pid: print(pid, flush=True)))
"""


SLEEP = shutil.which("sleep") or "/bin/sleep"  # as run_child_process resolves it


def processes_with_command_line(*words: str) -> list[int]:
    wanted = "\0".join(words).encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes() == wanted and not is_gone(int(entry.name)):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("kind", [LauncherKind.DEATH_SIGNAL, LauncherKind.WATCHDOG], ids=["death-signal", "watchdog"])
def test_a_child_that_never_writes_dies_with_its_killed_parent(kind: LauncherKind) -> None:
    """whisper-cli may die of SIGPIPE once it next prints; a quiet child shows the launcher's own work."""
    seconds = f"{600 + os.getpid() % 1000}.{list(LauncherKind).index(kind)}5"  # a command line no one else has
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT_OF_A_QUIET_CHILD, kind.name, seconds],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert_quiet_child_dies_with_its_parent(parent, seconds, seen_within_seconds=5)


def assert_quiet_child_dies_with_its_parent(
    parent: subprocess.Popen[str],
    seconds: str,
    *,
    seen_within_seconds: float,
    launcher_becomes_program: bool = False,
    outlived: str = "the child outlived its parent",
) -> None:
    """`parent` printed the pid of a `sleep SECONDS` it started through a launcher: SIGKILL it, and the sleep
    must end within STOP_DEADLINE_SECONDS. Kills whatever is left either way."""
    try:
        assert parent.stdout is not None
        launched_pid = int(parent.stdout.readline())
        sleepers: list[int] = []
        deadline = time.monotonic() + seen_within_seconds
        while not sleepers and time.monotonic() < deadline:
            time.sleep(0.02)
            sleepers = processes_with_command_line(SLEEP, seconds)
        [sleeper] = sleepers
        assert os.getpgid(sleeper) == launched_pid, "the program runs in the group its launcher leads"
        if launcher_becomes_program:
            assert sleeper == launched_pid, "the launcher became the program"
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + STOP_DEADLINE_SECONDS
        while not is_gone(sleeper) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert is_gone(sleeper), outlived
    finally:
        parent.kill()
        for pid in processes_with_command_line(SLEEP, seconds):
            os.kill(pid, signal.SIGKILL)


def test_the_watchdog_launcher_passes_on_exit_codes_crashes_and_odd_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(child_lifetime, "launcher_kind", lambda: LauncherKind.WATCHDOG)
    assert run_on_asyncio_loop(run_child_process("sh", ["-c", "exit 3"])).exit_code == 3
    assert run_on_asyncio_loop(run_child_process("sh", ["-c", "kill -SEGV $$"])).crashed
    name = os.fsdecode(b"take\xff.wav")
    result = run_on_asyncio_loop(run_child_process("sh", ["-c", 'printf %s "$0" | od -An -tx1', name]))
    assert result.stdout.split() == [f"{byte:02x}" for byte in b"take\xff.wav"]
    with pytest.raises(ChildProcessFailedToStart, match="could not be started"):
        run_on_asyncio_loop(run_child_process(_not_a_program(tmp_path), []))


def _not_a_program(folder: Path) -> Path:
    path = folder / "notes.txt"
    path.write_text("not a program\n")
    path.chmod(0o755)  # executable, but no #! and no ELF header: execv says ENOEXEC
    return path
