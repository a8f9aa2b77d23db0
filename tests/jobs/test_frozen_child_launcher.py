"""The frozen app's children die with it too: its own executable is their launcher (`_child-launcher`).

The packaged app has no interpreter for `-c`, so a runtime hook that PyInstaller runs first in both
executables (packaging/runtime_hook_child_launcher.py) runs the same launcher source when the first argument
asks for it, before Qt is loaded. Here a stand-in for the bundle's executable runs the hook and then the entry
script under the venv's Python, as the bootloader does; tests/packaging/test_packaged_bundle.py runs the bundle.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from metavis_gui.jobs.child_lifetime import (
    FROZEN_LAUNCHER_COMMAND,
    LAUNCH_FAILED_EXIT_CODE,
    LauncherKind,
    launch_command,
    launch_failure,
    launcher_kind,
    run_frozen_launcher,
)
from tests.conftest import REPO_ROOT
from tests.jobs.test_child_lifetime import assert_quiet_child_dies_with_its_parent

LAUNCHER_HOOK = REPO_ROOT / "packaging" / "runtime_hook_child_launcher.py"
ENTRY_SCRIPTS = {
    "cli": REPO_ROOT / "packaging" / "entry_points" / "cli_main.py",
    "gui": REPO_ROOT / "packaging" / "entry_points" / "gui_main.py",
}
# What the bootloader does: the runtime hooks, then the entry script as __main__, with the command's arguments.
_BOOTLOADER = """
import runpy, sys
hook, entry = sys.argv[1:3]
del sys.argv[1:3]
runpy.run_path(hook)
runpy.run_path(entry, run_name="__main__")
"""
SHELL = shutil.which("sh") or "/bin/sh"  # the launcher runs a path, as run_child_process passes it
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; the death signal is Linux's")
posix_only = pytest.mark.skipif(os.name != "posix", reason="no launcher on Windows")


def stand_in_command(entry: str, *python_options: str) -> list[str]:
    return [sys.executable, *python_options, "-c", _BOOTLOADER, str(LAUNCHER_HOOK), str(ENTRY_SCRIPTS[entry])]


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> str:
    executable = "/opt/MetaVis Transcribe/metavis-gui"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", executable)
    return executable


@posix_only
def test_the_frozen_app_starts_its_children_through_its_own_executable(frozen: str) -> None:
    odd_name = os.fsdecode(b"take\xff.wav")

    launch = launch_command("/usr/bin/ffmpeg", ["-i", odd_name], LauncherKind.DEATH_SIGNAL)

    assert launch.program == frozen
    assert launch.arguments == [
        FROZEN_LAUNCHER_COMMAND, "DEATH_SIGNAL", str(os.getpid()), "=/usr/bin/ffmpeg", "=-i", "%" + b"take\xff.wav".hex()
    ]  # fmt: skip
    assert launch.through_launcher
    expected_kind = LauncherKind.DEATH_SIGNAL if sys.platform.startswith("linux") else LauncherKind.WATCHDOG
    assert launcher_kind() is expected_kind, "the frozen app uses this platform's launcher as the venv does"
    assert launch_command("sleep", ["1"]).arguments[1] == expected_kind.name


def test_any_other_command_line_passes_through_the_dispatch() -> None:
    for argv in (["metavis-transcribe"], ["metavis-transcribe", "transcript", "generate"], ["metavis-gui", "a.wav"]):
        assert run_frozen_launcher(argv) is None


def run_stand_in(entry: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The bundle's `entry` executable, run with `arguments`; its imports are listed on stderr."""
    return subprocess.run(
        [*stand_in_command(entry, "-X", "importtime"), *arguments],
        capture_output=True, text=True, timeout=60, check=False, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )  # fmt: skip


def modules_imported(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}


