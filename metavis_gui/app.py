"""metavis-gui: the transcription window on the qasync event loop; media paths given as arguments are queued."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

os.environ.setdefault("QT_API", "pyside6")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="metavis-gui", description=__doc__)
    parser.add_argument("media", nargs="*", type=Path, help="audio or video files or folders to queue at once")
    parser.add_argument(
        "--quit-after-start",
        action="store_true",
        help="open the window, then close it as soon as the event loop runs and exit 0: a smoke test of an "
        "installed or packaged app (tests/test_packaged_bundle.py runs the bundle this way)",
    )
    return parser


def application_icon() -> QIcon:
    """The app icon: PNG sizes rendered into the packaged app, or the SVG drawn in a checkout's resources/."""
    from PySide6.QtGui import QIcon

    from metavis_gui import app_paths

    icon = QIcon()
    folders = [root / "resources" / "icons" for root in (app_paths.bundled_resources_dir(), app_paths.project_root())
               if root is not None]
    for folder in folders:
        for png in sorted(folder.glob("metavis-transcribe-*.png")):
            icon.addFile(str(png))
        if not icon.isNull():
            return icon
        svg = folder / "metavis-transcribe.svg"
        if svg.is_file():
            return QIcon(str(svg))
    return icon


def main(argv: Sequence[str] | None = None) -> int:
    import asyncio

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from metavis_gui.jobs.gui_thread_garbage_collection import GuiThreadGarbageCollector
    from metavis_gui.ui.main_window import MainWindow
    from metavis_gui.ui.qt_event_loop import QtAsyncioLoop, python_signal_heartbeat
    from metavis_gui.ui.timeline import offer_timeline_recovery
    from metavis_gui.ui.window_settings import APPLICATION_NAME, ORGANIZATION_NAME

    application = QApplication.instance() or QApplication(sys.argv)
    if argv is None:
        argv = application.arguments()[1:]  # what Qt left after taking its own options (-platform, ...)
    arguments = build_parser().parse_args(list(argv))
    application.setOrganizationName(ORGANIZATION_NAME)
    application.setApplicationName(APPLICATION_NAME)
    if application.windowIcon().isNull():
        application.setWindowIcon(application_icon())
    # The loop ends when the window's future is done, after the queue has stopped its engine.
    application.setQuitOnLastWindowClosed(False)  # type: ignore[attr-defined]
    garbage_collector = GuiThreadGarbageCollector(application)  # worker threads never delete Qt objects
    loop = QtAsyncioLoop(application)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    window.show()
    recovery_prompt = offer_timeline_recovery(window)  # edits left unsaved by a crash or kill  # noqa: F841
    if arguments.media:
        window.add_media_paths(path.expanduser().absolute() for path in arguments.media)
    if arguments.quit_after_start:
        QTimer.singleShot(0, window.close)  # fires once the loop below is running
    previous_handler = signal.signal(signal.SIGINT, lambda number, frame: window.close())
    heartbeat = python_signal_heartbeat(200)
    try:
        loop.run_until_complete(window.closed_future())
        loop.run_until_complete(window.queue.stop())
    finally:
        heartbeat.stop()
        garbage_collector.stop()
        signal.signal(signal.SIGINT, previous_handler)
        asyncio.set_event_loop(None)
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
