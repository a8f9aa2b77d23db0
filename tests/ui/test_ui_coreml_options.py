"""The window's Core ML compute-units choice and its "encoder ran on Core ML" line.

Linux has no Core ML build, so the Core ML window runs a FAKE whisper-cli that says it is one (build-info.json)
and prints the Core ML lines before it becomes the real whisper-cli (tests/support/fault_injection/).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from metavis_gui.engines.engine_command import CoreMLComputeUnits
from metavis_gui.jobs import transcription_queue
from metavis_gui.jobs.transcription_queue import JobStatus
from metavis_gui.jobs.transcription_request import TranscriptionRequest
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.transcription_options_panel import NO_COREML_REASON
from tests.conftest import JFK_WAV, copy_to
from tests.support.fault_injection.fake_coreml_whisper_cli import compute_units_log, write_fake_coreml_whisper_cli
from tests.support.ui_helpers import drop_paths, run_loop_for, wait_until

JOB_TIMEOUT_SECONDS = 180


def _choose(window: MainWindow, units: CoreMLComputeUnits) -> None:
    combo = window.options_panel.coreml_units_combo
    index = combo.findData(units.value)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a click on the item sends


@pytest.fixture
def fake_coreml_build(whisper_cli_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "coreml-engine"
    monkeypatch.setenv("WHISPERCPP_BIN", str(write_fake_coreml_whisper_cli(folder, whisper_cli_path)))
    return folder


@pytest.fixture
def requests_made(monkeypatch: pytest.MonkeyPatch) -> list[TranscriptionRequest]:
    """Every request the queue runs, noted on its way to the real pipeline."""
    made: list[TranscriptionRequest] = []
    real_run = transcription_queue.run_transcription

    async def noting_run(request: TranscriptionRequest, listener):  # type: ignore[no-untyped-def]
        made.append(request)
        return await real_run(request, listener)

    monkeypatch.setattr(transcription_queue, "run_transcription", noting_run)
    return made


@pytest.mark.usefixtures("engine_ready")
def test_the_cpu_build_disables_the_choice_and_says_why(
    window_factory: Callable[[], MainWindow], requests_made: list[TranscriptionRequest], qasync_loop, tmp_path: Path
) -> None:
    window = window_factory()
    options = window.options_panel
    options.set_engine("whisper.cpp")
    combo = options.coreml_units_combo
    assert not combo.isEnabled()
    assert combo.toolTip() == NO_COREML_REASON.format(engine="whisper.cpp")
    assert options.job_settings().coreml_compute_units is None

    options.align_check.setChecked(False)
    assert drop_paths(window.drop_zone, [copy_to(JFK_WAV, tmp_path / "media" / "jfk.wav")]) == (True, True)
    job = window.queue.jobs()[0]
    wait_until(qasync_loop, lambda: job.status.is_over, JOB_TIMEOUT_SECONDS, "the job ends")
    assert job.status is JobStatus.DONE, f"{job.message}\n{job.details}"
    assert [request.coreml_compute_units for request in requests_made] == [None]
    assert "encoder" not in job.message.lower()


@pytest.mark.usefixtures("engine_ready")
def test_a_core_ml_build_takes_the_choice_into_the_request_and_says_where_the_encoder_ran(
    window_factory: Callable[[], MainWindow],
    fake_coreml_build: Path,
    requests_made: list[TranscriptionRequest],
    qasync_loop,
    tmp_path: Path,
) -> None:
    window = window_factory()
    options = window.options_panel
    options.set_engine("whisper.cpp")
    assert options.coreml_units_combo.isEnabled(), options.coreml_units_combo.toolTip()
    assert options.coreml_compute_units() is CoreMLComputeUnits.ALL
    _choose(window, CoreMLComputeUnits.CPU_AND_NEURAL_ENGINE)
    options.align_check.setChecked(False)

    assert drop_paths(window.drop_zone, [copy_to(JFK_WAV, tmp_path / "media" / "jfk.wav")]) == (True, True)
    job = window.queue.jobs()[0]
    wait_until(qasync_loop, lambda: job.status.is_over, JOB_TIMEOUT_SECONDS, "the job ends")
    assert job.status is JobStatus.DONE, f"{job.message}\n{job.details}"
    assert [request.coreml_compute_units for request in requests_made] == [CoreMLComputeUnits.CPU_AND_NEURAL_ENGINE]
    assert compute_units_log(fake_coreml_build).read_text(encoding="utf-8").splitlines() == ["cpu_and_ne"]
    assert "The encoder ran on Core ML." in job.message
    run_loop_for(qasync_loop, 0.1)
    assert "The encoder ran on Core ML." in window.details_panel.message_label.text()


@pytest.mark.usefixtures("fake_coreml_build")
def test_an_engine_that_cannot_run_here_takes_no_choice(window_factory: Callable[[], MainWindow]) -> None:
    options = window_factory().options_panel
    options.set_engine("whisperkit")  # Core ML models, but only on a Mac with Apple Silicon
    assert not options.coreml_units_combo.isEnabled()
    assert (
        options.coreml_units_combo.toolTip() == "WhisperKit cannot run here, so there is no Core ML encoder to place."
    )
    assert options.job_settings().coreml_compute_units is None
    options.set_engine("whisper.cpp")
    assert options.coreml_units_combo.isEnabled()


@pytest.mark.usefixtures("fake_coreml_build")
def test_the_choice_is_remembered(window_factory: Callable[[], MainWindow], qasync_loop) -> None:
    first = window_factory()
    first.options_panel.set_engine("whisper.cpp")
    _choose(first, CoreMLComputeUnits.CPU_ONLY)
    first.close()
    second = window_factory()
    run_loop_for(qasync_loop, 0.1)
    assert second.options_panel.coreml_compute_units() is CoreMLComputeUnits.CPU_ONLY
    assert second.options_panel.job_settings().coreml_compute_units is CoreMLComputeUnits.CPU_ONLY
