"""THIRD_PARTY_LICENSES lists everything the bundle holds, with its licence, and the About box shows it.

The bundle is the last one packaging/build_bundle.py built (packaging/dist/); this file never builds one.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from pytestqt.qtbot import QtBot

from metavis_gui import app_paths
from metavis_gui.ui.about_dialog import AboutDialog, third_party_licenses_text
from metavis_gui.ui.main_window import MainWindow
from tests.conftest import REPO_ROOT

PACKAGING = REPO_ROOT / "packaging"
COMMITTED = REPO_ROOT / "THIRD_PARTY_LICENSES"


@pytest.fixture(scope="module")
def licences() -> ModuleType:
    spec = importlib.util.spec_from_file_location("third_party_licenses", PACKAGING / "third_party_licenses.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built_internals(licences: ModuleType) -> Path:
    if not (PACKAGING / "dist" / "bundle-info.json").is_file():
        pytest.skip("no bundle built yet: run packaging/build_bundle.py (it also rewrites THIRD_PARTY_LICENSES)")
    internals = licences.default_bundle()
    if sys.platform != "linux" or not internals.is_dir():
        pytest.skip(f"needs the Linux bundle; {internals} is not one")
    return internals


def test_everything_in_the_linux_bundle_has_a_licence_entry(licences: ModuleType, built_internals: Path) -> None:
    inventory = licences.take_inventory(built_internals)
    assert inventory.unlisted_files == () and inventory.unlisted_modules == (), (
        "add a Component to packaging/third_party_licenses.py for these, with their licence checked"
    )
    names = {component.name for component in inventory.components}
    for expected in ("FFmpeg", "whisper.cpp", "Qt", "PySide6", "pydantic", "NumPy", "PocketSphinx", "Python"):
        assert any(name.startswith(expected) for name in names), expected
    assert any(package.name.startswith("libx264") for package in inventory.debian)  # GPL, pulled in by FFmpeg
    unknown = [package.name for package in inventory.debian if package.version == "unknown"]
    assert unknown == []


def test_the_committed_file_is_the_one_the_bundle_gives(licences: ModuleType, built_internals: Path) -> None:
    fresh = licences.render(licences.take_inventory(built_internals), licences.whisper_cpp_version(built_internals))
    assert COMMITTED.read_text(encoding="utf-8") == fresh, (
        "THIRD_PARTY_LICENSES is out of date: run .venv/bin/python packaging/third_party_licenses.py"
    )


def test_the_list_says_the_gpl_ffmpeg_is_gpl_and_the_app_is_proprietary() -> None:
    text = COMMITTED.read_text(encoding="utf-8")
    ffmpeg = text[text.index("FFmpeg (the ffmpeg and ffprobe programs)") :][:400]
    assert "Licence: GPL-2.0-or-later" in ffmpeg and "--enable-gpl" in ffmpeg
    assert "MetaVis Transcribe's own code is proprietary" in text
    whisper = text[text.index("whisper.cpp (whisper-cli)") :][:300]
    assert "Licence: MIT" in whisper and "Version: 1.8.5" in whisper


def test_a_file_or_module_of_no_component_is_named(licences: ModuleType, tmp_path: Path) -> None:
    for name in ("libQt6Core.so.6", "resources", "libmystery.so.9", "mystery_data"):
        (tmp_path / name).mkdir()
    inventory = licences.take_inventory(tmp_path)
    assert inventory.unlisted_files == ("libmystery.so.9", "mystery_data")
    assert [component.name for component in inventory.components] == ["Qt"]
    assert licences.is_own_or_standard_module("json") and licences.is_own_or_standard_module("metavis_gui")
    assert not licences.is_own_or_standard_module("requests")


def test_debian_copyright_files_give_the_main_licence_first(licences: ModuleType, tmp_path: Path) -> None:
    machine_readable = tmp_path / "copyright"
    machine_readable.write_text(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
        "Files: common/*\nCopyright: someone\nLicence-note: x\nLicense: ISC\n\n"
        "Files: *\nCopyright: x264 project\nLicense: GPL-2+\n\n"
        "License: GPL-2+\n This program is free software...\n",
        encoding="utf-8",
    )
    assert licences.copyright_licences(machine_readable) == ("GPL-2+", "ISC")
    free_form = tmp_path / "free"
    free_form.write_text("This package was debianized by ...\n", encoding="utf-8")
    assert licences.copyright_licences(free_form) == ()
    assert licences.copyright_licences(tmp_path / "missing") == ()


def test_write_puts_the_file_in_the_bundle_for_the_about_box(licences: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "resources").mkdir()
    (tmp_path / "engines").mkdir()
    (tmp_path / "engines" / "build-info.json").write_text(json.dumps({"version": "1.8.5"}), encoding="utf-8")
    licences.write(tmp_path, tmp_path / "out.txt")
    assert (tmp_path / "resources" / "THIRD_PARTY_LICENSES").read_text(encoding="utf-8") == (
        tmp_path / "out.txt"
    ).read_text(encoding="utf-8")
    assert "whisper.cpp (whisper-cli)" in (tmp_path / "out.txt").read_text(encoding="utf-8")


def test_the_about_box_shows_the_list(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.licences.toPlainText() == COMMITTED.read_text(encoding="utf-8")
    assert "proprietary" in dialog.licence_note.text() and "GNU GPL" in dialog.licence_note.text()
    # A packaged app reads the copy inside its bundle; without one it says where it looked.
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "THIRD_PARTY_LICENSES").write_text("bundled list\n", encoding="utf-8")
    monkeypatch.setattr(app_paths, "bundled_resources_dir", lambda: tmp_path)
    monkeypatch.setattr(app_paths, "project_root", lambda: None)
    assert third_party_licenses_text() == "bundled list\n"
    (tmp_path / "resources" / "THIRD_PARTY_LICENSES").unlink()
    assert f"missing from this installation (looked in {tmp_path / 'resources' / 'THIRD_PARTY_LICENSES'})" in (
        third_party_licenses_text()
    )


def test_the_window_has_help_about(transcription_window: MainWindow) -> None:
    menus = {action.text(): action.menu() for action in transcription_window.menuBar().actions()}
    assert transcription_window.about_action in menus["&Help"].actions()
    transcription_window.about_action.trigger()
    shown = transcription_window.findChild(AboutDialog)
    assert shown is not None and shown.isVisible()
    shown.close()


# The dylibs PyInstaller copies beside Homebrew's ffmpeg 8.x (its formula's depends_on and theirs, as
# `otool -L` lists them), with libass and freetype of builds that render subtitles.
HOMEBREW_FFMPEG_DYLIBS = (
    "libavcodec.62.dylib", "libavdevice.62.dylib", "libavfilter.11.dylib", "libavformat.62.dylib",
    "libavutil.60.dylib", "libswresample.6.dylib", "libswscale.9.dylib", "libx264.165.dylib", "libx265.215.dylib",
    "libmp3lame.0.dylib", "libopus.0.dylib", "libvpx.11.dylib", "libdav1d.7.dylib", "libSvtAv1Enc.3.dylib",
    "libvmaf.3.dylib", "libSDL2-2.0.0.dylib", "libssl.3.dylib", "libcrypto.3.dylib", "libass.9.dylib",
    "libfreetype.6.dylib", "libfribidi.0.dylib", "libharfbuzz.0.dylib", "libpng16.16.dylib",
)  # fmt: skip


def test_every_dylib_of_a_homebrew_ffmpeg_has_a_licence_on_the_mac(licences: ModuleType) -> None:
    unmapped = [name for name in HOMEBREW_FFMPEG_DYLIBS if licences.component_of_file(name, "darwin") is None]
    assert unmapped == [], f"add these to HOMEBREW_FFMPEG_LIBRARIES in packaging/third_party_licenses.py: {unmapped}"
    x264 = licences.component_of_file("libx264.165.dylib", "darwin")
    assert x264.licence == "GPL-2.0-only" and "Homebrew" in x264.name
    assert licences.component_of_file("libavcodec.62.dylib", "darwin").licence == "GPL-2.0-or-later"


def test_the_homebrew_rows_apply_to_mac_bundles_only(licences: ModuleType) -> None:
    assert licences.component_of_file("libx264.165.dylib", "linux") is None  # Linux asks Debian's packages
    assert licences.component_of_file("libavcodec.61.dylib", "darwin") is None  # not Homebrew's FFmpeg 8


def test_a_mac_bundle_names_the_dylibs_of_no_component(licences: ModuleType, tmp_path: Path) -> None:
    for name in (*HOMEBREW_FFMPEG_DYLIBS, "libmystery.1.dylib", "resources"):
        (tmp_path / name).mkdir()
    inventory = licences.take_inventory(tmp_path, platform="darwin")
    assert inventory.unlisted_files == ("libmystery.1.dylib",) and inventory.debian == ()
    text = licences.render(inventory, None)
    x265 = text[text.index("x265 (from Homebrew") :][:200]
    assert "Licence: GPL-2.0-only" in x265 and "formulae.brew.sh/formula/x265" in x265
