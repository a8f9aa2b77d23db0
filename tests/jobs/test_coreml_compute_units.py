"""The Core ML compute-units choice: from the command line, through the request and the adapter, into the
environment of the whisper-cli child (the patched whisper-encoder.mm reads it: tests/engines/test_whisper_cpp_patches.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from metavis_gui.cli.command import build_parser
from metavis_gui.cli.generate_arguments import read_drop_in_options
from metavis_gui.cli.generate_command import request_from_arguments
from metavis_gui.engines.engine_command import COREML_COMPUTE_UNITS_VARIABLE, CoreMLComputeUnits, TranscriptionSettings
from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter
from metavis_gui.engines.whisper_cpp_binary import WhisperCppBinary
from metavis_gui.jobs.child_process import run_child_process
from metavis_gui.models.model_store import ggml_model_path
from metavis_gui.ui.qt_event_loop import run_on_qt_loop

GENERATE = ["transcript", "generate", "--input", "a.wav", "--out", "out"]


def test_the_command_line_option_reaches_the_request() -> None:
    def request_of(argv: list[str]):  # type: ignore[no-untyped-def]
        arguments, unknown = build_parser().parse_known_args(argv)
        arguments.input = arguments.input[0]  # as the command does for one input
        return request_from_arguments(arguments, read_drop_in_options(arguments, unknown))

    assert request_of(GENERATE).coreml_compute_units is None
    chosen = request_of([*GENERATE, "--coreml-compute-units", "cpu_and_ne"])
    assert chosen.coreml_compute_units is CoreMLComputeUnits.CPU_AND_NEURAL_ENGINE
    with pytest.raises(SystemExit):
        build_parser().parse_args([*GENERATE, "--coreml-compute-units", "gpu"])


@pytest.mark.parametrize("coreml", [True, False])
def test_only_a_core_ml_build_gets_the_variable(coreml: bool, tmp_path: Path) -> None:
    model = ggml_model_path("tiny.en")
    if not model.is_file():
        pytest.fail(f"{model} is missing: run scripts/setup")
    binary = WhisperCppBinary(path=tmp_path / "whisper-cli", version="1.8.5", coreml=coreml, origin="built")
    settings = TranscriptionSettings(
        audio_path=tmp_path / "a.wav", model_path=model, coreml_compute_units=CoreMLComputeUnits.CPU_ONLY
    )
    command = WhisperCppAdapter(binary).build_command(settings, tmp_path)
    assert dict(command.environment) == ({COREML_COMPUTE_UNITS_VARIABLE: "cpu_only"} if coreml else {})
    unset = WhisperCppAdapter(binary).build_command(
        settings.model_copy(update={"coreml_compute_units": None}), tmp_path
    )
    assert unset.environment == ()


def test_the_variable_reaches_the_child_beside_the_inherited_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METAVIS_INHERITED", "kept")
    monkeypatch.delenv(COREML_COMPUTE_UNITS_VARIABLE, raising=False)
    script = f'printf "%s|%s" "${COREML_COMPUTE_UNITS_VARIABLE}" "$METAVIS_INHERITED"'
    given = run_on_qt_loop(
        run_child_process("sh", ["-c", script], environment={COREML_COMPUTE_UNITS_VARIABLE: "cpu_and_ne"})
    )
    assert given.stdout == "cpu_and_ne|kept"
    assert run_on_qt_loop(run_child_process("sh", ["-c", script])).stdout == "|kept"
