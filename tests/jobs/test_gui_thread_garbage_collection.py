"""Cyclic garbage holding a Qt object is deleted on the GUI thread, even when a worker thread allocates."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, Qt, QTimer

from metavis_gui.jobs.gui_thread_garbage_collection import GuiThreadGarbageCollector


class CyclicOwner:
    """Python garbage in a reference cycle that owns a QObject with a running timer, like a dialog kept
    alive only by a lambda connected to its own signal."""

    def __init__(self, deleted_in: list[str]) -> None:
        self.cycle = self
        self.qt_object = QObject()
        self.timer = QTimer(self.qt_object)
        self.timer.start(60_000)
        self.qt_object.destroyed.connect(
            lambda: deleted_in.append(threading.current_thread().name), Qt.ConnectionType.DirectConnection
        )


def allocate_in_a_worker() -> None:
    def churn() -> None:
        for _ in range(20):
            [{"n": number} for number in range(5_000)]  # far past every generation's threshold

    worker = threading.Thread(target=churn, name="worker")
    worker.start()
    worker.join()


@pytest.fixture
def collection_as_python_starts() -> Iterator[None]:
    """CPython's automatic collection on, as in a fresh process (the suite's own collector turned it off)."""
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


@pytest.mark.usefixtures("collection_as_python_starts")
def test_a_worker_that_allocates_never_collects_qt_objects_the_gui_thread_does(qapp) -> None:
    collector = GuiThreadGarbageCollector()
    try:
        deleted_in: list[str] = []
        CyclicOwner(deleted_in)
        allocate_in_a_worker()
        assert deleted_in == [], "no collection ran in the worker"
        gc.collect()  # what the timer's check does once a generation is due, here without waiting
        assert deleted_in == [threading.main_thread().name]
    finally:
        collector.stop()


@pytest.mark.usefixtures("collection_as_python_starts")
def test_due_generations_are_collected_by_the_check(qapp) -> None:
    collector = GuiThreadGarbageCollector()
    try:
        deleted_in: list[str] = []
        CyclicOwner(deleted_in)
        kept = [[] for _ in range(gc.get_threshold()[0] + 10)]  # live containers past generation 0's threshold
        assert deleted_in == [] and collector.collect_due_generations() is not None
        del kept
        assert deleted_in == [threading.main_thread().name]
    finally:
        collector.stop()
