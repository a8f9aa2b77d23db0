"""Running one child process on the Qt event loop, as a coroutine: lines stream out, cancel kills it.

The child leads its own process group and dies with this process even when this one is killed outright
(child_lifetime: a death signal on Linux, a watchdog elsewhere).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer

from metavis_gui.jobs.child_lifetime import kill_process_group, launch_command, launch_failure

LineHandler = Callable[[str], None]
KILL_WAIT_MILLISECONDS = 2000


class ChildProcessResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    exit_code: int
    crashed: bool
    stdout: str
    stderr: str


class ChildProcessError(Exception):
    pass


class ChildProcessFailedToStart(ChildProcessError):
    pass


class ChildProcessStalled(ChildProcessError):
    def __init__(self, program: str, seconds: float, stderr: str) -> None:
        super().__init__(f"{program} printed nothing for {seconds:g} s and was stopped.")
        self.stderr = stderr


class _LineSplitter:
    """Turns chunks of bytes into lines; tqdm-style bars end their updates with '\\r', not '\\n'."""

    def __init__(self, handler: LineHandler | None) -> None:
        self._handler = handler
        self._pending = b""
        self.collected: list[bytes] = []

    def feed(self, chunk: bytes) -> None:
        self.collected.append(chunk)
        self._pending += chunk
        *complete, self._pending = self._pending.replace(b"\r", b"\n").split(b"\n")
        for line in complete:
            self._emit(line)

    def flush(self) -> None:
        if self._pending:
            self._emit(self._pending)
            self._pending = b""

    def _emit(self, line: bytes) -> None:
        if self._handler is not None and line.strip():
            self._handler(line.decode("utf-8", "replace"))

    def text(self) -> str:
        return b"".join(self.collected).decode("utf-8", "replace")


async def run_child_process(
    program: Path | str,
    arguments: Sequence[str],
    *,
    on_stdout_line: LineHandler | None = None,
    on_stderr_line: LineHandler | None = None,
    stall_timeout_seconds: float | None = None,
    on_started: Callable[[int], None] | None = None,
    environment: Mapping[str, str] | None = None,
) -> ChildProcessResult:
    """Run program with an argv list (never a shell). Cancelling the awaiting task kills the process.

    The child inherits this process's environment, with `environment`'s variables added or replaced.
    """
    loop = asyncio.get_running_loop()
    finished: asyncio.Future[ChildProcessResult] = loop.create_future()
    launch = launch_command(_executable(program), arguments)
    owner = QObject()
    process = QProcess(owner)
    process.setProgram(launch.program)
    process.setArguments(launch.arguments)
    if environment:
        variables = QProcessEnvironment.systemEnvironment()
        for name, value in environment.items():
            variables.insert(name, value)
        process.setProcessEnvironment(variables)
    _run_in_own_session(process)
    process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
    process.setInputChannelMode(QProcess.InputChannelMode.ManagedInputChannel)
    stdout = _LineSplitter(on_stdout_line)
    stderr = _LineSplitter(on_stderr_line)
    watchdog = QTimer(owner)
    watchdog.setSingleShot(True)
    stalled = False

    def restart_watchdog() -> None:
        if stall_timeout_seconds is not None:
            watchdog.start(int(stall_timeout_seconds * 1000))

    def read_stdout() -> None:
        stdout.feed(bytes(process.readAllStandardOutput().data()))
        restart_watchdog()

    def read_stderr() -> None:
        stderr.feed(bytes(process.readAllStandardError().data()))
        restart_watchdog()

    def on_stall() -> None:
        nonlocal stalled
        stalled = True
        _kill(process)

    def on_finished(exit_code: int, exit_status: QProcess.ExitStatus) -> None:
        watchdog.stop()
        read_stdout()
        read_stderr()
        stdout.flush()
        stderr.flush()
        if finished.done():
            return
        if stalled:
            finished.set_exception(
                ChildProcessStalled(Path(str(program)).name, stall_timeout_seconds or 0, stderr.text())
            )
            return
        not_started = launch_failure(exit_code, stderr.text()) if launch.through_launcher else None
        if not_started is not None:
            finished.set_exception(ChildProcessFailedToStart(f"{program} could not be started: {not_started}"))
            return
        crashed = exit_status == QProcess.ExitStatus.CrashExit
        finished.set_result(
            ChildProcessResult(exit_code=exit_code, crashed=crashed, stdout=stdout.text(), stderr=stderr.text())
        )

    def on_error(error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and not finished.done():
            finished.set_exception(
                ChildProcessFailedToStart(f"{program} could not be started: {process.errorString()}")
            )

    process.readyReadStandardOutput.connect(read_stdout)
    process.readyReadStandardError.connect(read_stderr)
    process.finished.connect(on_finished)
    process.errorOccurred.connect(on_error)
    watchdog.timeout.connect(on_stall)

    if on_started is not None:
        process.started.connect(lambda: on_started(int(process.processId())))
    process.start()
    process.closeWriteChannel()
    restart_watchdog()
    try:
        return await finished
    finally:
        watchdog.stop()
        if process.state() != QProcess.ProcessState.NotRunning:
            _kill(process)
            process.waitForFinished(KILL_WAIT_MILLISECONDS)
        process.blockSignals(True)
        owner.deleteLater()


def _executable(program: Path | str) -> str:
    """The program as given when it can be run, so that the launcher's exec finds it; else a clear failure."""
    text = str(program)
    if os.sep in text or (os.altsep and os.altsep in text):
        if not (os.path.isfile(text) and os.access(text, os.X_OK)):
            raise ChildProcessFailedToStart(f"{program} could not be started: no such executable file.")
        return text
    found = shutil.which(text)
    if found is None:
        raise ChildProcessFailedToStart(f"{program} could not be started: it is not on PATH.")
    return found


def _run_in_own_session(process: QProcess) -> None:
    if os.name != "posix":
        return
    parameters = QProcess.UnixProcessParameters()
    parameters.flags = QProcess.UnixProcessFlag.CreateNewSession
    process.setUnixProcessParameters(parameters)


def _kill(process: QProcess) -> None:
    kill_process_group(int(process.processId()))
    process.kill()
