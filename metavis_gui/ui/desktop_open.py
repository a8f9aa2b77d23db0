"""Open a folder in the desktop's file manager, also from the packaged app.

In the packaged Linux app the process environment points the dynamic loader
and Qt at the bundle (PyInstaller sets LD_LIBRARY_PATH, keeping the user's
value in LD_LIBRARY_PATH_ORIG, and PySide6's hooks set QT_PLUGIN_PATH and
QML2_IMPORT_PATH). A file manager started with it would load the bundle's
libraries and plugins instead of its own, so it gets the environment the user
started the app with.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QProcess, QProcessEnvironment, QUrl
from PySide6.QtGui import QDesktopServices

_LOADER_VARIABLES = ("LD_LIBRARY_PATH",)
_BUNDLE_ONLY_VARIABLES = (
    "QT_PLUGIN_PATH",
    "QML2_IMPORT_PATH",
    "QT_QPA_PLATFORM_PLUGIN_PATH",
    "QTWEBENGINEPROCESS_PATH",
)


def environment_outside_the_bundle(environment: Mapping[str, str]) -> dict[str, str]:
    """`environment` as it was before the bundle's start-up changed it."""
    cleaned = {
        name: value
        for name, value in environment.items()
        if name not in _BUNDLE_ONLY_VARIABLES and not name.startswith("_PYI") and not name.endswith("_ORIG")
    }
    for name in _LOADER_VARIABLES:
        original = environment.get(name + "_ORIG")
        if original:
            cleaned[name] = original
        else:
            cleaned.pop(name, None)
    return cleaned


def show_folder(folder: Path) -> bool:
    """Open `folder` in the file manager; False when no file manager could be started."""
    if getattr(sys, "frozen", False) and sys.platform.startswith("linux"):
        environment = QProcessEnvironment()
        for name, value in environment_outside_the_bundle(os.environ).items():
            environment.insert(name, value)
        process = QProcess()
        process.setProgram("xdg-open")
        process.setArguments([str(folder)])
        process.setProcessEnvironment(environment)
        return bool(process.startDetached())
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
