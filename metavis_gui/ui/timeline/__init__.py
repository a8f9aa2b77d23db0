"""The word timeline editor (Qt layer): see, hear and fix every word's timing.

Entry points for the rest of the app:
    open_timeline(words_path_or_transcript_folder, media_path=None) -> TimelineWindow
    offer_timeline_recovery(parent) -> QMessageBox | None   (call once at start-up)
    open_timeline_windows() -> list[TimelineWindow]         (close them before the app quits)
"""

from metavis_gui.ui.timeline.timeline_opening import (
    offer_timeline_recovery,
    open_timeline,
    open_timeline_windows,
    restore_timeline,
)
from metavis_gui.ui.timeline.timeline_window import TimelineWindow

__all__ = ["TimelineWindow", "offer_timeline_recovery", "open_timeline", "open_timeline_windows", "restore_timeline"]
