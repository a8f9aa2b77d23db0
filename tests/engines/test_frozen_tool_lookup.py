"""In the packaged (frozen) app, whisper-cli, ffmpeg and ffprobe come from the bundle before the checkout
and PATH. Pure: fake executables in tmp_path, sys.frozen and sys._MEIPASS set as PyInstaller sets them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from metavis_gui import app_paths
from metavis_gui.engines.whisper_cpp_binary import build_key, locate_whisper_cpp_binary
from metavis_gui.media.errors import MediaToolMissing
from metavis_gui.media.probe import BUNDLED_MEDIA_TOOLS_FOLDER, find_media_tool


def fake_executable(path: Path, executable: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755 if executable else 0o644)
    return path


@pytest.fixture
def frozen_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The process looks frozen, its bundle (sys._MEIPASS) an empty folder; returns that folder."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    return bundle


@pytest.fixture
def on_path(tmp_path: Path) -> Path:
    """A PATH folder holding ffmpeg, ffprobe and whisper-cli."""
    folder = tmp_path / "usr-bin"
    for name in ("ffmpeg", "ffprobe", "whisper-cli"):
        fake_executable(folder / name)
    return folder


def test_frozen_app_knows_its_bundle_and_has_no_checkout(frozen_bundle: Path) -> None:
    assert app_paths.bundled_resources_dir() == frozen_bundle
    assert app_paths.project_root() is None


def test_unfrozen_run_has_no_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert app_paths.bundled_resources_dir() is None


@pytest.mark.parametrize("tool", ["ffmpeg", "ffprobe"])
def test_bundled_media_tool_comes_before_path(frozen_bundle: Path, on_path: Path, tool: str) -> None:
    bundled = fake_executable(frozen_bundle / BUNDLED_MEDIA_TOOLS_FOLDER / tool)

    assert find_media_tool(tool, {"PATH": str(on_path)}) == str(bundled)


def test_media_tool_falls_back_to_path_when_the_bundle_lacks_it(frozen_bundle: Path, on_path: Path) -> None:
    fake_executable(frozen_bundle / BUNDLED_MEDIA_TOOLS_FOLDER / "ffmpeg", executable=False)

    assert find_media_tool("ffmpeg", {"PATH": str(on_path)}) == str(on_path / "ffmpeg")
    assert find_media_tool("ffprobe", {"PATH": str(on_path)}) == str(on_path / "ffprobe")


def test_media_tool_from_path_when_not_frozen(monkeypatch: pytest.MonkeyPatch, on_path: Path) -> None:
    monkeypatch.setattr(app_paths, "bundled_resources_dir", lambda: None)

    assert find_media_tool("ffprobe", {"PATH": str(on_path)}) == str(on_path / "ffprobe")


def test_media_tool_nowhere_says_how_to_install_ffmpeg(frozen_bundle: Path, tmp_path: Path) -> None:
    with pytest.raises(MediaToolMissing) as raised:
        find_media_tool("ffmpeg", {"PATH": str(tmp_path / "nothing-here")})

    assert "Install FFmpeg" in str(raised.value)


def test_frozen_whisper_cli_comes_from_the_bundle_with_its_build_info(frozen_bundle: Path, on_path: Path) -> None:
    bundled = fake_executable(frozen_bundle / "engines" / "whisper-cli")
    (frozen_bundle / "engines" / "build-info.json").write_text('{"version": "1.8.5", "coreml": true}')

    found = locate_whisper_cpp_binary({"PATH": str(on_path)})

    assert (found.path, found.origin, found.version, found.coreml) == (bundled, "bundled", "1.8.5", True)


def test_frozen_app_never_uses_a_checkout_build(
    frozen_bundle: Path, on_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A bundle without whisper-cli skips the development build (there is no checkout) and uses PATH."""
    checkout_build = tmp_path / "checkout" / "engines" / "bin" / build_key() / "whisper-cli"
    fake_executable(checkout_build)

    found = locate_whisper_cpp_binary({"PATH": str(on_path)})

    assert (found.path, found.origin) == (on_path / "whisper-cli", "PATH")


def test_whispercpp_bin_still_overrides_the_bundle(frozen_bundle: Path, on_path: Path, tmp_path: Path) -> None:
    fake_executable(frozen_bundle / "engines" / "whisper-cli")
    chosen = fake_executable(tmp_path / "mine" / "whisper-cli")

    found = locate_whisper_cpp_binary({"WHISPERCPP_BIN": str(chosen), "PATH": str(on_path)})

    assert (found.path, found.origin) == (chosen, "WHISPERCPP_BIN")
