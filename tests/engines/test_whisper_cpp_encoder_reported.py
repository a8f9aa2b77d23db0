"""Where the encoder ran, from whisper-cli's stderr through the command into the summary and its final lines.

Linux has no Core ML, so the Core ML lines come from a FAKE whisper-cli that prints them and then execs the
real one (tests/support/fault_injection/fake_coreml_whisper_cli.py): the words are real.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metavis_gui.cli.json_events import InputFinishedEvent
from tests.cli.console_script import GENERATE, events_of, run_command
from tests.conftest import JFK_WAV, copy_to
from tests.support.fault_injection.fake_coreml_whisper_cli import write_fake_coreml_whisper_cli

pytestmark = pytest.mark.usefixtures("engine_ready")
QUICK_WHOLE = ("--align", "off", "--vad", "off", "--write-adjacent-captions", "false")


def _summary(out: Path) -> dict:
    return json.loads((out / "transcript.summary.v1.json").read_text(encoding="utf-8"))


def test_a_core_ml_run_says_so_in_the_summary_and_the_final_lines(whisper_cli_path: Path, tmp_path: Path) -> None:
    fake = write_fake_coreml_whisper_cli(tmp_path / "engine", whisper_cli_path)
    out = tmp_path / "out"
    finished = run_command(
        *GENERATE, "--input", JFK_WAV, "--out", out, *QUICK_WHOLE, environ={"WHISPERCPP_BIN": str(fake)}
    )
    assert finished.returncode == 0, finished.stderr
    assert _summary(out)["encoder"] == {"device": "coreml", "backend": None, "notice": None}
    assert "The encoder ran on Core ML." in finished.stderr.splitlines()
    assert "country" in (out / "transcript.words.v1.jsonl").read_text(encoding="utf-8").lower()


def test_the_real_cpu_build_leaves_the_encoder_unsaid(tmp_path: Path) -> None:
    out = tmp_path / "out"
    finished = run_command(*GENERATE, "--input", JFK_WAV, "--out", out, *QUICK_WHOLE)
    assert finished.returncode == 0, finished.stderr
    assert "encoder" not in _summary(out)
    assert "encoder ran" not in finished.stderr


def test_parts_say_core_ml_only_if_every_part_ran_on_it(
    whisper_cli_path: Path, long_speech_wav: Path, tmp_path: Path
) -> None:
    # The engine stage names the second part's audio audio-part-1.wav (jobs/engine_stage._cut_into_parts).
    fake = write_fake_coreml_whisper_cli(tmp_path / "engine", whisper_cli_path, failing_audio_name="audio-part-1.wav")
    out = tmp_path / "out"
    finished = run_command(
        *GENERATE, "--input", long_speech_wav, "--out", out, *QUICK_WHOLE, "--engine-processes", "2",
        "--threads", "2", environ={"WHISPERCPP_BIN": str(fake)}, timeout=900,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    encoder = _summary(out)["encoder"]
    assert encoder["device"] == "cpu" and "could not load the Core ML encoder" in encoder["notice"]
    assert any(line.startswith("The encoder ran on the CPU, not Core ML.") for line in finished.stderr.splitlines())


def test_a_batch_warns_of_each_input_whose_encoder_fell_back(whisper_cli_path: Path, tmp_path: Path) -> None:
    # A whole file is decoded to audio-16k-mono.wav (jobs/transcription_pipeline._run), which this fake fails.
    fake = write_fake_coreml_whisper_cli(tmp_path / "engine", whisper_cli_path, failing_audio_name="audio-16k-mono.wav")
    media = tmp_path / "media"
    for name in ("first.wav", "second.wav"):
        copy_to(JFK_WAV, media / name)
    finished = run_command(
        *GENERATE, "--input", media, "--out", tmp_path / "out", *QUICK_WHOLE, "--json",
        environ={"WHISPERCPP_BIN": str(fake)}, timeout=600,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    inputs = [event for event in events_of(finished.stdout) if isinstance(event, InputFinishedEvent)]
    assert len(inputs) == 2
    for event in inputs:
        assert any(warning.startswith("The encoder ran on the CPU, not Core ML.") for warning in event.warnings)
