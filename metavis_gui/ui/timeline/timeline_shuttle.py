"""J/K/L shuttle, as in video editors: L plays forward and each press goes faster, J the same backwards, K stops.

QMediaPlayer plays forwards only, so backwards is heard as editing suites do
it: the playhead steps back a snippet at a time and plays each snippet
forwards, at the speed, so the ground it covers backwards is all heard, a
quarter second at a time, and K or L resumes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from metavis_gui.contract import TICKS_PER_SECOND
from metavis_gui.ui.timeline.timeline_player import TimelinePlayer

SHUTTLE_SPEEDS = (1.0, 1.5, 2.0)
# Each backward step plays this much wall time of sound: short enough to follow, long enough for a syllable.
BACKWARD_SNIPPET_MS = 250


class TimelineShuttle(QObject):
    def __init__(
        self, player: Callable[[], TimelinePlayer], set_rate: Callable[[float], None], parent: QObject | None = None
    ) -> None:
        """`player` looks the player up each time (the window replaces it with the media); `set_rate` sets the
        speed through the window's speed box, so the box shows it."""
        super().__init__(parent)
        self._player, self._set_rate = player, set_rate
        self.speed = 0.0  # negative: backwards
        self._backwards = QTimer(self)
        self._backwards.setInterval(BACKWARD_SNIPPET_MS)
        self._backwards.timeout.connect(self._step_back)
        self._back_from = 0  # where the next snippet ends: the start of the last one played

    def forward(self) -> None:
        self._stop_backwards()
        self.speed = _next_speed(self.speed if self.speed > 0 and self._player().is_playing else 0.0)
        self._set_rate(self.speed)
        if not self._player().is_playing:
            self._player().play()

    def backward(self) -> None:
        running = self.speed < 0 and self._backwards.isActive()
        if not running:
            self._player().pause()
            self._back_from = self._player().position_ticks
        self.speed = -_next_speed(-self.speed if running else 0.0)
        self._set_rate(-self.speed)  # snippets play at the speed: each covers its step in one snippet's time
        if not running:
            self._step_back()
            self._backwards.start()

    def stop(self) -> None:
        """Pause; after a shuttle, back to normal speed."""
        self._stop_backwards()
        self._player().pause()
        if self.speed != 0.0:
            self.speed = 0.0
            self._set_rate(1.0)

    @property
    def is_running_backwards(self) -> bool:
        return self._backwards.isActive()

    def _stop_backwards(self) -> None:
        self._backwards.stop()

    def _step_back(self) -> None:
        """Play the snippet just before the last one, forwards; at the start of the media, stop there."""
        if self._back_from <= 0:
            self.stop()
            self._player().seek(0)
            return
        step = round(BACKWARD_SNIPPET_MS * -self.speed * TICKS_PER_SECOND / 1000)
        start = max(0, self._back_from - step)
        self._player().play_range(start, self._back_from)
        self._back_from = start


def _next_speed(current: float) -> float:
    """The next faster shuttle speed after `current` (0: the first), staying at the fastest."""
    faster = [speed for speed in SHUTTLE_SPEEDS if speed > current]
    return faster[0] if faster else SHUTTLE_SPEEDS[-1]
