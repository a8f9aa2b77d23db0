"""The app's qasync loop runs every task step with asyncio's running loop set, even one that starts just as
the future awaited by run_until_complete finishes (qasync's own loop steps it after stopping)."""

from __future__ import annotations

import asyncio
import logging

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from metavis_gui.ui.qt_event_loop import QtAsyncioLoop


def loops_seen_by_a_task_started_as_the_loop_stops(loop: qasync.QEventLoop) -> list[asyncio.AbstractEventLoop]:
    seen: list[asyncio.AbstractEventLoop] = []

    async def started_late() -> None:
        seen.append(asyncio.get_running_loop())  # what run_child_process does first

    async def awaited() -> None:
        # Scheduled before the awaited future's own done callback (which stops the loop) has run, so the
        # task's first step is left for after the stop.
        loop.call_soon(lambda: loop.create_task(started_late()))

    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(awaited())
        loop.run_until_complete(asyncio.sleep(0.05))
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    return seen


def test_a_task_started_as_the_loop_stops_runs_in_the_next_run(qapp: QApplication) -> None:
    loop = QtAsyncioLoop(qapp)
    assert loops_seen_by_a_task_started_as_the_loop_stops(loop) == [loop]


def test_the_control_qasyncs_own_loop_steps_it_with_no_running_loop(
    qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    """Shows the check above can fail: on qasync's loop the task dies with 'no running event loop'."""
    with caplog.at_level(logging.ERROR):
        assert loops_seen_by_a_task_started_as_the_loop_stops(qasync.QEventLoop(qapp)) == []
