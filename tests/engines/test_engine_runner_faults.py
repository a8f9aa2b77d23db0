"""The Python engines' runners failing in every way the job runner must survive: a crash, a hang, garbage,
an error line with exit code 0, a cancel. A fake interpreter stands in for the runner (tests/support/fault_injection);
the real runners' own failures (bad model, bad audio) are in test_engine_openai_whisper.py and
test_engine_faster_whisper.py.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from metavis_gui.engines import engine_table
from metavis_gui.engines.faster_whisper_adapter import FasterWhisperAdapter
from metavis_gui.engines.openai_whisper_adapter import OpenAIWhisperAdapter
from metavis_gui.engines.python_engine import PythonEngine
from metavis_gui.jobs.event_loop import run_on_asyncio_loop
from metavis_gui.jobs.transcription_pipeline import JobListener, run_transcription
from metavis_gui.jobs.transcription_request import TranscriptionFailed, TranscriptionRequest
from metavis_gui.models.ct2_to_openai_whisper import install_default_openai_whisper_model
from tests.conftest import JFK_WAV
from tests.support.fault_injection.fake_engine_runners import write_fake_runner_python

ADAPTER_BY_ENGINE = {"openai-whisper": OpenAIWhisperAdapter, "faster-whisper": FasterWhisperAdapter}
pytestmark = pytest.mark.parametrize("engine", tuple(ADAPTER_BY_ENGINE))

InstallFakeRunner = Callable[[str], None]


@pytest.fixture(scope="module", autouse=True)
def _default_models_installed() -> None:
    install_default_openai_whisper_model()


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the job makes its work folder, to see that nothing is left in it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def install_fake_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> InstallFakeRunner:
    def install(behaviour: str) -> None:
        python = write_fake_runner_python(tmp_path, behaviour)

        def locate(distribution: str, required_modules: object, install_hint: str) -> PythonEngine:
            return PythonEngine(distribution=distribution, version="0", python=python)

        monkeypatch.setattr(engine_table, "locate_python_engine", locate)

    return install


def failed_job(
    engine: str, out_dir: Path, stall_timeout_seconds: float | None = 60
) -> tuple[TranscriptionFailed, list[int]]:
    request = TranscriptionRequest(
        input_path=JFK_WAV, output_dir=out_dir, engine=engine, stall_timeout_seconds=stall_timeout_seconds
    )
    started: list[int] = []
    with pytest.raises(TranscriptionFailed) as failure:
        run_on_asyncio_loop(run_transcription(request, JobListener(process_started=started.append)))
    assert not out_dir.exists(), "a failed job must write nothing"
    return failure.value, started  # the runner, and the aligner started beside it


def process_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


def test_a_crashing_runner_is_reported(
    engine: str, install_fake_runner: InstallFakeRunner, private_tmp: Path, tmp_path: Path
) -> None:
    install_fake_runner("crashing")
    failure, _ = failed_job(engine, tmp_path / "out")
    assert f"{engine} crashed" in failure.message
    assert "fake runner pid" in failure.details
    assert list(private_tmp.iterdir()) == []


def test_a_silent_runner_is_stopped_after_its_adapters_stall_timeout(
    engine: str, install_fake_runner: InstallFakeRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_runner("hanging")
    asked: list[Path] = []

    def one_second(adapter: object, model_path: Path) -> float:
        asked.append(model_path)
        return 1.0

    monkeypatch.setattr(ADAPTER_BY_ENGINE[engine], "stall_timeout_seconds", one_second)
    began = time.monotonic()
    failure, pids = failed_job(engine, tmp_path / "out", stall_timeout_seconds=None)
    assert f"{engine} stopped responding" in failure.message and "printed nothing for 1 s" in failure.message
    assert time.monotonic() - began < 20, "the adapter's 1 s, not the python engines' 20 minutes"
    assert len(asked) == 1
    assert all(process_is_gone(pid) for pid in pids)


def test_garbage_output_is_reported(engine: str, install_fake_runner: InstallFakeRunner, tmp_path: Path) -> None:
    install_fake_runner("garbage-writing")
    failure, _ = failed_job(engine, tmp_path / "out")
    assert "not valid JSON" in failure.message


def test_an_error_line_with_exit_code_zero_is_a_failure(
    engine: str, install_fake_runner: InstallFakeRunner, tmp_path: Path
) -> None:
    install_fake_runner("error-printing")
    failure, _ = failed_job(engine, tmp_path / "out")
    assert f"{engine} produced no transcript" in failure.message and "ffmpeg vanished" in failure.message


def test_cancelling_the_job_kills_the_runner_and_leaves_nothing(
    engine: str, install_fake_runner: InstallFakeRunner, private_tmp: Path, tmp_path: Path
) -> None:
    install_fake_runner("hanging")
    started: list[int] = []

    async def cancel_once_the_runner_runs() -> None:
        request = TranscriptionRequest(input_path=JFK_WAV, output_dir=tmp_path / "out", engine=engine)
        job = asyncio.ensure_future(run_transcription(request, JobListener(process_started=started.append)))
        while not started:  # JFK's WAV is already engine audio: copied, not decoded, so the runner comes first
            await asyncio.sleep(0.05)
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job

    run_on_asyncio_loop(cancel_once_the_runner_runs())
    assert started and all(process_is_gone(pid) for pid in started)
    assert list(private_tmp.iterdir()) == []
    assert not (tmp_path / "out").exists()
