"""Running one child process as a coroutine on any asyncio loop (qasync's in the window, a plain one in
the headless command): lines stream out, cancel kills it.

The child leads its own process group and dies with this process even when this one is killed outright
(child_lifetime: a death signal on Linux, a watchdog elsewhere). Its pipes are read, and its exit waited
for, by small threads that hand everything to the loop's thread, so line handlers run where the caller
runs and no loop needs subprocess support (qasync's has none).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict

from metavis_gui.jobs.child_lifetime import LaunchCommand, kill_process_group, launch_command, launch_failure

LineHandler = Callable[[str], None]
KILL_WAIT_SECONDS = 2.0
# After the child exits, how long its pipes may stay open (a grandchild holding them) before the output
# read so far is taken as all of it and what is left in the child's process group is killed.
PIPE_DRAIN_SECONDS = 1.0
_READ_SIZE = 65536


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
    launch = launch_command(_executable(program), arguments)
    process = _start(program, launch, environment)
    stdout = _LineSplitter(on_stdout_line)
    stderr = _LineSplitter(on_stderr_line)
    stalled = False
    ended = False  # once this call has finished, chunks still queued for the loop are dropped
    watchdog: asyncio.TimerHandle | None = None

    def on_stall() -> None:
        nonlocal stalled
        stalled = True
        _kill(process)

    def restart_watchdog() -> None:
        nonlocal watchdog
        if stall_timeout_seconds is not None:
            if watchdog is not None:
                watchdog.cancel()
            watchdog = loop.call_later(stall_timeout_seconds, on_stall)

    def received(splitter: _LineSplitter, chunk: bytes) -> None:
        if ended:  # no handler runs after the stage, and no watchdog outlives the child
            return
        splitter.feed(chunk)
        restart_watchdog()

    stdout_read = _read_in_thread(loop, process.stdout, lambda chunk: received(stdout, chunk))
    stderr_read = _read_in_thread(loop, process.stderr, lambda chunk: received(stderr, chunk))
    exited = _wait_in_thread(loop, process)
    if on_started is not None:
        on_started(process.pid)
    restart_watchdog()
    try:
        return_code = await exited
        _, still_open = await asyncio.wait([stdout_read, stderr_read], timeout=PIPE_DRAIN_SECONDS)
        if still_open:
            _kill_left_behind(process.pid)
    finally:
        ended = True
        if watchdog is not None:
            watchdog.cancel()
        if process.poll() is None:
            _kill(process)
            try:
                process.wait(KILL_WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                pass
    stdout.flush()
    stderr.flush()
    if stalled:
        raise ChildProcessStalled(Path(str(program)).name, stall_timeout_seconds or 0, stderr.text())
    exit_code = max(return_code, 0)
    not_started = launch_failure(exit_code, stderr.text()) if launch.through_launcher else None
    if not_started is not None:
        raise ChildProcessFailedToStart(f"{program} could not be started: {not_started}")
    return ChildProcessResult(exit_code=exit_code, crashed=return_code < 0, stdout=stdout.text(), stderr=stderr.text())


def _start(
    program: Path | str, launch: LaunchCommand, environment: Mapping[str, str] | None
) -> subprocess.Popen[bytes]:
    """The child started (Popen returns once it is exec'd; nothing here waits for it)."""
    try:
        return subprocess.Popen(
            [launch.program, *launch.arguments],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **environment} if environment else None,
            start_new_session=os.name == "posix",  # Ctrl-C in a terminal reaches only this process
        )
    except OSError as error:
        raise ChildProcessFailedToStart(f"{program} could not be started: {error.strerror or error}") from error


def _read_in_thread(
    loop: asyncio.AbstractEventLoop, pipe: IO[bytes] | None, on_chunk: Callable[[bytes], None]
) -> asyncio.Future[None]:
    """Chunks of `pipe` handed to on_chunk on the loop's thread; the future is done at end of file."""
    done: asyncio.Future[None] = loop.create_future()
    assert pipe is not None

    def finish() -> None:
        if not done.done():
            done.set_result(None)

    def read() -> None:
        descriptor = pipe.fileno()
        try:
            while chunk := os.read(descriptor, _READ_SIZE):
                _call_soon(loop, on_chunk, chunk)  # queued before `finish`, so every chunk lands first
        except OSError:
            pass
        finally:
            pipe.close()
            _call_soon(loop, finish)

    threading.Thread(target=read, name="child-pipe-reader", daemon=True).start()
    return done


def _wait_in_thread(loop: asyncio.AbstractEventLoop, process: subprocess.Popen[bytes]) -> asyncio.Future[int]:
    exited: asyncio.Future[int] = loop.create_future()

    def settle(return_code: int) -> None:
        if not exited.done():
            exited.set_result(return_code)

    def wait() -> None:
        _call_soon(loop, settle, process.wait())

    threading.Thread(target=wait, name="child-exit-waiter", daemon=True).start()
    return exited


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[..., None], *arguments: object) -> None:
    try:
        loop.call_soon_threadsafe(callback, *arguments)
    except RuntimeError:  # the loop was closed: nobody is waiting any more
        pass


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


def _kill_left_behind(group: int) -> None:
    """SIGKILL for what the exited child left in its process group (a grandchild holding its pipes open).
    The group still has members, so its id cannot have been reused yet."""
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)


def _kill(process: subprocess.Popen[bytes]) -> None:
    kill_process_group(process.pid)
    if process.poll() is None:
        process.kill()
