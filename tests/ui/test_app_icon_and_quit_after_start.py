"""metavis-gui's window icon (PNG sizes in the packaged app, the SVG in a checkout) and its
--quit-after-start option, the smoke test tests/test_packaged_bundle.py runs on the bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from metavis_gui import app, app_paths
from metavis_gui.ui.main_window import MainWindow
from tests.conftest import REPO_ROOT


def test_checkout_icon_is_the_svg_in_resources(monkeypatch: pytest.MonkeyPatch, qapp: QApplication) -> None:
    monkeypatch.setattr(app_paths, "bundled_resources_dir", lambda: None)
    assert (REPO_ROOT / "resources" / "icons" / "metavis-transcribe.svg").is_file()

    icon = app.application_icon()

    assert not icon.isNull()
    assert not icon.pixmap(QSize(64, 64)).isNull()


def test_packaged_icon_is_its_rendered_pngs(
    monkeypatch: pytest.MonkeyPatch, qapp: QApplication, tmp_path: Path
) -> None:
    icons = tmp_path / "bundle" / "resources" / "icons"
    icons.mkdir(parents=True)
    for size in (16, 256):
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(0xFF4F46E5)
        assert image.save(str(icons / f"metavis-transcribe-{size}.png"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)

    icon = app.application_icon()

    assert sorted(size.width() for size in icon.availableSizes()) == [16, 256]


def test_quit_after_start_opens_the_window_then_exits_zero(qapp: QApplication, tmp_path: Path) -> None:
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(tmp_path / "user-settings"))
    names = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    try:
        exit_code = app.main(["--quit-after-start"])
    finally:
        QCoreApplication.setOrganizationName(names[0])
        QCoreApplication.setApplicationName(names[1])
        qapp.setQuitOnLastWindowClosed(True)

    assert exit_code == 0
    windows = [widget for widget in QApplication.topLevelWidgets() if isinstance(widget, MainWindow)]
    assert windows and all(not window.isVisible() for window in windows)
    assert not qapp.windowIcon().isNull()
    for window in windows:
        window.deleteLater()


def test_quit_after_start_is_in_the_help() -> None:
    assert "--quit-after-start" in app.build_parser().format_help()
