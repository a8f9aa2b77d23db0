"""metavis-gui: the desktop app on the qasync event loop."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_API", "pyside6")


def main() -> int:
    import asyncio

    import qasync
    from PySide6.QtWidgets import QApplication

    from metavis_gui.ui.main_window import MainWindow

    application = QApplication.instance() or QApplication(sys.argv)
    application.setApplicationName("MetaVis Transcribe")
    application.setOrganizationName("MetaVis")
    loop = qasync.QEventLoop(application)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    window.show()
    with loop:
        loop.run_until_complete(window.closed_future())
    return 0


if __name__ == "__main__":
    sys.exit(main())
