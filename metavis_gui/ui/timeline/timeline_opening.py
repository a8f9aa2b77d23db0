"""Opening timeline windows: from a transcript (what "Open in timeline" calls), and from a recovery file.

Windows are kept here until they close, so a caller need not hold them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from metavis_gui.contract import ContractError
from metavis_gui.jobs.autosave import Recovery, pending_recoveries, remove_recovery
from metavis_gui.jobs.timeline_files import OpenedTranscript, open_transcript
from metavis_gui.ui.timeline.timeline_window import TimelineWindow

_open_windows: set[TimelineWindow] = set()


def open_timeline(words_path: Path, media_path: Path | None = None, show: bool = True) -> TimelineWindow:
    """Open a words file, or a transcript folder (`<stem>.transcript/`), in a new timeline window.

    The media is found from the summary (next to the transcript folder, or
    beside the words file); when it is not there the window asks for it once.
    Raises `TranscriptFileInvalid` when the words file cannot be read at all.
    """
    opened = open_transcript(Path(words_path), media_path)
    return _show(TimelineWindow(opened), show, ask_for_media=opened.media_path is None and opened.summary is not None)


def restore_timeline(recovery: Recovery, show: bool = True) -> TimelineWindow:
    """A window with the recovered edits, unsaved; the opened file's bad lines are listed as on a normal open."""
    try:
        opened = open_transcript(recovery.words_path, recovery.media_path)
    except ContractError:
        # The original is gone: the recovered words stand alone, saved where they came from.
        opened = OpenedTranscript(recovery.words_path, [], [], None, recovery.media_path)
    if opened.media_path is None and recovery.media_path is not None and recovery.media_path.is_file():
        opened.media_path = recovery.media_path
    return _show(TimelineWindow(opened, restored_records=recovery.records), show, ask_for_media=False)


def offer_timeline_recovery(
    parent: QWidget | None = None, on_restored: Callable[[TimelineWindow], None] | None = None
) -> QMessageBox | None:
    """At start-up: if edits were left unsaved by a crash or kill, ask (non-modally) whether to restore them.

    Returns the open message box (None when there is nothing to restore); Restore opens the
    edits in a timeline window and hands it to `on_restored`.
    """
    recoveries = pending_recoveries()
    if not recoveries:
        return None
    newest = recoveries[0]
    when = datetime.datetime.fromtimestamp(newest.saved_at).strftime("%Y-%m-%d %H:%M:%S")
    box = QMessageBox(QMessageBox.Icon.Question, "Restore unsaved edits?",
                      f"Edits to {newest.words_path} were not saved when MetaVis Transcribe last stopped "
                      f"(autosaved {when}).", parent=parent)  # fmt: skip
    box.setInformativeText("Restore opens them in the timeline, unsaved. Discard deletes the recovery copy.")
    restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)

    def answered() -> None:
        if box.clickedButton() is restore:
            window = restore_timeline(newest)
            if on_restored is not None:
                on_restored(window)
        elif box.clickedButton() is discard:
            remove_recovery(newest.words_path)

    box.finished.connect(answered)
    box.open()
    return box


def open_timeline_windows() -> list[TimelineWindow]:
    """The timeline windows still open (for a main window that closes them, asking about unsaved edits, first)."""
    return list(_open_windows)


def _show(window: TimelineWindow, show: bool, ask_for_media: bool) -> TimelineWindow:
    _open_windows.add(window)
    window.closed.connect(lambda: _open_windows.discard(window))
    if show:
        window.show()
        if ask_for_media:
            window.files.ask_for_media()
    return window
