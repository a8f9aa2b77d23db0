"""The rules packaging/metavis_transcribe.spec applies to what PyInstaller collected: pure, no build."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def contents() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_contents", REPO_ROOT / "packaging" / "bundle_contents.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "destination",
    [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so",
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/lib/libQt6Quick.so.6",  # the player's FFmpeg plugin links QtQuick and QtQml
        "PySide6/Qt/lib/libQt6Qml.so.6",
        "PySide6/Qt/lib/libQt6Multimedia.so.6",
        "engines/whisper-cli",
        "ffmpeg/ffmpeg",
        "libavcodec.so.59",
    ],
)
def test_what_the_app_needs_stays(contents: ModuleType, destination: str) -> None:
    assert contents.keep_binary(destination)


@pytest.mark.parametrize(
    "destination",
    [
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/platforms/libqvnc.so",
        "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
        "PySide6/Qt/plugins/imageformats/libqpdf.so",
        "PySide6/Qt/plugins/sqldrivers/libqsqlite.so",
        "PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so",
        "PySide6/Qt/lib/libQt6Pdf.so.6",
        "PySide6/Qt/lib/libQt6VirtualKeyboard.so.6",
        "PySide6/Qt/lib/QtPdf.framework/Versions/A/QtPdf",
    ],
)
def test_unused_qt_parts_go(contents: ModuleType, destination: str) -> None:
    assert not contents.keep_binary(destination)


def test_translations_go_and_other_data_stays(contents: ModuleType) -> None:
    assert not contents.keep_data("PySide6/Qt/translations/qtbase_de.qm")
    assert contents.keep_data("engines/build-info.json")
    assert contents.keep_data("certifi/cacert.pem")


def test_python_engines_and_other_bindings_are_excluded(contents: ModuleType) -> None:
    for module in ("torch", "faster_whisper", "ctranslate2", "whisper", "PyQt5", "PyQt6", "PySide2"):
        assert module in contents.EXCLUDED_MODULES
    for needed in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtMultimedia", "numpy"):
        assert needed not in contents.EXCLUDED_MODULES


def test_symlinks_to_dropped_libraries_go_with_them(contents: ModuleType) -> None:
    assert not contents.keep_entry(("libQt6Pdf.so.6", "PySide6/Qt/lib/libQt6Pdf.so.6", "SYMLINK"))
    assert contents.keep_entry(("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"))
    assert contents.keep_entry(("libavcodec.so.59", "/usr/lib/x86_64-linux-gnu/libavcodec.so.59", "BINARY"))
    assert not contents.keep_entry(("PySide6/Qt/translations/qtbase_fr.qm", "/x/qtbase_fr.qm", "DATA"))
