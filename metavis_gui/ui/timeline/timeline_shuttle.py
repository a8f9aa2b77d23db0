"""J/K/L shuttle, as in video editors: L plays forward and each press goes faster, J the same backwards, K stops.

Backwards has no sound (QMediaPlayer plays forwards only): the playhead runs
back at the speed, so the words still light up in order, and K or L resumes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QObject, QTimer

from metavis_gui.contract import TICKS_PER_SECOND
from metavis_gui.ui.timeline.timeline_player import FRAME_INTERVAL_MS, TimelinePlayer

SHUTTLE_SPEEDS = (1.0, 1.5, 2.0)


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
        self._backwards.setInterval(FRAME_INTERVAL_MS)
        self._backwards.timeout.connect(self._step_back)
        self._clock = QElapsedTimer()

    def forward(self) -> None:
        self._stop_backwards()
        self.speed = _next_speed(self.speed if self.speed > 0 and self._player().is_playing else 0.0)
        self._set_rate(self.speed)
        if not self._player().is_playing:
            self._player().play()

    def backward(self) -> None:
        self._player().pause()
        self.speed = -_next_speed(-self.speed if self.speed < 0 and self._backwards.isActive() else 0.0)
        self._clock.restart()
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
        elapsed_ms = self._clock.restart()
        player = self._player()
        target = player.position_ticks - round(elapsed_ms * -self.speed * TICKS_PER_SECOND / 1000)
        player.seek(max(0, target))
        if target <= 0:
            self.stop()


def _next_speed(current: float) -> float:
    """The next faster shuttle speed after `current` (0: the first), staying at the fastest."""
    faster = [speed for speed in SHUTTLE_SPEEDS if speed > current]
    return faster[0] if faster else SHUTTLE_SPEEDS[-1]
