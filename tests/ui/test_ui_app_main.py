"""metavis-gui opens the window on the qasync loop and queues the media named on its command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from metavis_gui import app
from metavis_gui.ui.main_window import MainWindow
from tests.conftest import JFK_WAV, REPO_ROOT, copy_to


def test_main_opens_the_window_and_queues_command_line_media(qapp: QApplication, tmp_path: Path) -> None:
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(tmp_path / "user-settings"))
    names = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    media = copy_to(JFK_WAV, tmp_path / "from the command line.wav")
    (tmp_path / "readme.txt").write_text("not media", encoding="utf-8")
    seen: dict[str, object] = {}
    poller = QTimer()

    def inspect_and_close() -> None:
        windows = [widget for widget in QApplication.topLevelWidgets() if isinstance(widget, MainWindow)]
        visible = [window for window in windows if window.isVisible()]
        if not visible:
            return
        window = visible[0]
        seen["queued"] = [job.media_path for job in window.queue.jobs()]
        seen["notice"] = window.notice_label.text()
        seen["loop_running"] = app_loop_is_running()
        poller.stop()
        window.close()

    poller.timeout.connect(inspect_and_close)
    poller.start(50)
    try:
        exit_code = app.main([str(media), str(tmp_path / "readme.txt")])
    finally:
        poller.stop()
        QCoreApplication.setOrganizationName(names[0])
        QCoreApplication.setApplicationName(names[1])
        qapp.setQuitOnLastWindowClosed(True)

    assert exit_code == 0
    assert seen["queued"] == [media]
    assert "readme.txt" in str(seen["notice"])
    assert seen["loop_running"] is True
    leftover = [widget for widget in QApplication.topLevelWidgets() if isinstance(widget, MainWindow)]
    assert all(not window.isVisible() for window in leftover)
    for window in leftover:
        window.deleteLater()


def app_loop_is_running() -> bool:
    import asyncio

    try:
        return asyncio.get_running_loop().is_running()
    except RuntimeError:
        return False


def test_python_dash_m_metavis_gui_answers_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "metavis_gui", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=REPO_ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert "usage: metavis-gui" in result.stdout and "media" in result.stdout
