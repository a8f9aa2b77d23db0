"""How long each engine may stay silent before the runner stops it, and that the runner asks the adapter."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from metavis_gui.engines.faster_whisper_adapter import FasterWhisperAdapter
from metavis_gui.engines.openai_whisper_adapter import OpenAIWhisperAdapter
from metavis_gui.engines.python_engine import PythonEngine
from metavis_gui.engines.stall_timeouts import (
    PYTHON_ENGINE_STALL_TIMEOUT_SECONDS,
    WHISPER_CPP_COREML_STALL_TIMEOUT_SECONDS,
    WHISPER_CPP_STALL_TIMEOUT_SECONDS,
    python_engine_stall_timeout,
)
from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter
from metavis_gui.engines.whisper_cpp_binary import WhisperCppBinary
from metavis_gui.jobs.event_loop import run_on_asyncio_loop
from metavis_gui.jobs.transcription_pipeline import JobListener, run_transcription
from metavis_gui.jobs.transcription_request import TranscriptionFailed, TranscriptionRequest
from metavis_gui.models.ct2_to_openai_whisper import default_ct2_model_dir
from metavis_gui.models.model_store import WHISPER_MODEL_NAMES
from tests.conftest import JFK_WAV
from tests.support.fault_injection.fake_engines import write_fake_engine

PYTHON_ENGINE = PythonEngine(distribution="unused", version="0", python=Path(sys.executable))
SIZES_SMALL_TO_LARGE = ("tiny.en", "small", "medium", "large-v3")


def test_whisper_cpp_waits_longer_only_when_core_ml_compiles_an_encoder(tmp_path: Path) -> None:
    model = tmp_path / "ggml-base.en.bin"
    model.write_bytes(b"")
    coreml_build = WhisperCppAdapter(
        WhisperCppBinary(path=Path("whisper-cli"), version="1.8.5", coreml=True, origin="bundled")
    )
    cpu_build = WhisperCppAdapter(
        WhisperCppBinary(path=Path("whisper-cli"), version="1.8.5", coreml=False, origin="built")
    )
    assert coreml_build.stall_timeout_seconds(model) == WHISPER_CPP_STALL_TIMEOUT_SECONDS, "no encoder: CPU encoder"
    (tmp_path / "ggml-base.en-encoder.mlmodelc").mkdir()
    assert coreml_build.stall_timeout_seconds(model) == WHISPER_CPP_COREML_STALL_TIMEOUT_SECONDS > 600
    assert cpu_build.stall_timeout_seconds(model) == WHISPER_CPP_STALL_TIMEOUT_SECONDS


def sparse_file(path: Path, size: int) -> Path:
    """A file of that size taking no disk space: only its size is read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def test_whisper_cpp_keeps_ten_minutes_whatever_the_model(tmp_path: Path) -> None:
    adapter = WhisperCppAdapter(
        WhisperCppBinary(path=Path("whisper-cli"), version="1.8.5", coreml=False, origin="PATH")
    )
    assert WHISPER_CPP_STALL_TIMEOUT_SECONDS == 600
    for name in SIZES_SMALL_TO_LARGE:
        assert adapter.stall_timeout_seconds(tmp_path / f"ggml-{name}.bin") == WHISPER_CPP_STALL_TIMEOUT_SECONDS


