"""The aligner starts while the engine still runs (loading its model then), and never outlives its run."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from metavis_gui.align import alignment_runner
from metavis_gui.engines.runner_protocol import RunnerFailed
from metavis_gui.jobs.transcription_pipeline import JobListener, TranscriptionFailed, run_transcription
from metavis_gui.jobs.transcription_request import JobProgress, JobStage, TranscriptionRequest
from metavis_gui.ui.qt_event_loop import run_on_qt_loop
from tests.conftest import JFK_WAV
from tests.jobs.test_pipeline_bad_input import process_is_gone
from tests.support.fault_injection.fake_engines import write_fake_engine

pytestmark = pytest.mark.usefixtures("engine_ready")
JFK_WORDS = [
    {"text": text, "start_ticks": start, "end_ticks": end, "confidence": 0.9, "segment_index": 0}
    for text, start, end in [("And", 17400, 37800), ("so,", 37800, 56400), ("my", 56400, 73200)]
]


def _aligner(*arguments: str | Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "metavis_gui.align.alignment_runner", *map(str, arguments)]
    return subprocess.Popen(command, stderr=subprocess.PIPE, text=True)


def test_a_waiting_aligner_aligns_as_soon_as_its_words_appear_as_a_cold_one_does(tmp_path: Path) -> None:
    words = tmp_path / "words.json"
    common = ["--audio", JFK_WAV, "--words", words, "--language", "en", "--workers", "1"]
    waiting = _aligner(*common, "--out", tmp_path / "warm.json", "--wait-for-words", "60")
    time.sleep(1.5)  # long enough to have loaded: it must still be waiting, not failing on the missing file
    assert waiting.poll() is None, waiting.communicate()[1]
    partial = tmp_path / "words.json.part"
    partial.write_text(json.dumps({"words": JFK_WORDS}), encoding="utf-8")
    partial.rename(words)
    assert waiting.wait(timeout=60) == 0, waiting.communicate()[1]
    cold = _aligner(*common, "--out", tmp_path / "cold.json")
    assert cold.wait(timeout=60) == 0, cold.communicate()[1]
    warm_result = json.loads((tmp_path / "warm.json").read_text(encoding="utf-8"))
    assert warm_result == json.loads((tmp_path / "cold.json").read_text(encoding="utf-8"))
    assert warm_result["aligned_count"] == len(JFK_WORDS)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process table from /proc")
def test_a_waiting_aligner_reads_audio_that_appears_with_its_words_and_its_workers_end_with_it(
    tmp_path: Path,
) -> None:
    """Started before the audio is decoded, it must read the audio only once the words exist; its forked
    workers (two) leave no process behind in its group."""
    words, audio = tmp_path / "words.json", tmp_path / "audio.wav"
    command = [sys.executable, "-m", "metavis_gui.align.alignment_runner", "--audio", str(audio), "--words",
               str(words), "--language", "en", "--workers", "2", "--out", str(tmp_path / "warm.json"),
               "--wait-for-words", "60"]  # fmt: skip
    waiting = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(1.5)
    assert waiting.poll() is None, waiting.communicate()[1]
    audio.write_bytes(Path(JFK_WAV).read_bytes())
    partial = tmp_path / "words.json.part"
    partial.write_text(json.dumps({"words": JFK_WORDS}), encoding="utf-8")
    partial.rename(words)
    assert waiting.wait(timeout=60) == 0, waiting.communicate()[1]
    deadline = time.monotonic() + 10
    while _group_members(waiting.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _group_members(waiting.pid), "a forked worker outlived its aligner"
    cold = _aligner("--audio", JFK_WAV, "--words", words, "--language", "en", "--workers", "1",
                    "--out", tmp_path / "cold.json")  # fmt: skip
    assert cold.wait(timeout=60) == 0, cold.communicate()[1]
    warm_result = json.loads((tmp_path / "warm.json").read_text(encoding="utf-8"))
    assert warm_result == json.loads((tmp_path / "cold.json").read_text(encoding="utf-8"))


def _group_members(group: int) -> list[int]:
    """Live processes in a process group (zombies waiting for their reaper left out)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def test_waiting_says_it_is_alive_and_gives_up_at_its_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(alignment_runner, "HEARTBEAT_SECONDS", 0.05)
    later = tmp_path / "later.json"
    threading.Timer(0.3, later.write_text, ["{}"]).start()
    alignment_runner._wait_for(later, 10)
    assert alignment_runner.WAITING_LINE in capsys.readouterr().err
    with pytest.raises(RunnerFailed, match="no words file .* came within 0.2 s"):
        alignment_runner._wait_for(tmp_path / "never.json", 0.2)


