"""A small video preview beside the timeline, fed by the timeline's own player, so picture and playhead agree.

Shown when the media has a picture (editors check lip sync against the
words); View > Video preview hides it. The picture is letterboxed, whole at
its own shape, in a dock 320 px wide at first that the editor can resize.
Without QtMultimediaWidgets there is no preview and the timeline works as
before.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

try:
    from PySide6.QtMultimediaWidgets import QVideoWidget
except ImportError:  # PySide6-Essentials alone
    QVideoWidget = None  # type: ignore[assignment,misc]

PREVIEW_SIZE = QSize(320, 180)


class VideoPreviewDock(QDockWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__("Video preview", parent)
        self.setObjectName("video-preview-dock")
        self.setAccessibleName("Video preview")
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)  # fmt: skip
        self.video_widget = QVideoWidget(self) if QVideoWidget is not None else None
        if self.video_widget is not None:
            self.video_widget.setAccessibleName("Video picture")
            self.video_widget.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
            self.video_widget.setMinimumSize(PREVIEW_SIZE / 2)
            self.setWidget(self.video_widget)
        self.toggleViewAction().setText("&Video preview")
        self.toggleViewAction().setToolTip("Show or hide the video (only for media with a picture)")
        self._hidden_by_user = False
        self._sized = False
        self.toggleViewAction().triggered.connect(lambda shown: setattr(self, "_hidden_by_user", not shown))
        self.hide()

    def sizeHint(self) -> QSize:
        return PREVIEW_SIZE

    def media_has_video(self, has_video: bool) -> None:
        """Show the preview for media with a picture (unless the user hid it); hide it for sound only."""
        self.toggleViewAction().setEnabled(has_video and self.video_widget is not None)
        self.setVisible(has_video and self.video_widget is not None and not self._hidden_by_user)
        window = self.parentWidget()
        if self.isVisible() and not self._sized and isinstance(window, QMainWindow):
            # The window would share its width out evenly; the timeline needs it more. Later, the editor's size holds.
            window.resizeDocks([self], [PREVIEW_SIZE.width()], Qt.Orientation.Horizontal)
            self._sized = True
