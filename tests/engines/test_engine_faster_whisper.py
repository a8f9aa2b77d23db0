"""faster-whisper end to end: our runner module in a real child process, the shipped CTranslate2 tiny.en."""

from __future__ import annotations

import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

from metavis_gui import cli
from metavis_gui.engines.engine_command import TranscriptionSettings
from metavis_gui.engines.engine_table import create_engine_adapter, resolve_model_path
from metavis_gui.engines.errors import EngineFailed, ModelCorrupt, ModelMissing
from metavis_gui.engines.faster_whisper_adapter import FasterWhisperAdapter
from metavis_gui.models.ct2_to_openai_whisper import default_ct2_model_dir
from tests.conftest import JFK_REFERENCE, JFK_WAV
from tests.engines.test_engines_cross_check import (
    check_jfk_transcript,
    jfk_transcript_dir,
    live_processes,
    run_engine_command,
    start_generate_in_child,
)
from tests.support.transcript_checks import word_error_rate

ENGINE = "faster-whisper"


@pytest.fixture(scope="module")
def adapter() -> FasterWhisperAdapter:
    made = create_engine_adapter(ENGINE)
    assert isinstance(made, FasterWhisperAdapter)
    return made


def test_the_command_transcribes_jfk(tmp_path_factory: pytest.TempPathFactory) -> None:
    out_dir = jfk_transcript_dir(ENGINE, tmp_path_factory)
    check_jfk_transcript(out_dir, {"name": "faster-whisper", "version": "1.2.1", "model": "tiny.en"})


def test_the_runner_streams_progress_and_segments(adapter: FasterWhisperAdapter, tmp_path: Path) -> None:
    settings = TranscriptionSettings(audio_path=JFK_WAV, model_path=default_ct2_model_dir(), threads=2)
    command, completed = run_engine_command(adapter, settings, tmp_path)
    assert completed.returncode == 0, completed.stderr
    fractions = [f for line in completed.stderr.splitlines() if (f := adapter.progress_fraction(line)) is not None]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions), fractions
    assert any(0.0 < fraction < 1.0 for fraction in fractions), "progress must move with the segments"
    segments = [s for line in completed.stdout.splitlines() if (s := adapter.live_segment(line)) is not None]
    assert len(segments) >= 2
    assert segments[0].start_seconds == 0.0 and segments[-1].end_seconds > 9.0
    assert word_error_rate(JFK_REFERENCE, " ".join(segment.text for segment in segments)) <= 0.10
    transcript = adapter.read_result(command, completed.returncode, completed.stderr)
    assert transcript.language == "en"
    assert [word.text for word in transcript.words][:3] == ["And", "so,", "my"]
    assert transcript.words[-1].segment_index == len(segments) - 1


def test_models_resolve_by_name_or_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = default_ct2_model_dir()
    assert resolve_model_path(ENGINE, "tiny.en") == shipped
    assert resolve_model_path(ENGINE, None) == shipped
    assert resolve_model_path(ENGINE, str(shipped)) == shipped
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(tmp_path))
    stored = tmp_path / "faster-whisper" / "base.en"
    with pytest.raises(ModelMissing, match=r"faster-whisper model 'base.en' is not installed .*models download base.en --engine faster-whisper"):
        resolve_model_path(ENGINE, "base.en")
    stored.mkdir(parents=True)
    assert resolve_model_path(ENGINE, "base.en") == stored
    with pytest.raises(ModelMissing, match="no such folder"):
        resolve_model_path(ENGINE, str(tmp_path / "elsewhere" / "model"))


def test_an_incomplete_folder_is_refused_before_starting(adapter: FasterWhisperAdapter, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(default_ct2_model_dir(), folder)
    (folder / "tokenizer.json").unlink()
    settings = TranscriptionSettings(audio_path=JFK_WAV, model_path=folder)
    with pytest.raises(ModelCorrupt, match="tokenizer.json missing"):
        adapter.build_command(settings, tmp_path)


def test_a_damaged_model_is_reported_as_corrupt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "model"
    shutil.copytree(default_ct2_model_dir(), folder)
    with (folder / "model.bin").open("r+b") as handle:
        handle.truncate(1 << 20)
    generate = ["transcript", "generate", "--input", str(JFK_WAV), "--out", str(tmp_path / "out"), "--quiet"]
    assert cli.main([*generate, "--engine", ENGINE, "--model", str(folder)]) == cli.EXIT_FAILED
    error = capsys.readouterr().err
    assert "faster-whisper could not load its model" in error and str(folder) in error
    assert not (tmp_path / "out").exists()


def test_unreadable_audio_is_a_failure(adapter: FasterWhisperAdapter, tmp_path: Path) -> None:
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("this is not audio\n", encoding="utf-8")
    settings = TranscriptionSettings(audio_path=not_audio, model_path=default_ct2_model_dir(), threads=1)
    command, completed = run_engine_command(adapter, settings, tmp_path / "work")
    assert completed.returncode == 4
    with pytest.raises(EngineFailed, match="could not read the audio.*Invalid data"):
        adapter.read_result(command, completed.returncode, completed.stderr)
    assert not command.output_path.exists()


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find the runner")
def test_cancel_mid_transcription_kills_the_runner(long_speech_wav: Path, tmp_path: Path) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    process = start_generate_in_child(long_speech_wav, tmp_path / "out", ENGINE, private_tmp)
    assert process.stderr is not None
    try:
        for line in process.stderr:
            # A live segment: the runner is past loading and in the middle of transcribing.
            if line.lstrip().startswith("[") and "s]" in line:
                break
        else:
            pytest.fail(f"no live segment before the command ended: exit {process.wait()}")
        runners = live_processes("faster_whisper_runner", str(private_tmp))
        assert runners, "the runner should be transcribing now"
        process.send_signal(signal.SIGINT)
        remaining = process.communicate(timeout=30)[1]
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == cli.EXIT_INTERRUPTED, remaining
    deadline = time.monotonic() + 5
    while live_processes("faster_whisper_runner", str(private_tmp)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_processes("faster_whisper_runner", str(private_tmp)) == []
    assert list(private_tmp.iterdir()) == [], "the decoded audio and any partial JSON must be gone"
    assert not (tmp_path / "out").exists()
