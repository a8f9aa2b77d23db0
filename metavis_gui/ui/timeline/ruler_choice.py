"""The Ruler box: clock time, the clip's own frame rate, or a fixed frame rate the user picks.

A video clip's ruler counts the clip's own frames ("Clip rate (29.97 fps)", an
entry that appears once ffprobe has read the rate), as an editor expects the
timecode of the clip being cut, unless the user chose a ruler: a choice made in
the box, or restored from the clip's last view, is kept. Audio has no frames,
so its ruler shows clock time until the user picks a rate. The "1 frame" nudges
step one frame of what the ruler counts, else one frame of the clip.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox

from metavis_gui.contract import TICKS_PER_SECOND
from metavis_gui.ui.timeline.timeline_scale import RulerFormat

TIME_CHOICE = "Time (ms)"
CLIP_RATE_CHOICE = "Clip rate"
RULER_CHOICES = {TIME_CHOICE: None, "Frames 23.976": 24000 / 1001, "Frames 24": 24.0, "Frames 25": 25.0,
                 "Frames 29.97": 30000 / 1001, "Frames 30": 30.0}  # fmt: skip
FALLBACK_FRAMES_PER_SECOND = 25.0  # a frame nudge on audio with a clock-time ruler


def clip_rate_label(frames_per_second: float) -> str:
    """ "Clip rate (29.97 fps)": the rate to three decimals, without trailing zeros."""
    return f"{CLIP_RATE_CHOICE} ({f'{frames_per_second:.3f}'.rstrip('0').rstrip('.')} fps)"


class RulerChoice(QObject):
    """Keeps the box's entries and choice; `changed` after the choice or the clip's rate changed."""

    changed = Signal()

    def __init__(self, box: QComboBox, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.box = box
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # the clip entry comes later, longer
        self.clip_frames_per_second: float | None = None
        self._wanted: str | None = None  # the user's choice; None: the clip's rate when known, else clock time
        self._choosing = False  # the box changes because this object changes it, not the user
        box.currentIndexChanged.connect(self._on_index_changed)

    @property
    def choice(self) -> str:
        """The entry shown: a key of RULER_CHOICES, or CLIP_RATE_CHOICE."""
        return self._choice_at(self.box.currentIndex())

    @property
    def saved_choice(self) -> str:
        """What the clip's view keeps: the user's choice, "" when the ruler follows the clip."""
        return self._wanted or ""

    def ruler_format(self) -> RulerFormat:
        if self.choice == CLIP_RATE_CHOICE:
            return RulerFormat(self.clip_frames_per_second)
        return RulerFormat(RULER_CHOICES.get(self.choice))

    def frame_ticks(self) -> int:
        """One frame: of the ruler when it counts frames, else of the clip (25 fps for audio)."""
        frames_per_second = (self.ruler_format().frames_per_second or self.clip_frames_per_second
                             or FALLBACK_FRAMES_PER_SECOND)  # fmt: skip
        return round(TICKS_PER_SECOND / frames_per_second)

    def restore(self, saved: str) -> None:
        """The choice kept in the clip's view; an unknown or empty one leaves the ruler following the clip."""
        if saved in RULER_CHOICES or saved == CLIP_RATE_CHOICE:
            self._wanted = saved
            self._show(self._effective_choice())

    def set_clip_rate(self, frames_per_second: float | None) -> None:
        """The media's video frame rate once read (None: no video, or other media being opened)."""
        self.clip_frames_per_second = frames_per_second
        self._choosing = True
        try:
            index = self.box.findData(CLIP_RATE_CHOICE)
            if frames_per_second is None:
                if index >= 0:
                    self.box.removeItem(index)
            elif index >= 0:
                self.box.setItemText(index, clip_rate_label(frames_per_second))
            else:
                self.box.insertItem(1, clip_rate_label(frames_per_second), CLIP_RATE_CHOICE)
        finally:
            self._choosing = False
        self._show(self._effective_choice())
        self.changed.emit()

    def _effective_choice(self) -> str:
        clip_known = self.clip_frames_per_second is not None
        if self._wanted is not None and (self._wanted != CLIP_RATE_CHOICE or clip_known):
            return self._wanted
        return CLIP_RATE_CHOICE if clip_known else TIME_CHOICE

    def _show(self, choice: str) -> None:
        index = next((index for index in range(self.box.count()) if self._choice_at(index) == choice), -1)
        if index < 0 or index == self.box.currentIndex():
            return
        self._choosing = True
        try:
            self.box.setCurrentIndex(index)
        finally:
            self._choosing = False

    def _choice_at(self, index: int) -> str:
        data = self.box.itemData(index)
        return data if isinstance(data, str) else self.box.itemText(index)

    def _on_index_changed(self, index: int) -> None:
        if not self._choosing and index >= 0:
            self._wanted = self._choice_at(index)
        self.changed.emit()
