"""Cyclic garbage collection on the GUI thread only.

CPython runs a collection in whichever thread happens to allocate past the
threshold: a download or conversion worker, an executor thread computing
peaks. If the garbage it finds holds a Qt object (a dialog in a reference
cycle through a connected lambda, say), that object's C++ destructor then runs
in the worker: Qt cannot stop its timers from there, leaves them registered,
and later delivers a timer event to freed memory (seen as a segfault in the
test suite). So automatic collection is switched off and this timer, on the
GUI thread, collects each generation when CPython would have: calibre and
other long-lived PyQt apps do the same. Reference counting, which frees almost
everything, is untouched.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 500


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due_generations)
        self._timer.start(interval_ms)

    def collect_due_generations(self) -> int | None:
        """Collect the oldest generation whose count passed its threshold (and the younger ones); its number."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        due = None
        for generation in range(3):
            if counts[generation] > thresholds[generation]:
                due = generation
            else:
                break
        if due is not None:
            gc.collect(due)
        return due

    def stop(self) -> None:
        """Hand collection back to CPython (at shutdown, or in tests)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
