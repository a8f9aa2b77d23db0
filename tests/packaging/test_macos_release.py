"""The macOS release, as far as Linux can check it: the workflow runs packaging/build-macos on an Apple Silicon
runner, the script refuses any other machine and holds every step, and the .app's Info.plist opens audio and video.

The script itself (build, signing, the smoke test on jfk.wav inside the .app, the .dmg) runs only on a Mac.
"""

from __future__ import annotations

import importlib.util
import plistlib
import re
import subprocess
import sys
from types import ModuleType

import pytest
import yaml

from tests.conftest import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "release-macos.yml"
BUILD_MACOS = REPO_ROOT / "packaging" / "build-macos"
SPEC = REPO_ROOT / "packaging" / "metavis_transcribe.spec"


@pytest.fixture(scope="module")
def info_plist_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("macos_info_plist", REPO_ROOT / "packaging" / "macos_info_plist.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_workflow_runs_build_macos_on_apple_silicon_and_keeps_the_dmg() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "workflow_dispatch" in triggers and triggers["push"]["tags"] == ["v*"]
    (job,) = workflow["jobs"].values()
    runner = re.fullmatch(r"macos-(\d+)", job["runs-on"])
    assert runner is not None and int(runner.group(1)) >= 14, "macos-14 and later runners are Apple Silicon"
    runs = [step.get("run", "") for step in job["steps"]]
    assert "packaging/build-macos" in runs
    build = next(step for step in job["steps"] if step.get("run") == "packaging/build-macos")
    assert {"CODESIGN_IDENTITY", "APPLE_ID", "APPLE_TEAM_ID", "APPLE_APP_PASSWORD"} <= set(build["env"])
    upload = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"].endswith(".dmg") and upload["with"]["if-no-files-found"] == "error"


def test_build_macos_refuses_a_machine_that_is_not_an_apple_silicon_mac() -> None:
    assert BUILD_MACOS.stat().st_mode & 0o111, "packaging/build-macos must be executable"
    subprocess.run(["bash", "-n", str(BUILD_MACOS)], check=True)
    if sys.platform == "darwin":
        pytest.skip("this is a Mac: the script would build")
    refused = subprocess.run([str(BUILD_MACOS)], capture_output=True, text=True, check=False, timeout=30)
    assert refused.returncode == 2
    assert "run this on macOS on Apple Silicon" in refused.stderr


def test_build_macos_has_every_release_step() -> None:
    script = BUILD_MACOS.read_text(encoding="utf-8")
    for step in (
        "engines/build_whisper_cpp.py --portable",  # Core ML on Apple Silicon, checked in build-info.json below
        'info.get("coreml") is not True',
        "packaging/build_bundle.py",
        "codesign",
        "--options runtime",
        'transcript generate --input "$ROOT/tests/data/jfk.wav"',  # the smoke test, inside the .app
        '"$APP/Contents/MacOS/metavis-transcribe"',
        "hdiutil create",
        "xcrun notarytool submit",
        "xcrun stapler staple",
    ):
        assert step in script, step
    # Notarization only when every secret is there.
    assert re.search(r'if \[\[ "\$SIGN_IDENTITY" != "-" && -n "\$\{APPLE_ID:-\}"', script)


def test_the_info_plist_opens_audio_and_video_from_macos_13(info_plist_module: ModuleType) -> None:
    keys = info_plist_module.info_plist("1.2.3")
    assert keys["CFBundleShortVersionString"] == keys["CFBundleVersion"] == "1.2.3"
    assert keys["CFBundleIdentifier"] == "com.metavis.transcribe"
    assert keys["LSMinimumSystemVersion"] == "13.0"
    types = {entry["CFBundleTypeName"]: entry for entry in keys["CFBundleDocumentTypes"]}
    assert types["Audio"]["LSItemContentTypes"] == ["public.audio"]
    assert types["Video"]["LSItemContentTypes"] == ["public.movie"]
    assert all(
        entry["CFBundleTypeRole"] == "Viewer" and entry["LSHandlerRank"] == "Alternate" for entry in types.values()
    )
    assert plistlib.loads(plistlib.dumps(keys)) == keys  # PyInstaller writes it with plistlib


def test_the_spec_hands_bundle_that_info_plist() -> None:
    spec = SPEC.read_text(encoding="utf-8")
    assert "from macos_info_plist import info_plist as macos_info_plist" in spec
    assert "info_plist = macos_info_plist(options.version)" in spec and "info_plist=info_plist" in spec
