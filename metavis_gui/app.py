"""metavis-gui: the transcription window on the qasync event loop; media paths given as arguments are queued."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="metavis-gui", description=__doc__)
    parser.add_argument("media", nargs="*", type=Path, help="audio or video files or folders to queue at once")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import asyncio

    import qasync
    from PySide6.QtWidgets import QApplication

    from metavis_gui.jobs.event_loop import python_signal_heartbeat
    from metavis_gui.ui.main_window import MainWindow
    from metavis_gui.ui.timeline import offer_timeline_recovery
    from metavis_gui.ui.window_settings import APPLICATION_NAME, ORGANIZATION_NAME

    application = QApplication.instance() or QApplication(sys.argv)
    if argv is None:
        argv = application.arguments()[1:]  # what Qt left after taking its own options (-platform, ...)
    arguments = build_parser().parse_args(list(argv))
    application.setOrganizationName(ORGANIZATION_NAME)
    application.setApplicationName(APPLICATION_NAME)
    # The loop ends when the window's future is done, after the queue has stopped its engine.
    application.setQuitOnLastWindowClosed(False)  # type: ignore[attr-defined]
    loop = qasync.QEventLoop(application)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    window.show()
    recovery_prompt = offer_timeline_recovery(window)  # edits left unsaved by a crash or kill  # noqa: F841
    if arguments.media:
        window.add_media_paths(path.expanduser().absolute() for path in arguments.media)
    previous_handler = signal.signal(signal.SIGINT, lambda number, frame: window.close())
    heartbeat = python_signal_heartbeat(200)
    try:
        loop.run_until_complete(window.closed_future())
        loop.run_until_complete(window.queue.stop())
    finally:
        heartbeat.stop()
        signal.signal(signal.SIGINT, previous_handler)
        asyncio.set_event_loop(None)
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
