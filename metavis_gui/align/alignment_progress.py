"""The alignment stage's share of the progress bar, as chunks finish."""

from __future__ import annotations

from collections.abc import Callable

ReportProgress = Callable[[float], None]  # hears the finished fraction, 0..1


class ProgressShare:
    """The first pass fills 0-90 % of the bar; each round of retries then fills half of what is left, as
    its chunks finish, so the bar never moves back however many rounds follow; `finished` ends at 100 %."""

    _FIRST_PASS_SHARE = 0.9
    _ROUND_SHARE = 0.5

    def __init__(self, progress: ReportProgress | None, chunk_count: int) -> None:
        self._progress = progress
        self._first_pass = max(1, chunk_count)
        self._done = 0
        self._reported = 0.0
        self._round: tuple[float, int] | None = None  # (the bar when the round began, its chunk count)

    def start_retry_round(self, chunk_count: int) -> None:
        self._round = (self._reported, max(1, chunk_count))
        self._done = 0

    def chunk_done(self) -> None:
        self._done += 1
        if self._round is None:
            self._report(self._FIRST_PASS_SHARE * min(1.0, self._done / self._first_pass))
            return
        base, chunk_count = self._round
        self._report(base + (1 - base) * self._ROUND_SHARE * min(1.0, self._done / chunk_count))

    def finished(self) -> None:
        self._report(1.0)

    def _report(self, fraction: float) -> None:
        self._reported = fraction
        if self._progress is not None:
            self._progress(fraction)
