"""How the timeline window is laid out: timeline on top; text, checks, find/replace and file problems below."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QListWidget, QMainWindow, QProgressBar, QSplitter, QTabWidget, QWidget

from metavis_gui.timeline.transcript_files import OpenedTranscript

PREFERRED_SIZE = (1200, 800)


def lay_out(
    window: QMainWindow,
    opened: OpenedTranscript,
    *,
    timeline: QWidget,
    text_view: QWidget,
    checks: QWidget,
    find_panel: QWidget,
    line_problems: QListWidget,
) -> tuple[QTabWidget, QProgressBar, QLabel]:
    """Places the window's parts; returns (side tabs, audio progress bar, status text)."""
    side_tabs = QTabWidget(window)
    side_tabs.setAccessibleName("Checks, find and file problems")
    line_problems.setAccessibleName("File problems")
    side_tabs.addTab(checks, "Checks")
    side_tabs.addTab(find_panel, "Find and replace")
    if opened.problems or opened.summary_problem:
        line_problems.addItems([str(problem) for problem in opened.problems])
        if opened.summary_problem:
            line_problems.addItem(opened.summary_problem)
        side_tabs.insertTab(0, line_problems, f"File problems ({line_problems.count()})")
        side_tabs.setCurrentIndex(0)
    lower = QSplitter(Qt.Orientation.Horizontal, window)
    lower.addWidget(text_view)
    lower.addWidget(side_tabs)
    lower.setSizes([700, 400])
    main = QSplitter(Qt.Orientation.Vertical, window)
    main.addWidget(timeline)
    main.addWidget(lower)
    main.setSizes([420, 300])
    window.setCentralWidget(main)
    progress = QProgressBar(window)
    progress.setMaximumWidth(260)
    progress.setAccessibleName("Audio progress")
    progress.hide()
    status_label = QLabel(window)
    status_label.setAccessibleName("Status")
    window.statusBar().addWidget(status_label, 1)
    window.statusBar().addPermanentWidget(progress)
    window.resize(_opening_size(window))
    return side_tabs, progress, status_label


def _opening_size(window: QMainWindow) -> QSize:
    """1200x800 where it fits; on a laptop screen (1366x768) the whole window, status bar included, fits."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(*PREFERRED_SIZE)
    room = screen.availableGeometry()
    # The frame (title bar, borders) is not part of the size set here; leave room for it.
    return QSize(min(PREFERRED_SIZE[0], room.width() - 16), min(PREFERRED_SIZE[1], room.height() - 48))
