"""`metavis-transcribe --version`: the app, the whisper.cpp binary and its build, the default model, pocketsphinx."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary
from tests.cli.console_script import run_command


@pytest.mark.usefixtures("engine_ready")
def test_version_names_the_app_engine_build_model_and_aligner(default_model_path: Path) -> None:
    completed = run_command("--version")
    assert completed.returncode == 0, completed.stderr
    binary = locate_whisper_cpp_binary()
    build = "Core ML build" if binary.coreml else "CPU build"
    assert completed.stdout.splitlines() == [
        f"metavis-transcribe {importlib.metadata.version('metavis-transcribe')}",
        f"whisper.cpp {binary.version}, {build}: {binary.path} ({binary.origin})",
        f"default model tiny.en: installed, {default_model_path}",
        f"pocketsphinx {importlib.metadata.version('pocketsphinx')} (aligner)",
    ]
    assert completed.stderr == ""


def test_version_says_what_is_missing_and_still_exits_0(tmp_path: Path) -> None:
    environ = {"WHISPERCPP_BIN": str(tmp_path / "no-whisper-cli"), "METAVIS_MODELS_DIR": str(tmp_path / "models")}
    completed = run_command("--version", environ=environ)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[1].startswith("whisper.cpp: not found. WHISPERCPP_BIN is set to") and "no-whisper-cli" in lines[1]
    assert lines[2] == "default model tiny.en: not installed (run: metavis-transcribe models install-default)"
