"""Which engines the picker offers, and why an unavailable one cannot run, in words."""

from __future__ import annotations

import importlib.metadata
import json
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from metavis_gui.engines import engine_availability
from metavis_gui.engines.engine_table import describe_engines
from metavis_gui.engines.model_availability import describe_models
from metavis_gui.models.ct2_to_openai_whisper import default_ct2_model_dir
from metavis_gui.models.model_store import coreml_encoder_path, store_dir
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.transcription_options_panel import TranscriptionOptionsPanel


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
    # WhisperKit runs only on Apple Silicon Macs: unavailable, it sorts last here (tests/engines/test_whisperkit.py).
    assert [engine.name for engine in engines] == ["whisper.cpp", "openai-whisper", "faster-whisper", "whisperkit"]
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


def picker_entry(options: TranscriptionOptionsPanel, name: str) -> tuple[str, str]:
    """The model picker's label and tooltip (the model's path) for name."""
    index = options.model_combo.findData(name)
    assert index >= 0, f"{name} is not in the picker"
    return options.model_combo.itemText(index), options.model_combo.itemData(index, Qt.ItemDataRole.ToolTipRole)


def test_the_model_picker_shows_the_installed_models_of_the_selected_engine(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = TranscriptionOptionsPanel()
    qtbot.addWidget(options)
    options.show()
    real_store = store_dir()
    real_paths = {
        "whisper.cpp": real_store / "ggml-tiny.en.bin",
        "openai-whisper": real_store / "openai-whisper" / "tiny.en.pt",
        "faster-whisper": default_ct2_model_dir(),
    }
    for engine, path in real_paths.items():  # set up by scripts/setup: tiny.en for every engine
        options.set_engine(engine)
        assert options.engine() == engine
        label, tooltip = picker_entry(options, "tiny.en")
        assert label.endswith(" MB") and tooltip == str(path), (engine, label, tooltip)
        assert not options.model_note.isVisibleTo(options)

    # A store holding only whisper.cpp's tiny.en and a faster-whisper folder of another name.
    store = tmp_path / "models"
    store.mkdir()
    (store / "ggml-tiny.en.bin").symlink_to(real_paths["whisper.cpp"])
    (store / "faster-whisper").mkdir()
    (store / "faster-whisper" / "tiny-en-copy").symlink_to(default_ct2_model_dir(), target_is_directory=True)
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(store))
    options.set_engine("whisper.cpp")
    options.refresh()
    options.set_model("tiny.en")
    assert picker_entry(options, "tiny.en")[0].endswith(" MB")
    assert picker_entry(options, "base")[0].endswith("not installed")
    assert options.model_combo.findData("tiny-en-copy") < 0

    options.set_engine("openai-whisper")
    assert options.model() == "tiny.en", "the chosen size is kept across engines"
    checkpoint = store / "openai-whisper" / "tiny.en.pt"
    assert picker_entry(options, "tiny.en") == ("tiny.en  —  not installed", str(checkpoint))
    assert options.model_note.isVisibleTo(options)
    assert options.model_note.text() == (
        f"Not installed for openai-whisper: jobs with it fail until tiny.en.pt is in {store / 'openai-whisper'}."
    )

    options.set_engine("faster-whisper")
    label, tooltip = picker_entry(options, "tiny.en")
    assert label.endswith(" MB") and tooltip == str(default_ct2_model_dir()), "the shipped folder loads as is"
    assert picker_entry(options, "tiny-en-copy")[0].endswith(" MB")
    options.set_model("base")
    assert "the folder base" in options.model_note.text() and str(store / "faster-whisper") in options.model_note.text()

    # The model manager installs a checkpoint: the picker re-reads the selected engine's models.
    options.set_engine("openai-whisper")
    options.set_model("tiny.en")
    checkpoint.parent.mkdir()
    checkpoint.symlink_to(real_paths["openai-whisper"])
    options.manage_models_button.click()
    manager = options._model_manager
    assert manager is not None
    manager.models_changed.emit()
    manager.close()
    assert (options.engine(), options.model()) == ("openai-whisper", "tiny.en")
    label, tooltip = picker_entry(options, "tiny.en")
    assert label.endswith(" MB") and tooltip == str(checkpoint)
    assert not options.model_note.isVisibleTo(options)
