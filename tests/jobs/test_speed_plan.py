"""How a run is planned for speed: engine processes side by side, and whether VAD skips non-speech."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metavis_gui.jobs.engine_stage import planned_part_count
from metavis_gui.jobs.silence_skipping import AUTO_VAD_MIN_SECONDS, skips_non_speech
from metavis_gui.jobs.transcription_request import TranscriptionRequest, VadMode


def _model(tmp_path: Path, size: int) -> Path:
    path = tmp_path / f"ggml-{size}.bin"
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def _request(tmp_path: Path, **changes: object) -> TranscriptionRequest:
    return TranscriptionRequest(input_path=tmp_path / "a.wav", output_dir=tmp_path / "out", **changes)


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)


@pytest.mark.usefixtures("two_cores")
def test_whisper_cpp_runs_long_audio_as_one_single_threaded_process_per_core(tmp_path: Path) -> None:
    tiny = _model(tmp_path, 75_000_000)
    assert planned_part_count(_request(tmp_path, threads=2), tiny, 300) == 2
    assert planned_part_count(_request(tmp_path, threads=8), tiny, 300) == 2, "never more processes than cores"
    assert planned_part_count(_request(tmp_path, threads=2), tiny, 100) == 1, "parts of a minute at least"
    assert planned_part_count(_request(tmp_path, threads=1), tiny, 300) == 1


@pytest.mark.usefixtures("two_cores")
def test_other_engines_big_models_and_an_explicit_count(tmp_path: Path) -> None:
    tiny = _model(tmp_path, 75_000_000)
    assert planned_part_count(_request(tmp_path, threads=2, engine="faster-whisper"), tiny, 300) == 1
    assert planned_part_count(_request(tmp_path, threads=2), _model(tmp_path, 1_600_000_000), 300) == 1
    assert planned_part_count(_request(tmp_path, threads=2, engine_processes=3), tiny, 35) == 3
    assert planned_part_count(_request(tmp_path, threads=2, engine_processes=3), tiny, 15) == 1


def test_vad_is_auto_by_default_so_only_long_media_on_whisper_cpp_skips_non_speech(tmp_path: Path) -> None:
    long_media = AUTO_VAD_MIN_SECONDS + 1
    assert skips_non_speech(_request(tmp_path), long_media)
    assert not skips_non_speech(_request(tmp_path), AUTO_VAD_MIN_SECONDS - 1)
    assert skips_non_speech(_request(tmp_path, vad=VadMode.ON), 5)
    assert not skips_non_speech(_request(tmp_path, vad=VadMode.OFF), long_media)
    assert not skips_non_speech(_request(tmp_path, engine="faster-whisper", vad=VadMode.ON), long_media)
