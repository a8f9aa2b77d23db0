"""Where files and folders are dropped (or opened) to be transcribed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

IDLE_PROMPT = "Drop audio or video files, or folders of them, here"
DRAG_PROMPT = "Release to add to the queue"


def dropped_locations(mime: QMimeData) -> tuple[list[Path], list[str]]:
    """(local paths, anything else as text): a drop mixing both keeps its files."""
    local: list[Path] = []
    remote: list[str] = []
    for url in mime.urls():
        if url.isLocalFile():
            local.append(Path(url.toLocalFile()))
        else:
            remote.append(url.toDisplayString())
    return local, remote


def accept_if_files(event: QDragEnterEvent | QDragMoveEvent) -> bool:
    if dropped_locations(event.mimeData())[0]:
        event.acceptProposedAction()
        return True
    event.ignore()
    return False


class MediaDropZone(QFrame):
    paths_dropped = Signal(list, list)  # local paths, other URLs as text
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediaDropZone")
        self.setAcceptDrops(True)
        self.setAccessibleName("Drop zone")
        self.setAccessibleDescription("Drop audio or video files or folders here to transcribe them")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(self.fontMetrics().height() * 6)
        self._set_highlighted(False)
        self.prompt = QLabel(IDLE_PROMPT)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.setWordWrap(True)
        font = self.prompt.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.prompt.setFont(font)
        hint = QLabel(
            "Folders are searched with their subfolders. Each file gets <i>name</i>.transcript/ beside it.<br>"
            "Drop a transcript (its .jsonl or its folder) to open it in the timeline."
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        self.open_button = QPushButton("&Open files…")
        self.open_button.setAccessibleName("Open media files")
        self.open_button.setToolTip("Choose audio or video files to transcribe (Ctrl+O)")
        self.open_button.clicked.connect(self.open_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.prompt)
        layout.addWidget(hint)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._set_highlighted(accept_if_files(event))

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        accept_if_files(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_highlighted(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_highlighted(False)
        local, remote = dropped_locations(event.mimeData())
        if not local:
            event.ignore()
            return
        event.acceptProposedAction()
        self.paths_dropped.emit(local, remote)

    def _set_highlighted(self, highlighted: bool) -> None:
        # palette() roles keep the border readable in light and dark themes alike.
        colour = "palette(highlight)" if highlighted else "palette(mid)"
        self.setStyleSheet(f"#mediaDropZone {{ border: 2px dashed {colour}; border-radius: 8px; }}")
        if hasattr(self, "prompt"):
            self.prompt.setText(DRAG_PROMPT if highlighted else IDLE_PROMPT)
