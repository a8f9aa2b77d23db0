"""run_in_worker_thread on the app's qasync loop: progress on the loop's thread, errors re-raised, cancel waits."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import qasync

from metavis_gui.jobs.worker_thread import WorkerContext, run_in_worker_thread

STOP_WAIT_SECONDS = 10.0


class WorkStopped(Exception):
    """What a work raises when it notices the cancel, saying what it left behind."""


def wait_for_cancel(context: WorkerContext[str]) -> None:
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while not context.cancelled():
        if time.monotonic() > deadline:
            raise AssertionError("the work was never asked to stop")
        time.sleep(0.01)


def test_progress_is_delivered_on_the_loop_thread_in_order_before_the_result(qasync_loop: qasync.QEventLoop) -> None:
    delivered: list[tuple[int, int]] = []  # (step, thread that delivered it)
    worker: list[threading.Thread] = []

    def work(context: WorkerContext[int]) -> str:
        worker.append(threading.current_thread())
        for step in range(1, 51):
            context.report_progress(step)
        return "done"

    async def scenario() -> tuple[str, bool]:
        result = await run_in_worker_thread(
            work, on_progress=lambda step: delivered.append((step, threading.get_ident()))
        )
        return result, worker[0].is_alive()

    result, worker_alive_on_return = qasync_loop.run_until_complete(scenario())

    assert result == "done"
    assert [step for step, _ in delivered] == list(range(1, 51)), "every report, in order, before the result"
    assert {thread for _, thread in delivered} == {threading.get_ident()}, "delivered on the loop's thread"
    assert worker[0].ident != threading.get_ident()
    assert not worker_alive_on_return


def test_an_exception_raised_by_the_work_is_raised_by_the_coroutine(qasync_loop: qasync.QEventLoop) -> None:
    failure = ValueError("the WAV is not mono")

    def work(context: WorkerContext[None]) -> None:
        raise failure

    with pytest.raises(ValueError) as raised:
        qasync_loop.run_until_complete(run_in_worker_thread(work))

    assert raised.value is failure
    assert any(entry.name == "work" for entry in raised.traceback), "the traceback reaches into the work"


def test_cancelling_asks_the_work_to_stop_and_ends_only_after_its_thread_did(qasync_loop: qasync.QEventLoop) -> None:
    started = threading.Event()
    worker: list[threading.Thread] = []
    delivered: list[str] = []
    seen: dict[str, object] = {}

    def work(context: WorkerContext[str]) -> None:
        worker.append(threading.current_thread())
        context.report_progress("before the cancel")
        started.set()
        wait_for_cancel(context)
        context.report_progress("after the cancel")
        time.sleep(0.5)  # cleaning up, as a download closing its file does
        seen["cleaned_up"] = True
        raise WorkStopped("3 blocks kept")

    async def awaiting_the_work() -> None:
        try:
            await run_in_worker_thread(work, on_progress=delivered.append)
        except asyncio.CancelledError as cancellation:
            seen["cause"] = cancellation.__cause__
            seen["worker_alive"] = worker[0].is_alive()
            seen["cleaned_up_before_the_end"] = seen.get("cleaned_up", False)
            raise

    async def scenario() -> float:
        task = asyncio.ensure_future(awaiting_the_work())
        while not started.is_set():
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # the first report reaches the loop
        task.cancel()
        await asyncio.sleep(0.1)
        task.cancel()  # a second cancel while the work is stopping must not end the wait early
        cancelled = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - cancelled

    waited = qasync_loop.run_until_complete(scenario())

    assert seen["cleaned_up_before_the_end"] is True and seen["worker_alive"] is False
    assert waited >= 0.3, "the coroutine waited for the work's clean-up"
    assert isinstance(seen["cause"], WorkStopped) and str(seen["cause"]) == "3 blocks kept"
    assert delivered == ["before the cancel"], "no progress reaches the owner after it cancelled"


def test_a_work_that_ignores_the_cancel_still_ends_before_the_coroutine(qasync_loop: qasync.QEventLoop) -> None:
    worker: list[threading.Thread] = []
    started = threading.Event()

    def work(context: WorkerContext[None]) -> int:
        worker.append(threading.current_thread())
        started.set()
        time.sleep(0.4)  # a computation with no cancel check, such as the waveform's peaks
        return 42

    async def awaiting_the_work() -> tuple[bool, BaseException | None]:
        try:
            await run_in_worker_thread(work)
        except asyncio.CancelledError as cancellation:
            return worker[0].is_alive(), cancellation.__cause__
        raise AssertionError("a cancelled coroutine returned the work's result")

    async def scenario() -> tuple[bool, BaseException | None]:
        task = asyncio.ensure_future(awaiting_the_work())
        while not started.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        return await task

    worker_alive, cause = qasync_loop.run_until_complete(scenario())

    assert not worker_alive, "the coroutine ended while the work was still computing"
    assert cause is None, "the work raised nothing"
