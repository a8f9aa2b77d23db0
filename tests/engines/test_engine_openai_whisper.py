"""openai-whisper end to end: our runner module in a real child process, the converted tiny.en, real speech,
real failures. The runner's live-output tap is tested in test_openai_whisper_runner.py, faults a real
engine cannot be made to show (crash, hang, garbage) in test_engine_runner_faults.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from metavis_gui import cli
from metavis_gui.engines import openai_whisper_adapter, openai_whisper_runner
from metavis_gui.engines.engine_command import LiveSegment, TranscriptionSettings
from metavis_gui.engines.engine_table import create_engine_adapter, resolve_model_path
from metavis_gui.engines.errors import EngineFailed, EngineNotFound, ModelMissing
from metavis_gui.engines.openai_whisper_adapter import OpenAIWhisperAdapter
from metavis_gui.engines.runner_protocol import EXIT_AUDIO_FAILED
from metavis_gui.jobs.transcription_pipeline import JobListener, run_transcription
from metavis_gui.jobs.transcription_request import AlignMode, JobProgress, JobStage, TranscriptionRequest
from metavis_gui.models.ct2_to_openai_whisper import install_default_openai_whisper_model
from metavis_gui.models.openai_whisper_store import INSTALL_COMMAND
from metavis_gui.ui.qt_event_loop import run_on_qt_loop
from tests.conftest import JFK_REFERENCE, JFK_WAV, run_ffmpeg
from tests.engines.test_engines_cross_check import (
    check_jfk_transcript,
    children_of,
    is_alive,
    jfk_transcript_dir,
    live_processes,
    run_engine_command,
    start_generate_in_child,
)
from tests.support.transcript_checks import read_valid_words, word_error_rate

ENGINE = "openai-whisper"
# jfk.wav's words and ticks as `python -m whisper` (openai-whisper 20250625, --word_timestamps True, 2 threads)
# gave them to the adapter before it ran our runner. openai-whisper rounds times to 10 ms = 600 ticks.
WORD_TICKS_FROM_THE_WHISPER_COMMAND = (
    ("And", 0, 42000), ("so,", 42000, 61200), ("my", 61200, 73200), ("fellow", 73200, 99600),
    ("Americans", 99600, 130800), ("ask", 130800, 230400), ("not", 230400, 270000), ("what", 270000, 339600),
    ("your", 339600, 356400), ("country", 356400, 379200), ("can", 379200, 400800), ("do", 400800, 416400),
    ("for", 416400, 432000), ("you", 432000, 474000), ("ask", 474000, 518400), ("what", 518400, 534000),
    ("you", 534000, 550800), ("can", 550800, 565200), ("do", 565200, 580800), ("for", 580800, 595200),
    ("your", 595200, 606000), ("country.", 606000, 626400),
)  # fmt: skip


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


def test_the_runner_streams_progress_and_segments_and_writes_the_json(
    adapter: OpenAIWhisperAdapter, model_path: Path, tmp_path: Path
) -> None:
    settings = TranscriptionSettings(audio_path=JFK_WAV, model_path=model_path, language=None, threads=2)
    command, completed = run_engine_command(adapter, settings, tmp_path / "work")
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert command.arguments[:2] == ("-m", "metavis_gui.engines.openai_whisper_runner")
    assert "--no-fp16" in command.arguments
    assert openai_whisper_runner.TAP_WARNING not in completed.stderr
    fractions = [f for line in completed.stderr.splitlines() if (f := adapter.progress_fraction(line)) is not None]
    # The runner never prints 100 % itself: the last one comes from whisper's own progress, through the tap.
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions), fractions
    segments = [s for line in completed.stdout.splitlines() if (s := adapter.live_segment(line)) is not None]
    assert len(segments) >= 2, completed.stdout
    assert segments[0].start_seconds == 0.0 and segments[-1].end_seconds > 9.0
    assert word_error_rate(JFK_REFERENCE, " ".join(segment.text for segment in segments)) <= 0.10
    transcript = adapter.read_result(command, completed.returncode, completed.stderr)
    assert transcript.language == "en"
    assert word_error_rate(JFK_REFERENCE, " ".join(word.text for word in transcript.words)) <= 0.10
    assert all(0.0 < word.confidence <= 1.0 for word in transcript.words)
    assert transcript.words[-1].segment_index == len(segments) - 1
    assert command.output_path == tmp_path / "work" / "openai-whisper-output.json"


def test_the_job_shows_rising_progress_and_live_text_before_it_ends_and_keeps_the_word_times(
    model_path: Path, tmp_path: Path
) -> None:
    events: list[JobProgress | LiveSegment] = []
    # The engine's own word times are what this test compares, so the aligner stays out.
    request = TranscriptionRequest(
        input_path=JFK_WAV, output_dir=tmp_path / "out", engine=ENGINE, threads=2, align=AlignMode.OFF
    )
    run_on_qt_loop(run_transcription(request, JobListener(progressed=events.append, segment_recognised=events.append)))

    transcribing = [e for e in events if isinstance(e, JobProgress) and e.stage == JobStage.TRANSCRIBING]
    fractions = [progress.stage_fraction for progress in transcribing]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0, fractions
    assert any(0.0 < fraction < 1.0 for fraction in fractions), fractions
    segments = [event for event in events if isinstance(event, LiveSegment)]
    assert segments and events.index(segments[0]) < events.index(transcribing[-1]), "no live text before the end"
    assert word_error_rate(JFK_REFERENCE, " ".join(segment.text for segment in segments)) <= 0.10

    records = read_valid_words(tmp_path / "out")
    assert word_error_rate(JFK_REFERENCE, " ".join(record.word for record in records)) <= 0.10
    assert [record.word for record in records] == [word for word, _, _ in WORD_TICKS_FROM_THE_WHISPER_COMMAND]
    for record, (word, start_ticks, end_ticks) in zip(records, WORD_TICKS_FROM_THE_WHISPER_COMMAND, strict=True):
        assert abs(record.source_time_ticks - start_ticks) <= 2, (word, record.source_time_ticks, start_ticks)
        assert abs(record.source_time_end_ticks - end_ticks) <= 2, (word, record.source_time_end_ticks, end_ticks)


def test_unreadable_audio_is_a_failure(adapter: OpenAIWhisperAdapter, model_path: Path, tmp_path: Path) -> None:
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("this is not audio\n", encoding="utf-8")
    settings = TranscriptionSettings(audio_path=not_audio, model_path=model_path, threads=1)
    command, completed = run_engine_command(adapter, settings, tmp_path / "work")
    assert completed.returncode == EXIT_AUDIO_FAILED, completed.stderr[-2000:]
    with pytest.raises(EngineFailed, match="could not read the audio") as failure:
        adapter.read_result(command, completed.returncode, completed.stderr)
    assert "Invalid data found" in str(failure.value)
    assert not command.output_path.exists()


def test_ffmpeg_gone_by_the_time_the_runner_reads_the_audio_is_reported(
    adapter: OpenAIWhisperAdapter, model_path: Path, tmp_path: Path
) -> None:
    settings = TranscriptionSettings(audio_path=JFK_WAV, model_path=model_path, threads=1)
    command = adapter.build_command(settings, tmp_path)
    without_ffmpeg = {**os.environ, "PATH": str(tmp_path)}
    completed = subprocess.run(
        [str(command.program), *command.arguments],
        capture_output=True,
        text=True,
        env=without_ffmpeg,
        timeout=240,
        check=False,
    )
    with pytest.raises(EngineNotFound, match="no ffmpeg is on PATH"):
        adapter.read_result(command, completed.returncode, completed.stderr)


def test_a_published_checkpoint_goes_by_name_for_its_tuned_alignment_heads(
    adapter: OpenAIWhisperAdapter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "openai-whisper"
    store.mkdir()
    (store / "base.en.pt").write_bytes(b"stands in for the published checkpoint")
    monkeypatch.setattr(openai_whisper_adapter, "_is_published_checkpoint", lambda path, name: True)
    settings = TranscriptionSettings(audio_path=JFK_WAV, model_path=store / "base.en.pt", language="de")
    command = adapter.build_command(settings, tmp_path)
    parsed = openai_whisper_runner.build_parser().parse_args(command.arguments[2:])
    assert (parsed.model, parsed.model_dir, parsed.language) == ("base.en", store, "en")
    assert (parsed.audio, parsed.output, parsed.fp16) == (JFK_WAV, command.output_path, False)


def test_a_damaged_checkpoint_is_reported_as_corrupt(
    model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "damaged.pt"
    damaged.write_bytes(model_path.read_bytes()[: 1 << 20])
    generate = ["transcript", "generate", "--input", str(JFK_WAV), "--out", str(tmp_path / "out"), "--quiet",
                "--write-adjacent-captions", "false"]
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
    """Ctrl-C while the runner's ffmpeg child (whisper.load_audio) runs: the runner dies, and so does its ffmpeg."""
    long_audio = tmp_path / "jfk-30min.wav"
    run_ffmpeg("-stream_loop", "163", "-i", str(JFK_WAV), "-c:a", "pcm_s16le", str(long_audio))
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    process = start_generate_in_child(long_audio, tmp_path / "out", ENGINE, private_tmp)
    try:
        deadline = time.monotonic() + 120
        engine_pid, decoder = None, []
        while not decoder and time.monotonic() < deadline and process.poll() is None:
            engine_pid = engine_pid or next(iter(live_processes("openai_whisper_runner", str(private_tmp))), None)
            decoder = children_of(engine_pid) if engine_pid else []
            time.sleep(0.002)
        assert engine_pid and decoder, "the runner should be decoding with its ffmpeg child by now"
        process.send_signal(signal.SIGINT)
        remaining = process.communicate(timeout=30)[1]
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == cli.EXIT_INTERRUPTED, remaining
    time.sleep(1.0)  # ffmpeg notices its reader is gone on its next write
    assert not is_alive(engine_pid)
    assert [pid for pid in decoder if is_alive(pid)] == [], "the runner's ffmpeg outlived it"
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