def test_the_aligner_starts_while_the_engine_still_runs(tmp_path: Path) -> None:
    events: list[str] = []

    def progressed(progress: JobProgress) -> None:
        if progress.stage is JobStage.TRANSCRIBING and progress.stage_fraction >= 1.0:
            events.append("engine done")

    request = TranscriptionRequest(input_path=JFK_WAV, output_dir=tmp_path / "out")
    listener = JobListener(progressed=progressed, process_started=lambda pid: events.append(_program(pid)))
    outcome = run_on_qt_loop(run_transcription(request, listener))
    assert outcome.timing is not None and outcome.timing.aligned == outcome.word_count
    started = [event for event in events if event != "engine done"]
    assert started == ["whisper-cli", "aligner"], events  # one aligner: the warm one was used
    assert events.index("aligner") < events.index("engine done"), events


def _program(pid: int) -> str:
    """Which program a child is. Its command line reads empty while the kernel swaps in a new program (the
    launcher execs the real one), so a read that names none is tried again for up to a second."""
    markers = (
        ("aligner", "alignment_runner"),
        ("whisper-cli", "whisper"),
        ("ffprobe", "ffprobe"),
        ("ffmpeg", "ffmpeg"),
    )
    deadline = time.monotonic() + 1.0
    while True:
        try:
            command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return "?"
        named = [name for name, marker in markers if marker in command_line]
        if named or time.monotonic() > deadline:
            return named[0] if named else "?"
        time.sleep(0.01)


def test_for_media_that_needs_decoding_the_aligner_starts_before_the_decoder_and_is_the_one_used(
    tmp_path: Path,
) -> None:
    """It loads while FFmpeg and then the engine's model load leave a core free, not beside the engine."""
    from tests.conftest import run_ffmpeg

    flac = tmp_path / "jfk.flac"
    run_ffmpeg("-i", str(JFK_WAV), "-c:a", "flac", str(flac))
    events: list[str] = []
    request = TranscriptionRequest(input_path=flac, output_dir=tmp_path / "out")
    listener = JobListener(process_started=lambda pid: events.append(_program(pid)))
    outcome = run_on_qt_loop(run_transcription(request, listener))
    assert outcome.timing is not None and outcome.timing.aligned == outcome.word_count
    assert sorted(events) == ["aligner", "ffmpeg", "ffprobe", "whisper-cli"], events  # the early aligner was used
    assert events.index("aligner") < events.index("whisper-cli"), events


def test_an_early_aligner_goes_when_the_decoder_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing fake ffmpeg (fault injection) beside the real ffprobe: the probe reads 11 s of FLAC, the
    decoder then fails, and the aligner started for that audio must not outlive the job."""
    from tests.conftest import run_ffmpeg

    flac = tmp_path / "jfk.flac"
    run_ffmpeg("-i", str(JFK_WAV), "-c:a", "flac", str(flac))
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "ffprobe").symlink_to(shutil.which("ffprobe") or "ffprobe")
    failing_ffmpeg = tools / "ffmpeg"
    failing_ffmpeg.write_text("#!/bin/sh\necho 'fake ffmpeg: injected decoder failure' >&2\nexit 1\n", encoding="utf-8")
    failing_ffmpeg.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    started: list[int] = []
    programs: list[str] = []

    def process_started(pid: int) -> None:
        started.append(pid)
        programs.append(_program(pid))

    request = TranscriptionRequest(input_path=flac, output_dir=tmp_path / "out")
    with pytest.raises(TranscriptionFailed):
        run_on_qt_loop(run_transcription(request, JobListener(process_started=process_started)))
    assert "aligner" in programs, programs
    assert all(process_is_gone(pid) for pid in started), programs


@pytest.mark.parametrize("behaviour", ["hanging", "crashing"])
def test_a_waiting_aligner_goes_when_the_engine_is_cancelled_or_fails(
    behaviour: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHISPERCPP_BIN", str(write_fake_engine(tmp_path, behaviour)))
    started: list[int] = []

    async def run_then_cancel() -> None:
        request = TranscriptionRequest(input_path=JFK_WAV, output_dir=tmp_path / "out")
        job = asyncio.ensure_future(run_transcription(request, JobListener(process_started=started.append)))
        deadline = time.monotonic() + 30
        while len(started) < 2 and not job.done() and time.monotonic() < deadline:  # the engine, the aligner
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)
        job.cancel()
        with pytest.raises((asyncio.CancelledError, TranscriptionFailed)):
            await job

    run_on_qt_loop(run_then_cancel())
    assert started and all(process_is_gone(pid) for pid in started), started
    if behaviour == "hanging":
        assert len(started) == 2, "the aligner waits beside a hanging engine"
    assert not (tmp_path / "out").exists()
