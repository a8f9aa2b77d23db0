"""Every bad input ends in a clear message naming the file, no crash, and nothing half-written."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from metavis_gui import cli
from metavis_gui.jobs.transcription_pipeline import JobListener, run_transcription
from metavis_gui.jobs.transcription_request import TranscriptionFailed, TranscriptionRequest
from metavis_gui.ui.qt_event_loop import run_on_qt_loop
from tests.conftest import JFK_WAV, copy_to, run_ffmpeg
from tests.support.fault_injection.fake_engines import write_fake_engine
from tests.support.transcript_checks import read_valid_words

pytestmark = pytest.mark.usefixtures("engine_ready")


def generate(input_path: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["transcript", "generate", "--input", str(input_path), "--out", str(out_dir), "--quiet",
                     "--write-adjacent-captions", "false"])  # fmt: skip
    return code, capsys.readouterr().err


def assert_failed_cleanly(
    code: int, message: str, out_dir: Path, *expected: str, exit_code: int = cli.EXIT_FAILED
) -> None:
    assert code == exit_code, message
    for fragment in expected:
        assert fragment in message, message
    assert "Traceback" not in message
    assert not out_dir.exists(), "a failed job must write nothing"


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.wav"
    code, message = generate(missing, tmp_path / "out", capsys)
    assert_failed_cleanly(code, message, tmp_path / "out", str(missing), "no such file", exit_code=cli.EXIT_INPUT_UNREADABLE)


def test_zero_byte_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    code, message = generate(empty, tmp_path / "out", capsys)
    assert_failed_cleanly(code, message, tmp_path / "out", str(empty), "empty (0 bytes)", exit_code=cli.EXIT_INPUT_UNREADABLE)


def test_text_file_named_mp4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "notes.mp4"
    fake.write_text("these are my shooting notes, not a video\n" * 20)
    code, message = generate(fake, tmp_path / "out", capsys)
    assert_failed_cleanly(code, message, tmp_path / "out", str(fake), "not a media file", exit_code=cli.EXIT_INPUT_UNREADABLE)


def test_truncated_video(tmp_path: Path, jfk_mp4: Path, capsys: pytest.CaptureFixture[str]) -> None:
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(jfk_mp4.read_bytes()[: jfk_mp4.stat().st_size // 3])
    code, message = generate(truncated, tmp_path / "out", capsys)
    assert_failed_cleanly(code, message, tmp_path / "out", str(truncated), exit_code=cli.EXIT_INPUT_UNREADABLE)


def test_video_without_audio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    silent_film = tmp_path / "b-roll.mp4"
    run_ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2", "-c:v", "libx264", str(silent_film))
    code, message = generate(silent_film, tmp_path / "out", capsys)
    assert_failed_cleanly(code, message, tmp_path / "out", str(silent_film), "no audio stream", exit_code=cli.EXIT_INPUT_UNREADABLE)


def test_silence_gives_an_empty_transcript_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    silence = tmp_path / "room tone.wav"
    run_ffmpeg("-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "10", str(silence))
    code, message = generate(silence, tmp_path / "out", capsys)
    assert code == 0, message
    assert "No speech found" in message and "room tone.wav" in message
    assert read_valid_words(tmp_path / "out") == []
    assert (tmp_path / "out" / "transcript.words.v1.jsonl").read_bytes() == b""


@pytest.mark.parametrize("name", ["my clip with spaces.wav", "interview-Zoë-東京.wav", "-starts-with-dash.wav"])
def test_awkward_paths(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    media = copy_to(JFK_WAV, tmp_path / "in folder with spaces" / name)
    out_dir = tmp_path / "out – ünïcode"
    code, message = generate(media, out_dir, capsys)
    assert code == 0, message
    assert len(read_valid_words(out_dir)) >= 18


def test_missing_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WHISPERCPP_BIN", str(tmp_path / "no-such-whisper-cli"))
    code, message = generate(JFK_WAV, tmp_path / "out", capsys)
    assert_failed_cleanly(code, message, tmp_path / "out", "no-such-whisper-cli", "WHISPERCPP_BIN")


def test_corrupt_model(
    tmp_path: Path, default_model_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corrupt = tmp_path / "ggml-tiny.en.bin"
    corrupt.write_bytes(default_model_path.read_bytes()[:4_000_000])
    monkeypatch.setenv("WHISPERCPP_MODEL", str(corrupt))
    code, message = generate(JFK_WAV, tmp_path / "out", capsys)
    assert_failed_cleanly(code, message, tmp_path / "out", str(corrupt))


def test_missing_model_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        ["transcript", "generate", "--input", str(JFK_WAV), "--out", str(tmp_path / "out"), "--model", "medium.en"]
    )
    message = capsys.readouterr().err
    assert_failed_cleanly(code, message, tmp_path / "out", "medium.en")


def test_start_past_the_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        ["transcript", "generate", "--input", str(JFK_WAV), "--out", str(tmp_path / "out"), "--start-seconds", "60"]
    )
    message = capsys.readouterr().err
    assert_failed_cleanly(code, message, tmp_path / "out", "past its end", exit_code=cli.EXIT_INPUT_UNREADABLE)


def run_with_fake_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, behaviour: str, stall_timeout_seconds: float = 60
) -> tuple[TranscriptionFailed, list[int]]:
    monkeypatch.setenv("WHISPERCPP_BIN", str(write_fake_engine(tmp_path, behaviour)))
    request = TranscriptionRequest(
        input_path=JFK_WAV, output_dir=tmp_path / "out", stall_timeout_seconds=stall_timeout_seconds
    )
    started: list[int] = []
    with pytest.raises(TranscriptionFailed) as failure:
        run_on_qt_loop(run_transcription(request, JobListener(process_started=started.append)))
    assert not (tmp_path / "out").exists()
    return failure.value, started


def process_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


def test_crashing_engine_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failure, _ = run_with_fake_engine(tmp_path, monkeypatch, "crashing")
    assert "crashed" in failure.message
    assert "fake pid" in failure.details


def test_hanging_engine_is_killed_and_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failure, started = run_with_fake_engine(tmp_path, monkeypatch, "hanging", stall_timeout_seconds=1.5)
    assert "stopped responding" in failure.message
    assert started and all(process_is_gone(pid) for pid in started)


def test_garbage_output_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failure, _ = run_with_fake_engine(tmp_path, monkeypatch, "garbage-writing")
    assert "not valid JSON" in failure.message


def test_error_line_with_exit_code_zero_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failure, _ = run_with_fake_engine(tmp_path, monkeypatch, "error-printing")
    assert "failed to read audio file" in failure.message


def test_cancelling_the_job_kills_the_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHISPERCPP_BIN", str(write_fake_engine(tmp_path, "hanging")))
    started: list[int] = []

    async def cancel_once_the_engine_runs() -> None:
        request = TranscriptionRequest(input_path=JFK_WAV, output_dir=tmp_path / "out")
        job = asyncio.ensure_future(run_transcription(request, JobListener(process_started=started.append)))
        while not started:  # JFK's WAV is already engine audio: copied, not decoded, so the engine comes first
            await asyncio.sleep(0.05)
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job

    run_on_qt_loop(cancel_once_the_engine_runs())
    assert started and all(process_is_gone(pid) for pid in started)
    assert not (tmp_path / "out").exists()
