"""The alignment stage's share of the progress bar, as chunks finish."""

from __future__ import annotations

from collections.abc import Callable

ReportProgress = Callable[[float], None]  # hears the finished fraction, 0..1


class ProgressShare:
    """The first pass fills 0-90 % of the bar, retries the rest; the bar never moves back."""

    _FIRST_PASS_SHARE = 0.9

    def __init__(self, progress: ReportProgress | None, chunk_count: int) -> None:
        self._progress = progress
        self._first_pass = max(1, chunk_count)
        self._retries = 0
        self._done = 0

    def add_retries(self, count: int) -> None:
        self._retries = count

    def chunk_done(self) -> None:
        self._done += 1
        if self._done <= self._first_pass:
            self._report(self._FIRST_PASS_SHARE * self._done / self._first_pass)
        else:
            retried = (self._done - self._first_pass) / max(1, self._retries)
            self._report(self._FIRST_PASS_SHARE + (1 - self._FIRST_PASS_SHARE) * min(1.0, retried))

    def finished(self) -> None:
        self._report(1.0)

    def _report(self, fraction: float) -> None:
        if self._progress is not None:
            self._progress(fraction)
