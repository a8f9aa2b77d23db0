"""How the timeline window is laid out: timeline on top; text, checks, find/replace and file problems below."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QSplitter, QTabWidget

from metavis_gui.timeline.transcript_files import OpenedTranscript

if TYPE_CHECKING:
    from metavis_gui.ui.timeline.timeline_window import TimelineWindow


def lay_out(window: TimelineWindow, opened: OpenedTranscript) -> tuple[QTabWidget, QProgressBar, QLabel]:
    """Places the window's parts; returns (side tabs, audio progress bar, status text)."""
    side_tabs = QTabWidget(window)
    side_tabs.addTab(window.checks, "Checks")
    side_tabs.addTab(window.find_panel, "Find and replace")
    if opened.problems or opened.summary_problem:
        window.line_problems.addItems([str(problem) for problem in opened.problems])
        if opened.summary_problem:
            window.line_problems.addItem(opened.summary_problem)
        side_tabs.insertTab(0, window.line_problems, f"File problems ({window.line_problems.count()})")
        side_tabs.setCurrentIndex(0)
    lower = QSplitter(Qt.Orientation.Horizontal, window)
    lower.addWidget(window.text_view)
    lower.addWidget(side_tabs)
    lower.setSizes([700, 400])
    main = QSplitter(Qt.Orientation.Vertical, window)
    main.addWidget(window.panel)
    main.addWidget(lower)
    main.setSizes([420, 300])
    window.setCentralWidget(main)
    progress = QProgressBar(window)
    progress.setMaximumWidth(260)
    progress.hide()
    status_label = QLabel(window)
    window.statusBar().addWidget(status_label, 1)
    window.statusBar().addPermanentWidget(progress)
    window.resize(1200, 800)
    return side_tabs, progress, status_label
