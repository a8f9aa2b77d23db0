"""Show folder from the packaged app starts the file manager with the user's environment, not the bundle's."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from metavis_gui.ui import desktop_open
from metavis_gui.ui.desktop_open import environment_outside_the_bundle

BUNDLE_ENVIRONMENT = {
    "HOME": "/home/editor",
    "PATH": "/usr/bin",
    "LD_LIBRARY_PATH": "/opt/metavis/_internal",
    "LD_LIBRARY_PATH_ORIG": "/opt/vendor/lib",
    "QT_PLUGIN_PATH": "/opt/metavis/_internal/PySide6/Qt/plugins",
    "QML2_IMPORT_PATH": "/opt/metavis/_internal/PySide6/Qt/qml",
    "_PYI_APPLICATION_HOME_DIR": "/opt/metavis/_internal",
}


def test_the_bundle_variables_go_and_the_loader_path_is_the_users_again() -> None:
    assert environment_outside_the_bundle(BUNDLE_ENVIRONMENT) == {
        "HOME": "/home/editor",
        "PATH": "/usr/bin",
        "LD_LIBRARY_PATH": "/opt/vendor/lib",
    }
    without_original = {key: value for key, value in BUNDLE_ENVIRONMENT.items() if key != "LD_LIBRARY_PATH_ORIG"}
    assert "LD_LIBRARY_PATH" not in environment_outside_the_bundle(without_original)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xdg-open is the Linux file manager launcher")
def test_the_packaged_app_starts_xdg_open_with_the_users_environment(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in xdg-open on PATH that writes down what it was started with (CI has no desktop).
    tools = tmp_path / "bin"
    tools.mkdir()
    report = tmp_path / "xdg-open-report.json"
    stand_in = tools / "xdg-open"
    stand_in.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        f"open({str(report)!r}, 'w').write(json.dumps({{'argv': sys.argv[1:], 'environment': dict(os.environ)}}))\n"
    )
    stand_in.chmod(0o755)
    for name, value in BUNDLE_ENVIRONMENT.items():
        if name not in ("HOME", "PATH"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(desktop_open.sys, "frozen", True, raising=False)

    assert desktop_open.show_folder(tmp_path)
    deadline = time.monotonic() + 10
    while not report.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    started_with = json.loads(report.read_text())
    assert started_with["argv"] == [str(tmp_path)]
    environment = started_with["environment"]
    assert environment["LD_LIBRARY_PATH"] == "/opt/vendor/lib"
    assert not {"QT_PLUGIN_PATH", "QML2_IMPORT_PATH", "_PYI_APPLICATION_HOME_DIR", "LD_LIBRARY_PATH_ORIG"} & set(
        environment
    )
