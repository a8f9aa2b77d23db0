"""Opening timeline windows: from a transcript (what "Open in timeline" calls), and from a recovery file.

Windows are kept here until they close, so a caller need not hold them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from metavis_gui.contract import ContractError
from metavis_gui.timeline.autosave_store import Recovery, pending_recoveries, remove_recovery
from metavis_gui.timeline.transcript_files import OpenedTranscript, open_transcript
from metavis_gui.ui.timeline.long_lived_objects import release_long_lived_objects, settle_long_lived_objects
from metavis_gui.ui.timeline.timeline_window import TimelineWindow

_open_windows: set[TimelineWindow] = set()
SETTLE_AFTER_CLOSE_MS = 2_000


def open_timeline(words_path: Path, media_path: Path | None = None, show: bool = True) -> TimelineWindow:
    """Open a words file, or a transcript folder (`<stem>.transcript/`), in a new timeline window.

    The media is found from the summary (next to the transcript folder, or
    beside the words file); when it is not there the window asks for it once.
    Raises `TranscriptFileInvalid` when the words file cannot be read at all.
    """
    opened = open_transcript(Path(words_path), media_path)
    window = TimelineWindow(opened, open_words=open_timeline)
    return _show(window, show, ask_for_media=opened.media_path is None and opened.summary is not None)


def restore_timeline(recovery: Recovery, show: bool = True) -> TimelineWindow:
    """A window with the recovered edits, unsaved; the opened file's bad lines are listed as on a normal open."""
    try:
        opened = open_transcript(recovery.words_path, recovery.media_path)
    except ContractError:
        # The original is gone: the recovered words stand alone, saved where they came from.
        opened = OpenedTranscript(recovery.words_path, [], [], None, recovery.media_path)
    if opened.media_path is None and recovery.media_path is not None and recovery.media_path.is_file():
        opened.media_path = recovery.media_path
    window = TimelineWindow(opened, restored_records=recovery.records, open_words=open_timeline,
                            restored_word_joins=recovery.word_joins)  # fmt: skip
    return _show(window, show, ask_for_media=False)


def offer_timeline_recovery(
    parent: QWidget | None = None, on_restored: Callable[[TimelineWindow], None] | None = None
) -> QMessageBox | None:
    """At start-up: if edits were left unsaved by a crash or kill, ask (non-modally) whether to restore them.

    Every transcript with unsaved edits is named, newest first; Restore opens each in its own
    timeline window (handed to `on_restored`), so the user can then save or discard them one
    by one. Returns the open message box, or None when there is nothing to restore.
    """
    recoveries = pending_recoveries()
    if not recoveries:
        return None
    box = QMessageBox(QMessageBox.Icon.Question, "Restore unsaved edits?", _recovery_question(recoveries),
                      parent=parent)  # fmt: skip
    if len(recoveries) > 1:
        box.setDetailedText("\n".join(f"{_when(item)}  {item.words_path}" for item in recoveries))
    box.setInformativeText("Restore opens them in the timeline, unsaved. Discard deletes the recovery copies.")
    restore = box.addButton("Restore" if len(recoveries) == 1 else f"Restore all {len(recoveries)}",
                            QMessageBox.ButtonRole.AcceptRole)  # fmt: skip
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)

    def answered() -> None:
        for recovery in recoveries:
            if box.clickedButton() is restore:
                window = restore_timeline(recovery)
                if on_restored is not None:
                    on_restored(window)
            elif box.clickedButton() is discard:
                remove_recovery(recovery.words_path)

    box.finished.connect(answered)
    box.open()
    return box


def _recovery_question(recoveries: list[Recovery]) -> str:
    newest = recoveries[0]
    if len(recoveries) == 1:
        return (f"Edits to {newest.words_path} were not saved when MetaVis Transcribe last stopped "
                f"(autosaved {_when(newest)}).")  # fmt: skip
    names = ", ".join(item.words_path.parent.name for item in recoveries[:3])
    more = f" and {len(recoveries) - 3} more" if len(recoveries) > 3 else ""
    return (f"Edits to {len(recoveries)} transcripts were not saved when MetaVis Transcribe last stopped: "
            f"{names}{more} (newest autosaved {_when(newest)}).")  # fmt: skip


def _when(recovery: Recovery) -> str:
    return datetime.datetime.fromtimestamp(recovery.saved_at).strftime("%Y-%m-%d %H:%M:%S")


def open_timeline_windows() -> list[TimelineWindow]:
    """The timeline windows still open (for a main window that closes them, asking about unsaved edits, first)."""
    return list(_open_windows)


def _show(window: TimelineWindow, show: bool, ask_for_media: bool) -> TimelineWindow:
    _open_windows.add(window)
    window.closed.connect(lambda: _forget(window))
    settle_long_lived_objects()
    if show:
        window.show()
        if ask_for_media:
            window.files.ask_for_media()
    return window


def _forget(window: TimelineWindow) -> None:
    _open_windows.discard(window)
    release_long_lived_objects()
    if _open_windows:  # after the closed window is gone, so its cycles are not frozen with the others
        QTimer.singleShot(SETTLE_AFTER_CLOSE_MS, _settle_if_windows_open)


def _settle_if_windows_open() -> None:
    if _open_windows:  # the others may have closed meanwhile: then nothing is frozen again
        settle_long_lived_objects()