@posix_only
@pytest.mark.parametrize("entry", sorted(ENTRY_SCRIPTS))
@pytest.mark.parametrize("kind", [LauncherKind.DEATH_SIGNAL, LauncherKind.WATCHDOG], ids=["death-signal", "watchdog"])
def test_each_executable_is_a_launcher_that_imports_no_qt_and_no_pydantic(entry: str, kind: LauncherKind) -> None:
    arguments = [FROZEN_LAUNCHER_COMMAND, kind.name, str(os.getpid()), f"={SHELL}", "=-c", "=echo started; exit 3"]

    result = run_stand_in(entry, *arguments)

    assert (result.returncode, result.stdout) == (3, "started\n"), result.stderr[-2000:]
    imported = modules_imported(result)
    assert "metavis_gui" in imported
    assert not imported & {"PySide6", "shiboken6", "pydantic", "qasync", "numpy"}, "the launcher must start at once"


def test_any_other_command_line_reaches_the_app() -> None:
    result = run_stand_in("cli", "--version")

    assert result.returncode == 0, result.stderr[-2000:]
    assert "metavis-transcribe" in result.stdout
    assert "pydantic" in modules_imported(result)


@posix_only
def test_a_launcher_that_cannot_start_its_program_says_why() -> None:
    missing = run_stand_in("cli", FROZEN_LAUNCHER_COMMAND, "DEATH_SIGNAL", str(os.getpid()), "=/no/such/program")
    assert missing.returncode == LAUNCH_FAILED_EXIT_CODE
    assert launch_failure(missing.returncode, missing.stderr) == "/no/such/program: No such file or directory"

    malformed = run_stand_in("cli", FROZEN_LAUNCHER_COMMAND, "SOMETHING", "1")
    assert malformed.returncode == LAUNCH_FAILED_EXIT_CODE
    assert f"{FROZEN_LAUNCHER_COMMAND} KIND PID PROGRAM" in malformed.stderr


# A parent as the frozen app is one: sys.frozen set, sys.executable the bundle's executable (a wrapper that
# runs the hook and the entry script), its child started by the real run_child_process.
_FROZEN_PARENT_OF_A_QUIET_CHILD = """
import sys
sys.frozen = True
sys.executable = sys.argv[1]
from metavis_gui.jobs import child_lifetime
from metavis_gui.jobs.child_process import run_child_process
from metavis_gui.jobs.event_loop import run_on_asyncio_loop
child_lifetime.launcher_kind = lambda: child_lifetime.LauncherKind[sys.argv[2]]
run_on_asyncio_loop(run_child_process("sleep", [sys.argv[3]], on_started=lambda pid: print(pid, flush=True)))
"""


def bundle_executable_stand_in(folder: Path, entry: str) -> Path:
    """The bundle's `entry` executable as a file to execute: the bootloader's work, then the arguments."""
    executable = folder / f"metavis-{entry}"
    quoted = " ".join(f"'{word}'" for word in stand_in_command(entry))
    executable.write_text(f"#!/bin/sh\nPYTHONPATH='{REPO_ROOT}' exec {quoted} \"$@\"\n", encoding="utf-8")
    executable.chmod(0o755)
    return executable


@linux_only
@pytest.mark.parametrize("entry", sorted(ENTRY_SCRIPTS))
@pytest.mark.parametrize("kind", [LauncherKind.DEATH_SIGNAL, LauncherKind.WATCHDOG], ids=["death-signal", "watchdog"])
def test_a_frozen_apps_child_dies_with_its_killed_parent(tmp_path: Path, entry: str, kind: LauncherKind) -> None:
    index = sorted(ENTRY_SCRIPTS).index(entry) * 2 + list(LauncherKind).index(kind)
    seconds = f"{700 + os.getpid() % 1000}.{index}5"  # a command line no one else has
    executable = bundle_executable_stand_in(tmp_path, entry)
    parent = subprocess.Popen(
        [sys.executable, "-c", _FROZEN_PARENT_OF_A_QUIET_CHILD, str(executable), kind.name, seconds],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert_quiet_child_dies_with_its_parent(
        parent, seconds, seen_within_seconds=10, launcher_becomes_program=kind is LauncherKind.DEATH_SIGNAL,
        outlived="the frozen app's child outlived it",
    )  # fmt: skip
