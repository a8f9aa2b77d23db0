"""Before a clip is transcribed again over a transcript corrected by hand: ask, and keep what the editor chose.

Keep my edits: the clip is not transcribed. Replace: the new run overwrites the
transcript; unsaved edits are dropped. Save both: the corrected transcript (unsaved
edits included) is first copied to `<stem> (edited).transcript` beside it, then the
new run writes `<stem>.transcript`, where every tool expects the latest run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from metavis_gui.contract import WORDS_FILE_NAME, ContractError
from metavis_gui.jobs.transcription_queue import transcript_folder_for
from metavis_gui.timeline.autosave_store import remove_recovery
from metavis_gui.timeline.hand_edits import HandEdits, edited_copy_folder, find_hand_edits, keep_edited_copy
from metavis_gui.ui.timeline import TimelineWindow, open_timeline, open_timeline_windows


class RetranscribeAnswer(Enum):
    KEEP_EDITS = "Keep my edits"
    REPLACE = "Replace"
    SAVE_BOTH = "Save both"


@dataclass(frozen=True)
class EditedClip:
    media_path: Path
    transcript_folder: Path
    found: HandEdits | None  # what the files hold
    window: TimelineWindow | None  # a timeline open on it with edits not yet saved

    def describe(self) -> str:
        parts = [self.found.describe()] if self.found is not None else []
        if self.window is not None and (self.found is None or self.found.unsaved is None):
            parts.append("edits not yet saved in an open timeline")
        return f"{self.transcript_folder.name}: {' and '.join(parts)}"


class RetranscribeGuard:
    """Sets aside the clips whose transcripts hold hand edits and asks (non-modally) what to do with them."""

    def __init__(self, parent: QWidget, show_notice: Callable[[str], None]) -> None:
        self.parent = parent
        self.show_notice = show_notice
        self.prompt: QMessageBox | None = None

    def set_aside_edited(
        self, media: Sequence[Path], output_folder: Path | None
    ) -> tuple[list[Path], list[EditedClip]]:
        """(clips to transcribe now, clips to ask about); `output_folder` as in `JobSettings`."""
        free: list[Path] = []
        edited: list[EditedClip] = []
        for path in media:
            folder = transcript_folder_for(path, output_folder)
            found, window = find_hand_edits(folder), _modified_window_on(folder)
            if found is None and window is None:
                free.append(path)
            else:
                edited.append(EditedClip(path, folder, found, window))
        return free, edited

    def ask(self, clips: list[EditedClip], proceed: Callable[[list[Path]], object]) -> QMessageBox:
        """Ask about the clips; `proceed` is called with the media to transcribe after Replace or Save both."""
        names = ", ".join(clip.media_path.name for clip in clips)
        box = QMessageBox(QMessageBox.Icon.Warning, "Transcribe again over your edits?",
                          f"Transcribing {names} again would replace transcripts you corrected by hand.",
                          parent=self.parent)  # fmt: skip
        copies = ", ".join(edited_copy_folder(clip.transcript_folder).name for clip in clips)
        box.setInformativeText(
            f"Save both keeps your corrected transcript, unsaved edits included, as {copies} beside it; the new "
            "run then writes the usual folder.\nReplace overwrites it; unsaved edits are lost.\n"
            "Keep my edits does not transcribe it again."
        )
        box.setDetailedText("\n".join(clip.describe() for clip in clips))
        buttons = {
            box.addButton(RetranscribeAnswer.SAVE_BOTH.value, QMessageBox.ButtonRole.AcceptRole):
                RetranscribeAnswer.SAVE_BOTH,
            box.addButton(RetranscribeAnswer.REPLACE.value, QMessageBox.ButtonRole.DestructiveRole):
                RetranscribeAnswer.REPLACE,
            box.addButton(RetranscribeAnswer.KEEP_EDITS.value, QMessageBox.ButtonRole.RejectRole):
                RetranscribeAnswer.KEEP_EDITS,
        }  # fmt: skip
        box.setDefaultButton(next(iter(buttons)))  # type: ignore[arg-type]

        def answered() -> None:
            self.prompt = None
            self.answer(clips, proceed, buttons.get(box.clickedButton(), RetranscribeAnswer.KEEP_EDITS))

        box.finished.connect(answered)
        self.prompt = box
        box.open()  # never exec() under qasync
        return box

    def answer(
        self, clips: list[EditedClip], proceed: Callable[[list[Path]], object], choice: RetranscribeAnswer
    ) -> None:
        if choice is RetranscribeAnswer.KEEP_EDITS:
            self.show_notice(f"Not transcribed again, to keep your edits: {_names(clips)}.")
            return
        to_queue: list[Path] = []
        notices: list[str] = []
        for clip in clips:
            if choice is RetranscribeAnswer.SAVE_BOTH:
                try:
                    copy = self._keep_copy(clip)
                except (OSError, ContractError) as error:
                    notices.append(f"Not transcribed again: {clip.media_path.name}; its edits could not be "
                                   f"copied ({error}).")  # fmt: skip
                    continue
                notices.append(f"Your edited transcript of {clip.media_path.name} is kept in {copy}.")
            self._drop_unsaved(clip)
            if choice is RetranscribeAnswer.SAVE_BOTH and clip.window is not None:
                try:
                    open_timeline(copy)  # the editor keeps working on what they had open
                except (OSError, ContractError) as error:
                    notices.append(f"The copy could not be opened: {error}.")
            to_queue.append(clip.media_path)
        self.show_notice(" ".join(notices))
        if to_queue:
            proceed(to_queue)

    def _keep_copy(self, clip: EditedClip) -> Path:
        if clip.window is not None:
            document = clip.window.document
            return keep_edited_copy(clip.transcript_folder, document.records(), document.timing_sources())
        unsaved = clip.found.unsaved if clip.found is not None else None
        return keep_edited_copy(clip.transcript_folder, unsaved.records if unsaved is not None else None)

    def _drop_unsaved(self, clip: EditedClip) -> None:
        """The edits are in the copy, or the editor chose to replace them: no window or recovery keeps them."""
        if clip.window is not None:
            clip.window.document.mark_saved()  # not modified any more, so it closes without asking
            clip.window.close()
        remove_recovery(clip.transcript_folder / WORDS_FILE_NAME)


def _modified_window_on(transcript_folder: Path) -> TimelineWindow | None:
    words_path = (transcript_folder / WORDS_FILE_NAME).resolve()
    for window in open_timeline_windows():
        if window.document.is_modified and window.document.opened.words_path.resolve() == words_path:
            return window
    return None


def _names(clips: list[EditedClip]) -> str:
    return ", ".join(clip.media_path.name for clip in clips)
