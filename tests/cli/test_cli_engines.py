"""`metavis-transcribe engines` lists every engine of the table with whether it can run, and why not."""

from __future__ import annotations

from pathlib import Path

import pytest

from metavis_gui import cli
from metavis_gui.cli.command import build_parser
from metavis_gui.engines import engine_table
from metavis_gui.engines.errors import EngineNotFound
from metavis_gui.models.engine_ids import EngineId


def listed_engines(output: str) -> dict[str, str]:
    """Each engine's line, by engine name."""
    return {line.split()[0]: line for line in output.splitlines() if line.strip()}


def test_every_engine_is_listed_with_its_state_or_the_reason_it_cannot_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WHISPERCPP_BIN", str(tmp_path / "nowhere" / "whisper-cli"))

    def python_engine_missing(distribution: str, required_modules: object, install_hint: str) -> None:
        raise EngineNotFound(f"{distribution} is not installed here. Install it with: {install_hint}")

    monkeypatch.setattr(engine_table, "locate_python_engine", python_engine_missing)
    assert cli.main(["engines"]) == cli.EXIT_FAILED, "the default engine cannot run"
    lines = listed_engines(capsys.readouterr().out)
    assert list(lines) == [engine_table.ENGINE_TABLE[engine_id].display_name for engine_id in EngineId]
    # Not a Mac on Apple Silicon: WhisperKit says so (tests/engines/test_whisperkit.py covers a Mac's cases).
    assert "unavailable: WhisperKit runs only on macOS on Apple Silicon" in lines["WhisperKit"]
    assert "unavailable" in lines["whisper.cpp"] and "WHISPERCPP_BIN is set to" in lines["whisper.cpp"]
    for engine in ("openai-whisper", "faster-whisper"):
        assert f"unavailable: {engine} is not installed here. Install it with: pip install" in lines[engine]


@pytest.mark.usefixtures("engine_ready")
def test_available_engines_say_what_they_run_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["engines"]) == 0
    lines = listed_engines(capsys.readouterr().out)
    assert list(lines) == [engine_table.ENGINE_TABLE[engine_id].display_name for engine_id in EngineId]
    assert "available: version 1.8.5" in lines["whisper.cpp"] and "whisper-cli" in lines["whisper.cpp"]
    for engine, runtime in (("openai-whisper", "PyTorch"), ("faster-whisper", "CTranslate2")):
        assert ("available: version" in lines[engine] and runtime in lines[engine]) or "unavailable: " in lines[engine]


def test_engine_options_take_ids_and_aliases_and_refuse_others(capsys: pytest.CaptureFixture[str]) -> None:
    generate = ["transcript", "generate", "--input", "a.wav", "--out", "out"]
    assert build_parser().parse_args(generate).engine is EngineId.WHISPER_CPP
    assert build_parser().parse_args([*generate, "--engine", "whisper-cli"]).engine is EngineId.OPENAI_WHISPER
    download = ["models", "download", "tiny.en", "--engine", "whispercpp-coreml"]
    assert build_parser().parse_args(download).engine is EngineId.WHISPER_CPP
    with pytest.raises(SystemExit) as refused:
        cli.main([*generate, "--engine", "whisperx"])
    assert refused.value.code == cli.EXIT_USAGE
    assert "Unknown engine 'whisperx'. Known engines: whisper.cpp, openai-whisper, faster-whisper" in capsys.readouterr().err