def test_python_engines_wait_longer_and_longer_the_larger_the_model(tmp_path: Path) -> None:
    openai_whisper = OpenAIWhisperAdapter(PYTHON_ENGINE)
    faster_whisper = FasterWhisperAdapter(PYTHON_ENGINE)
    by_checkpoint = [openai_whisper.stall_timeout_seconds(tmp_path / f"{name}.pt") for name in SIZES_SMALL_TO_LARGE]
    by_folder = [faster_whisper.stall_timeout_seconds(tmp_path / name) for name in SIZES_SMALL_TO_LARGE]
    assert by_checkpoint == by_folder
    assert by_checkpoint[0] == PYTHON_ENGINE_STALL_TIMEOUT_SECONDS > WHISPER_CPP_STALL_TIMEOUT_SECONDS
    assert by_checkpoint == sorted(set(by_checkpoint)), "each larger size waits longer"
    assert by_checkpoint[-1] >= 2 * 3600, "large models on a slow CPU may decode one window for many minutes"
    assert python_engine_stall_timeout("large-v3-turbo", None) < python_engine_stall_timeout("large-v3", None)
    for name in WHISPER_MODEL_NAMES:  # a published model is judged by its name, whatever its weights weigh
        assert python_engine_stall_timeout(name, 1) == python_engine_stall_timeout(name, None), name


def test_a_model_known_only_by_its_weights_is_judged_by_their_size(tmp_path: Path) -> None:
    openai_whisper = OpenAIWhisperAdapter(PYTHON_ENGINE)
    faster_whisper = FasterWhisperAdapter(PYTHON_ENGINE)
    small_sized = openai_whisper.stall_timeout_seconds(sparse_file(tmp_path / "my-fine-tune.pt", 484_000_000))
    assert small_sized == openai_whisper.stall_timeout_seconds(tmp_path / "small.pt")
    large_folder = tmp_path / "faster-whisper-large-v3"
    sparse_file(large_folder / "model.bin", 3_090_000_000)
    assert faster_whisper.stall_timeout_seconds(large_folder) == faster_whisper.stall_timeout_seconds(
        tmp_path / "large-v3"
    )
    # The shipped tiny.en folder is called "model": its weights say it is tiny.
    assert faster_whisper.stall_timeout_seconds(default_ct2_model_dir()) == PYTHON_ENGINE_STALL_TIMEOUT_SECONDS
    assert python_engine_stall_timeout("mystery", None) == python_engine_stall_timeout("large-v3", None)


def process_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


def run_hanging_engine(request: TranscriptionRequest) -> tuple[TranscriptionFailed, float, list[int]]:
    started: list[int] = []
    began = time.monotonic()
    with pytest.raises(TranscriptionFailed) as failure:
        run_on_asyncio_loop(run_transcription(request, JobListener(process_started=started.append)))
    return failure.value, time.monotonic() - began, started


@pytest.mark.usefixtures("engine_ready")
def test_the_runner_stops_a_silent_engine_after_the_time_its_adapter_declares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHISPERCPP_BIN", str(write_fake_engine(tmp_path, "hanging")))
    asked: list[Path] = []

    def one_second(adapter: WhisperCppAdapter, model_path: Path) -> float:
        asked.append(model_path)
        return 1.0

    monkeypatch.setattr(WhisperCppAdapter, "stall_timeout_seconds", one_second)
    request = TranscriptionRequest(input_path=JFK_WAV, output_dir=tmp_path / "out")
    assert request.stall_timeout_seconds is None

    failure, seconds, started = run_hanging_engine(request)
    assert "whisper.cpp stopped responding" in failure.message and "printed nothing for 1 s" in failure.message
    assert seconds < 20, "the engine's own 1 s, not the 600 s whisper.cpp normally gets"
    assert [path.name for path in asked] == ["ggml-tiny.en.bin"]
    assert started and all(process_is_gone(pid) for pid in started)
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("engine_ready")
def test_a_timeout_given_with_the_request_wins_over_the_adapters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHISPERCPP_BIN", str(write_fake_engine(tmp_path, "hanging")))
    monkeypatch.setattr(WhisperCppAdapter, "stall_timeout_seconds", lambda adapter, model_path: 3600.0)
    request = TranscriptionRequest(input_path=JFK_WAV, output_dir=tmp_path / "out", stall_timeout_seconds=1.5)
    failure, seconds, _ = run_hanging_engine(request)
    assert "printed nothing for 1.5 s" in failure.message
    assert seconds < 20
