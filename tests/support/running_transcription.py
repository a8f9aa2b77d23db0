"""The installed `metavis-transcribe transcript generate` running in the background, watched from a test.

It runs with `--json` and a private TMPDIR: a test waits for a stage's first progress event (or for
whisper-cli to run), sends a signal, and then checks what is left: the command's child processes (taken
before the signal, with their process groups: a child leads its own, its workers share it), the temp folder,
the outputs. Linux only: the processes are read from /proc.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

from tests.cli.console_script import CONSOLE_SCRIPT, GENERATE

Event = dict[str, Any]
_END = None  # put on the event queue when stdout closes


def is_gone(pid: int) -> bool:
    """No such process, or a zombie waiting for its parent: either way it runs no more."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name: [state, ppid, pgrp, ...]."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _all_pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def descendants_of(pid: int) -> list[int]:
    """Every running process below `pid` (children, their children, ...)."""
    children: dict[int, list[int]] = {}
    for candidate in _all_pids():
        fields = _stat_fields(candidate)
        if fields is not None and fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(candidate)
    found, waiting = [], [pid]
    while waiting:
        for child in children.get(waiting.pop(), []):
            found.append(child)
            waiting.append(child)
    return found


def running_in_groups(groups: set[int]) -> list[int]:
    """The processes still running in any of these process groups."""
    running = []
    for candidate in _all_pids():
        fields = _stat_fields(candidate)
        if fields is not None and fields[0] != "Z" and int(fields[2]) in groups:
            running.append(candidate)
    return running


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def whisper_cli_processes_using(marker: str) -> list[int]:
    """The running whisper-cli processes whose command line holds `marker` (a run's private temp folder)."""
    return [
        pid
        for pid in _all_pids()
        if marker in (line := command_line(pid)) and "whisper-cli" in line and not is_gone(pid)
    ]


@dataclass
class StoppedRun:
    exit_code: int
    seconds_after_signal: float
    stderr: str
    events: list[Event]  # every --json event the command printed, from the first


@dataclass
class RunningTranscription:
    process: subprocess.Popen[bytes]
    private_tmp: Path
    stderr_path: Path
    events: list[Event] = field(default_factory=list)
    _lines: queue.Queue[Event | None] = field(default_factory=queue.Queue)

    @classmethod
    def start(
        cls,
        media: Path,
        out_dir: Path,
        private_tmp: Path,
        options: Sequence[str] = ("--threads", "1"),
        environ: Mapping[str, str] | None = None,
        program: Path = CONSOLE_SCRIPT,
    ) -> RunningTranscription:
        """The command (`program`: the installed one, or a bundle's) on `media` into `out_dir`, its temp folders
        under `private_tmp` (made here)."""
        assert program.is_file(), f"the command is not installed: {program} (run scripts/setup)"
        private_tmp.mkdir(parents=True, exist_ok=True)
        stderr_path = private_tmp.parent / f"{private_tmp.name}-stderr.txt"
        command = [str(program), *GENERATE, "--input", str(media), "--out", str(out_dir), "--json", *options]
        with stderr_path.open("wb") as stderr:  # a file, so a chatty command never blocks on a full pipe
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env={**os.environ, **(environ or {}), "TMPDIR": str(private_tmp)},
            )
        running = cls(process, private_tmp, stderr_path)
        assert process.stdout is not None
        threading.Thread(target=running._read_events, args=(process.stdout,), daemon=True).start()
        return running

    def _read_events(self, stdout: IO[bytes]) -> None:
        for line in stdout:
            self._lines.put(json.loads(line))
        self._lines.put(_END)

    def wait_for_event(self, wanted: Callable[[Event], bool], what: str, timeout: float = 180) -> Event:
        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.kill()
                pytest.fail(f"no {what} within {timeout:g} s; stderr:\n{self.stderr()}")
            if event is _END:
                pytest.fail(f"the command ended before {what}: exit {self.process.wait()}; stderr:\n{self.stderr()}")
            self.events.append(event)
            if wanted(event):
                return event

    def wait_for_stage(self, stage: str, *, started: bool = False, timeout: float = 180) -> Event:
        """The first progress event of `stage` (with `started`, the first past 0 %)."""

        def wanted(event: Event) -> bool:
            return (
                event.get("event") == "progress"
                and event["stage"] == stage
                and (not started or event["stagePercent"] > 0)
            )

        return self.wait_for_event(wanted, f"{stage} progress event", timeout)

    def wait_for_child(self, word: str, timeout: float = 30, *, below: int | None = None) -> int:
        """The pid of the first process below the command (or below `below`) whose command line holds `word`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [pid for pid in descendants_of(below or self.process.pid) if word in command_line(pid)]
            if found:
                return found[0]
            time.sleep(0.02)
        pytest.fail(f"no child process running {word} within {timeout:g} s; stderr:\n{self.stderr()}")

    def wait_for_engine(self) -> int:
        """whisper-cli's pid, once it runs on this run's decoded audio."""
        self.wait_for_stage("transcribing")
        deadline = time.monotonic() + 10
        while not (engines := whisper_cli_processes_using(str(self.private_tmp))) and time.monotonic() < deadline:
            time.sleep(0.02)
        [engine_pid] = engines
        return engine_pid

    def children(self) -> list[int]:
        return descendants_of(self.process.pid)

    def stop(self, stop_signal: signal.Signals, timeout: float = 30) -> StoppedRun:
        """Send `stop_signal` and wait (at most `timeout`) for the command to end."""
        sent = time.monotonic()
        self.process.send_signal(stop_signal)
        try:
            exit_code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"{stop_signal.name} did not end the command within {timeout:g} s")
        return StoppedRun(exit_code, time.monotonic() - sent, self.stderr(), self.rest_of_events())

    def wait(self, timeout: float = 240) -> StoppedRun:
        """Wait for the command to end by itself."""
        started = time.monotonic()
        try:
            exit_code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"the command did not end within {timeout:g} s")
        return StoppedRun(exit_code, time.monotonic() - started, self.stderr(), self.rest_of_events())

    def rest_of_events(self) -> list[Event]:
        """Every event, once stdout has closed."""
        while (event := self._lines.get(timeout=10)) is not _END:
            self.events.append(event)
        self._lines.put(_END)
        return self.events

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL for the command and every child it has (for a test's clean-up); nothing once it has ended."""
        if self.process.poll() is not None:
            return
        for pid in [*self.children(), self.process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=10)
