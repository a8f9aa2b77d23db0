"""run_child_process on both loops it serves: the command's plain asyncio loop and the window's qasync loop.

Its pipes are read on threads that hand chunks to the loop, so these check what that design must keep:
lines reach the caller in order on the loop's thread, output a child writes after its call has ended
reaches nobody, and a grandchild holding the pipes open cannot hold the call past the child's exit.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from metavis_gui.jobs import child_process
from metavis_gui.jobs.child_process import run_child_process
from metavis_gui.jobs.event_loop import run_on_asyncio_loop
from metavis_gui.ui.qt_event_loop import run_on_qt_loop
from tests.jobs.test_child_lifetime import processes_with_command_line

LOOPS: dict[str, Callable[[Coroutine[Any, Any, Any]], Any]] = {
    "asyncio": run_on_asyncio_loop,
    "qasync": run_on_qt_loop,
}


@pytest.mark.parametrize("loop_name", LOOPS)
def test_lines_arrive_in_order_on_the_loops_thread(loop_name: str) -> None:
    seen: list[tuple[str, bool]] = []
    result = LOOPS[loop_name](
        run_child_process(
            "sh", ["-c", 'i=0; while [ $i -lt 2000 ]; do echo "line $i"; echo "err $i" >&2; i=$((i+1)); done'],
            on_stdout_line=lambda line: seen.append((line, threading.current_thread() is threading.main_thread())),
        )
    )  # fmt: skip
    assert [line for line, _ in seen] == [f"line {number}" for number in range(2000)]
    assert all(on_main_thread for _, on_main_thread in seen)
    assert result.exit_code == 0 and result.stderr.splitlines()[-1] == "err 1999"


def test_no_line_reaches_the_caller_after_a_cancel() -> None:
    after_the_call: list[bool] = []  # for each line handled: had the call already ended?

    async def cancelled_then_idle() -> None:
        task: asyncio.Future[object] | None = None

        def handle(line: str) -> None:
            after_the_call.append(task is not None and task.done())

        task = asyncio.ensure_future(
            run_child_process("sh", ["-c", "while :; do echo busy; done"], on_stdout_line=handle)
        )
        while len(after_the_call) < 1000:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.3)  # chunks read before the kill may still sit in the loop's queue

    run_on_asyncio_loop(cancelled_then_idle())
    assert len(after_the_call) >= 1000 and not any(after_the_call)


@pytest.mark.skipif(sys.platform != "linux", reason="finds the grandchild in /proc")
def test_a_grandchild_holding_the_pipes_does_not_hold_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(child_process, "PIPE_DRAIN_SECONDS", 0.5)
    seconds = f"31.{os.getpid()}"  # a sleep no other process here runs, even one an earlier run left
    started = time.monotonic()
    # The child exits at once; the backgrounded sleep would keep its stdout and stderr open.
    result = run_on_asyncio_loop(run_child_process("sh", ["-c", f"echo before; sleep {seconds} & exit 4"]))
    assert time.monotonic() - started < 10
    assert (result.exit_code, result.stdout.strip()) == (4, "before")
    deadline = time.monotonic() + 5
    while processes_with_command_line("sleep", seconds) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert processes_with_command_line("sleep", seconds) == [], "the grandchild was left behind"
