"""Playback for the timeline: QMediaPlayer + QAudioOutput, a smooth playhead, play a range once or in a loop, speed.

QMediaPlayer reports its position every 50-100 ms; between reports the
playhead is extrapolated from the clock at the playback rate, so it moves
smoothly. While not playing the media is held paused, never stopped: Qt's
FFmpeg backend renders the frame at a seek only in the paused state, so the
video preview shows the playhead's frame from the moment the clip opens.
Without QtMultimedia (it ships in PySide6-Addons) or without media,
a silent clock stands in: time still advances, so the playhead, highlighting
and "play word" work, only without sound. Offscreen with no sound card
QMediaPlayer itself advances time (ARCHITECTURE.md).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, QUrl, Signal

from metavis_gui.contract import TICKS_PER_SECOND

try:
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
except ImportError:  # PySide6-Essentials alone
    QMediaPlayer = None  # type: ignore[assignment,misc]

_TICKS_PER_MS = TICKS_PER_SECOND // 1000
FRAME_INTERVAL_MS = 30
_MAX_EXTRAPOLATION_MS = 300
PLAYBACK_RATES = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


class _SilentClock:
    """Time that advances at the rate while playing: the stand-in when there is nothing to play."""

    def __init__(self) -> None:
        self._base_ms, self._rate, self._playing = 0.0, 1.0, False
        self._clock = QElapsedTimer()
        self._clock.start()

    def position_ms(self) -> float:
        return self._base_ms + (self._clock.elapsed() * self._rate if self._playing else 0.0)

    def set_position(self, ms: float) -> None:
        self._base_ms = max(0.0, ms)
        self._clock.restart()

    def play(self) -> None:
        if not self._playing:
            self._base_ms, self._playing = self.position_ms(), True
            self._clock.restart()

    def pause(self) -> None:
        self._base_ms, self._playing = self.position_ms(), False

    def set_rate(self, rate: float) -> None:
        self._base_ms = self.position_ms()
        self._clock.restart()
        self._rate = rate


class TimelinePlayer(QObject):
    position_changed = Signal(int)  # ticks
    playing_changed = Signal(bool)
    playback_failed = Signal(str)
    video_availability_changed = Signal(bool)  # the media has a picture to show

    def __init__(self, media_path: Path | None, duration_ticks: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.duration_ticks = duration_ticks
        self._media: QMediaPlayer | None = None
        self._clock = _SilentClock()
        self._playing = False
        self._closed = False
        self._rate = 1.0
        self._range: tuple[int, int] | None = None
        self._loop = False
        self._reported_ms = 0
        self._stale_report: int | None = None  # the position the player reported before a seek it has not done yet
        self._reported_at = QElapsedTimer()
        self._reported_at.start()
        self._position_ticks = 0
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        if media_path is not None and QMediaPlayer is not None:
            self._media = QMediaPlayer(self)
            self._audio = QAudioOutput(self)
            self._media.setAudioOutput(self._audio)
            self._media.errorOccurred.connect(lambda error, text: self.playback_failed.emit(text))
            self._media.hasVideoChanged.connect(self.video_availability_changed.emit)
            self._media.mediaStatusChanged.connect(self._on_media_status)
            self._media.setSource(QUrl.fromLocalFile(str(media_path)))

    @property
    def has_sound(self) -> bool:
        return self._media is not None

    @property
    def is_playing(self) -> bool:
        return self._playing

    @property
    def position_ticks(self) -> int:
        return self._position_ticks

    @property
    def rate(self) -> float:
        return self._rate

    def seek(self, ticks: int) -> None:
        ticks = max(0, min(ticks, self.duration_ticks))
        if self._media is not None:
            self._hold_paused()
            self._stale_report = self._media.position()
            self._media.setPosition(round(ticks / _TICKS_PER_MS))
            self._reported_ms = round(ticks / _TICKS_PER_MS)
            self._reported_at.restart()
        self._clock.set_position(ticks / _TICKS_PER_MS)
        self._set_position(ticks)

    def play(self) -> None:
        self._range = None
        self._start()

    def pause(self) -> None:
        if self._media is not None:
            self._media.pause()
        self._clock.pause()
        self._timer.stop()
        if self._playing:
            self._playing = False
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def play_range(self, start_ticks: int, end_ticks: int, loop: bool = False) -> None:
        """Play [start, end) once and stop at its end, or over and over with `loop`."""
        self.seek(start_ticks)
        self._range, self._loop = (max(0, start_ticks), min(end_ticks, self.duration_ticks)), loop
        self._start()

    def set_video_output(self, video_widget: QObject | None) -> None:
        """Show the media's picture in this QVideoWidget (None: nowhere)."""
        if self._media is not None:
            self._media.setVideoOutput(video_widget)

    @property
    def has_video(self) -> bool:
        return self._media is not None and self._media.hasVideo()

    @property
    def is_looping(self) -> bool:
        return self._playing and self._range is not None and self._loop

    def set_loop(self, loop: bool) -> None:
        """Loop the range playing now (or, off, let it finish this time round)."""
        self._loop = loop

    def set_rate(self, rate: float) -> None:
        self._rate = rate
        if self._media is not None:
            self._media.setPlaybackRate(rate)
        self._clock.set_rate(rate)

    def _start(self) -> None:
        if self._media is not None:
            self._media.play()
        self._clock.play()
        self._reported_at.restart()
        self._timer.start()
        if not self._playing:
            self._playing = True
            self.playing_changed.emit(True)

    def _tick(self) -> None:
        ticks = round(self._current_ms() * _TICKS_PER_MS)
        if self._range is not None and ticks >= self._range[1]:
            if self._loop:
                self.seek(self._range[0])
                return
            self.pause()
            self.seek(self._range[1])
            self._range = None
            return
        if ticks >= self.duration_ticks:
            self.pause()
            self.seek(self.duration_ticks)  # a player run off the end pauses at 0: keep its picture at the playhead
            return
        # A fresh report a little behind the extrapolation would make the playhead twitch back.
        if self._playing and 0 < self._position_ticks - ticks < _MAX_EXTRAPOLATION_MS * _TICKS_PER_MS:
            ticks = self._position_ticks
        self._set_position(ticks)

    def _on_media_status(self, status: QMediaPlayer.MediaStatus) -> None:
        ended_loading = status in (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.EndOfMedia)
        if ended_loading and self._hold_paused() and self._media is not None:
            self._media.setPosition(round(self._position_ticks / _TICKS_PER_MS))  # the playhead's frame, not 0's

    def _hold_paused(self) -> bool:
        """Pause a stopped player (just loaded, or run off the end) so a seek shows its frame; True when it did."""
        media = self._media
        loaded = media is not None and media.mediaStatus() in (
            QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferingMedia,
            QMediaPlayer.MediaStatus.BufferedMedia, QMediaPlayer.MediaStatus.EndOfMedia)  # fmt: skip
        if not loaded or self._playing or media.playbackState() != QMediaPlayer.PlaybackState.StoppedState:
            return False
        media.pause()
        return True

    def _current_ms(self) -> float:
        if self._media is None:
            return self._clock.position_ms()
        reported = self._media.position()
        if reported == self._stale_report:
            reported = self._reported_ms
        else:
            self._stale_report = None
        if reported != self._reported_ms:
            self._reported_ms = reported
            self._reported_at.restart()
        extrapolated = min(self._reported_at.elapsed() * self._rate, _MAX_EXTRAPOLATION_MS)
        return reported + (extrapolated if self._playing else 0.0)

    def _set_position(self, ticks: int) -> None:
        if ticks != self._position_ticks:
            self._position_ticks = ticks
            self.position_changed.emit(ticks)

    def close(self) -> None:
        self._timer.stop()
        if self._media is not None:
            # Qt 6.11's FFmpeg backend once deadlocked in stop() while its playback threads were running
            # (QObject::disconnect waiting on a lock, seen in CI): pause them first, and let clearing the
            # source do the stopping. No Python slot may run inside that clearing: the status slot did (it
            # reached into the player while an FFmpeg thread, holding the player's lock, waited for the GIL
            # to destroy an object: a deadlock seen in CI), so it is disconnected first.
            if not self._closed:
                self._media.mediaStatusChanged.disconnect(self._on_media_status)
            self._media.pause()
            self._media.setSource(QUrl())
        self._closed = True
