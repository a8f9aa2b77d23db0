"""Which engines the picker offers, and why an unavailable one cannot run, in words."""

from __future__ import annotations

import importlib.metadata
import json
import stat
from pathlib import Path

import pytest

from metavis_gui.engines import engine_availability
from metavis_gui.engines.engine_availability import (
    coreml_encoder_path,
    describe_engines,
    describe_models,
)
from metavis_gui.ui.main_window import MainWindow
from tests.ui_helpers import qasync_loop, transcription_window, window_factory  # noqa: F401


def fake_whisper_cli(folder: Path, coreml: bool) -> Path:
    """A file where whisper-cli would be, with the build-info.json the build script writes; never run."""
    folder.mkdir(parents=True, exist_ok=True)
    binary = folder / "whisper-cli"
    binary.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    (folder / "build-info.json").write_text(json.dumps({"version": "1.8.5", "coreml": coreml}), encoding="utf-8")
    return binary


def installed(distribution: str) -> bool:
    try:
        importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.usefixtures("engine_ready")
def test_the_built_engine_comes_first_and_the_others_say_what_they_run_on_or_why_not() -> None:
    engines = describe_engines("tiny.en")
    assert [engine.name for engine in engines] == ["whisper.cpp", "openai-whisper", "faster-whisper"]
    whisper_cpp = engines[0]
    assert whisper_cpp.available and whisper_cpp.reason is None
    assert "1.8.5" in whisper_cpp.details
    for engine, package, runtime in zip(engines[1:], ("openai-whisper", "faster-whisper"), ("PyTorch", "CTranslate2")):
        if installed(package):
            assert engine.available, engine.reason
            assert runtime in engine.details
        else:
            assert not engine.available and f"pip install {package}" in (engine.reason or "")


def test_a_missing_whisper_cpp_binary_is_explained(tmp_path: Path) -> None:
    engines = describe_engines(environ={"WHISPERCPP_BIN": str(tmp_path / "nowhere" / "whisper-cli"), "PATH": ""})
    whisper_cpp = next(engine for engine in engines if engine.name == "whisper.cpp")
    assert not whisper_cpp.available
    assert "WHISPERCPP_BIN" in (whisper_cpp.reason or "") and "does not exist" in (whisper_cpp.reason or "")


def test_core_ml_encoder_on_apple_silicon_is_announced_with_the_first_run_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_availability, "wants_coreml", lambda: True)
    binary = fake_whisper_cli(tmp_path / "bin", coreml=True)
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    (models_dir / "ggml-base.en.bin").write_bytes(b"\0" * 16)
    coreml_encoder_path(models_dir / "ggml-base.en.bin").mkdir()

    environ = {"WHISPERCPP_BIN": str(binary)}
    with_encoder = describe_engines("base.en", environ=environ, models_dir=models_dir)[0]
    assert with_encoder.available
    notes = " ".join(with_encoder.notes)
    assert "Neural Engine" in notes and "first run" in notes and "compiles" in notes

    without_encoder = describe_engines("base", environ=environ, models_dir=models_dir)[0]
    assert without_encoder.available, "the build falls back to the CPU when the encoder is missing"
    assert "No Core ML encoder for base" in " ".join(without_encoder.notes)

    cpu_build = describe_engines("base.en", environ={"WHISPERCPP_BIN": str(fake_whisper_cli(tmp_path / "cpu", False))},
                                 models_dir=models_dir)[0]  # fmt: skip
    assert cpu_build.notes == ()


def test_models_are_listed_installed_with_size_or_not_installed(tmp_path: Path) -> None:
    (tmp_path / "ggml-base.bin").write_bytes(b"\0" * 2_000_000)
    models = {model.name: model for model in describe_models(tmp_path)}
    assert models["base"].installed and models["base"].size_bytes == 2_000_000
    assert not models["base"].english_only
    assert not models["small.en"].installed and models["small.en"].english_only
    assert models["small.en"].path == tmp_path / "ggml-small.en.bin"


def test_the_engine_picker_shows_the_reason_of_an_unavailable_engine(
    transcription_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = transcription_window.options_panel
    monkeypatch.setenv("WHISPERCPP_BIN", str(tmp_path / "nowhere" / "whisper-cli"))
    options.refresh()
    labels = [options.engine_combo.itemText(index) for index in range(options.engine_combo.count())]
    assert any(label.startswith("whisper.cpp") and "unavailable" in label for label in labels), labels
    options.set_engine("whisper.cpp")
    assert "WHISPERCPP_BIN" in options.engine_note.text()
