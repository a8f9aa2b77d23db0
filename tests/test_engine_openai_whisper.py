"""openai-whisper end to end: the real `whisper` command, the converted tiny.en, real speech, real failures."""

from __future__ import annotations

import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

from metavis_gui import cli
from metavis_gui.engines.engine_command import TranscriptionSettings
from metavis_gui.engines.engine_registry import create_engine_adapter, resolve_model_path
from metavis_gui.engines.errors import EngineFailed, EngineNotFound, ModelMissing
from metavis_gui.engines.openai_whisper_adapter import OpenAIWhisperAdapter
from metavis_gui.models.ct2_to_openai_whisper import INSTALL_COMMAND, install_default_openai_whisper_model
from tests.conftest import JFK_REFERENCE, JFK_WAV, run_ffmpeg
from tests.test_engines_cross_check import (
    check_jfk_transcript,
    children_of,
    is_alive,
    jfk_transcript_dir,
    live_processes,
    run_engine_command,
    start_generate_in_child,
)
from tests.transcript_checks import word_error_rate

ENGINE = "openai-whisper"


@pytest.fixture(scope="module")
def model_path() -> Path:
    return install_default_openai_whisper_model()


@pytest.fixture(scope="module")
def adapter() -> OpenAIWhisperAdapter:
    made = create_engine_adapter(ENGINE)
    assert isinstance(made, OpenAIWhisperAdapter)
    return made


def test_the_command_transcribes_jfk(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    out_dir = jfk_transcript_dir(ENGINE, tmp_path_factory)
    check_jfk_transcript(out_dir, {"name": "openai-whisper", "version": "20250625", "model": "tiny.en"})


def test_progress_comes_from_its_tqdm_bar_and_the_json_is_read(
    adapter: OpenAIWhisperAdapter, model_path: Path, tmp_path: Path
) -> None:
    settings = TranscriptionSettings(audio_path=JFK_WAV, model_path=model_path, language=None, threads=2)
    command, completed = run_engine_command(adapter, settings, tmp_path / "work")
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert command.arguments[:2] == ("-m", "whisper")
    assert "--fp16" in command.arguments and "False" in command.arguments
    lines = completed.stderr.replace("\r", "\n").splitlines()
    fractions = [fraction for line in lines if (fraction := adapter.progress_fraction(line)) is not None]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0, fractions
    assert fractions == sorted(fractions)
    transcript = adapter.read_result(command, completed.returncode, completed.stderr)
    assert transcript.language == "en"
    assert word_error_rate(JFK_REFERENCE, " ".join(word.text for word in transcript.words)) <= 0.10
    assert all(0.0 < word.confidence <= 1.0 for word in transcript.words)
    assert command.output_path == tmp_path / "work" / "openai-whisper-output" / "jfk.json"


def test_tqdm_lines_parse() -> None:
    assert OpenAIWhisperAdapter.progress_fraction(" 45%|████▌     | 500/1100 [00:01<00:01, 400.00frames/s]") == (
        pytest.approx(500 / 1100)
    )
    assert OpenAIWhisperAdapter.progress_fraction("  0%|          | 0/1100 [00:00<?, ?frames/s]") == 0.0
    assert OpenAIWhisperAdapter.progress_fraction("Detected language: English") is None


def test_unreadable_audio_exits_0_but_is_a_failure(
    adapter: OpenAIWhisperAdapter, model_path: Path, tmp_path: Path
) -> None:
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("this is not audio\n", encoding="utf-8")
    settings = TranscriptionSettings(audio_path=not_audio, model_path=model_path, threads=1)
    command, completed = run_engine_command(adapter, settings, tmp_path / "work")
    assert completed.returncode == 0, "openai-whisper hides per-file errors behind exit code 0"
    with pytest.raises(EngineFailed, match="could not read the audio") as failure:
        adapter.read_result(command, completed.returncode, completed.stderr)
    assert "Invalid data found" in str(failure.value)


def test_a_damaged_checkpoint_is_reported_as_corrupt(
    model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "damaged.pt"
    damaged.write_bytes(model_path.read_bytes()[: 1 << 20])
    generate = ["transcript", "generate", "--input", str(JFK_WAV), "--out", str(tmp_path / "out"), "--quiet"]
    assert cli.main([*generate, "--engine", ENGINE, "--model", str(damaged)]) == cli.EXIT_FAILED
    error = capsys.readouterr().err
    assert f"openai-whisper could not load the model {damaged}" in error
    assert "Download or convert it again" in error
    assert not (tmp_path / "out").exists()


def test_models_resolve_by_name_or_path(model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_model_path(ENGINE, "tiny.en") == model_path
    assert resolve_model_path(ENGINE, None) == model_path
    assert resolve_model_path(ENGINE, str(model_path)) == model_path
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelMissing, match=INSTALL_COMMAND):
        resolve_model_path(ENGINE, "tiny.en")
    with pytest.raises(ModelMissing, match="model manager"):
        resolve_model_path(ENGINE, "base.en")
    with pytest.raises(ModelMissing, match="no such openai-whisper model file"):
        resolve_model_path(ENGINE, str(tmp_path / "nowhere.pt"))


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find the engine and its children")
def test_cancel_while_it_decodes_leaves_no_process_behind(model_path: Path, tmp_path: Path) -> None:
    """Ctrl-C while openai-whisper's own ffmpeg child runs: whisper dies, and so does its ffmpeg."""
    long_audio = tmp_path / "jfk-30min.wav"
    run_ffmpeg("-stream_loop", "163", "-i", str(JFK_WAV), "-c:a", "pcm_s16le", str(long_audio))
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    process = start_generate_in_child(long_audio, tmp_path / "out", ENGINE, private_tmp)
    try:
        deadline = time.monotonic() + 120
        engine_pid, decoder = None, []
        while not decoder and time.monotonic() < deadline and process.poll() is None:
            engine_pid = engine_pid or next(
                iter(live_processes("whisper", "--word_timestamps", str(private_tmp))), None
            )
            decoder = children_of(engine_pid) if engine_pid else []
            time.sleep(0.002)
        assert engine_pid and decoder, "openai-whisper should be decoding with its ffmpeg child by now"
        process.send_signal(signal.SIGINT)
        remaining = process.communicate(timeout=30)[1]
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == cli.EXIT_INTERRUPTED, remaining
    time.sleep(1.0)  # ffmpeg notices its reader is gone on its next write
    assert not is_alive(engine_pid)
    assert [pid for pid in decoder if is_alive(pid)] == [], "whisper's ffmpeg outlived it"
    assert list(private_tmp.iterdir()) == []
    assert not (tmp_path / "out").exists()


def test_without_ffmpeg_on_path_it_says_so(
    adapter: OpenAIWhisperAdapter, model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("ffmpeg") is None
    settings = TranscriptionSettings(audio_path=JFK_WAV, model_path=model_path)
    with pytest.raises(EngineNotFound, match="no ffmpeg is on PATH"):
        adapter.build_command(settings, tmp_path)
