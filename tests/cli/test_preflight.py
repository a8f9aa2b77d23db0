"""Preflight: what can be told before any engine work is told at once, naming the file and the fix.

Non-regular inputs (a FIFO, a device, a folder) are refused without being opened, the audio stream is
chosen and named, an English-only model refuses another language, `--threads` is bounded, and a folder
without room is refused before the work.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from metavis_gui import cli
from metavis_gui.jobs import preflight
from metavis_gui.jobs.preflight import NotEnoughRoom, check_room
from metavis_gui.jobs.transcription_request import usable_cpu_count
from tests.cli.console_script import GENERATE, QUICK, events_of, jfk_copy, run_command, silence
from tests.conftest import JFK_WAV, run_ffmpeg
from tests.support.transcript_checks import read_valid_words

pytestmark = pytest.mark.usefixtures("engine_ready")
# Starting the command takes about a second; a hang would run into the subprocess timeout instead.
REFUSED_WITHIN_SECONDS = 15


def assert_refused_at_once(completed: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    assert completed.returncode == code, completed.stderr
    for fragment in fragments:
        assert fragment in completed.stderr, completed.stderr
    assert "Traceback" not in completed.stderr
    assert "decoding" not in completed.stderr, "nothing may run before the check"


@pytest.mark.parametrize("with_json", [False, True], ids=["text", "json"])
def test_a_fifo_input_is_refused_without_waiting_for_a_writer(tmp_path: Path, with_json: bool) -> None:
    fifo = tmp_path / "camera feed.wav"
    os.mkfifo(fifo)
    started = time.monotonic()
    json_flag = ("--json",) if with_json else ()
    completed = run_command(*GENERATE, "--input", fifo, "--out", tmp_path / "out", *json_flag, timeout=60)
    assert time.monotonic() - started < REFUSED_WITHIN_SECONDS
    assert_refused_at_once(completed, 3, str(fifo), "is a FIFO (named pipe)", "regular file")
    if with_json:
        error = events_of(completed.stdout)[-1]
        assert error.event == "error" and error.code == "input_unreadable" and error.exit_code == 3
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("kind", "message"), [("device", "is a character device"), ("folder", "is a folder")])
def test_a_device_or_folder_input_is_refused(tmp_path: Path, kind: str, message: str) -> None:
    media = Path("/dev/null") if kind == "device" else tmp_path / "clips.mov"
    if kind == "folder":
        media.mkdir()
    completed = run_command(*GENERATE, "--input", media, "--out", tmp_path / "out", timeout=60)
    assert_refused_at_once(completed, 3, str(media), message)


def test_a_video_without_audio_is_refused(tmp_path: Path) -> None:
    video = tmp_path / "b-roll.mp4"
    run_ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1", "-c:v", "libx264", str(video))
    completed = run_command(*GENERATE, "--input", video, "--out", tmp_path / "out")
    assert completed.returncode == 3, completed.stderr
    assert f"{video}: this file has no audio stream" in completed.stderr


def test_a_fifo_given_to_the_model_importer_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "ggml-base.bin"
    os.mkfifo(fifo)
    completed = run_command("models", "import-ggml", fifo, timeout=60)
    assert completed.returncode != 0
    assert f"{fifo}: is not a regular file" in completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.fixture(scope="module")
def two_audio_streams(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stream 0 is silence (a French dub left empty), stream 1 the JFK speech."""
    media = tmp_path_factory.mktemp("streams") / "interview.mka"
    run_ffmpeg(
        "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-i", str(JFK_WAV), "-map", "0:a", "-map", "1:a",
        "-t", "11", "-c:a", "aac", "-metadata:s:a:0", "language=fra", "-metadata:s:a:1", "language=eng", str(media),
    )  # fmt: skip
    return media


def test_with_several_audio_streams_the_run_says_which_it_uses(tmp_path: Path, two_audio_streams: Path) -> None:
    completed = run_command(*GENERATE, "--input", two_audio_streams, "--out", tmp_path / "out", "--json",
                            "--write-adjacent-captions", "false", "--align", "off")  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    [warning] = [event for event in events_of(completed.stdout) if getattr(event, "code", None) == "audio_stream"]
    assert "has 2 audio streams; transcribing stream 0 (aac, 1 ch, fra)" in warning.message
    assert "--audio-stream N (0 to 1)" in warning.message
    assert "its audio is silent" in completed.stderr


def test_audio_stream_1_transcribes_the_second_stream(tmp_path: Path, two_audio_streams: Path) -> None:
    completed = run_command(*GENERATE, "--input", two_audio_streams, "--out", tmp_path / "out", "--audio-stream", "1",
                            "--write-adjacent-captions", "false", "--align", "off")  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "transcribing stream 1 (aac, 1 ch, eng)" in completed.stderr
    words = " ".join(word.word.lower() for word in read_valid_words(tmp_path / "out"))
    assert "country" in words


def test_an_audio_stream_the_file_lacks_is_a_usage_error(tmp_path: Path, two_audio_streams: Path) -> None:
    completed = run_command(*GENERATE, "--input", two_audio_streams, "--out", tmp_path / "out", "--audio-stream", "2")
    assert_refused_at_once(
        completed, 2, f"{two_audio_streams}: has no audio stream 2; it has 2", "a number from 0 to 1"
    )
    assert not (tmp_path / "out").exists()


def test_an_english_only_model_refuses_another_language(tmp_path: Path) -> None:
    completed = run_command(*GENERATE, "--input", jfk_copy(tmp_path), "--out", tmp_path / "out", "--language", "de",
                            "--json")  # fmt: skip
    assert_refused_at_once(completed, 2, "tiny.en", "understands English only", "--language en", "multilingual")
    error = events_of(completed.stdout)[-1]
    assert error.event == "error" and error.code == "usage"
    assert not (tmp_path / "out").exists()


def test_english_is_still_accepted_by_an_english_only_model(tmp_path: Path) -> None:
    completed = run_command(*GENERATE, "--input", jfk_copy(tmp_path), "--out", tmp_path / "out", "--language", "en",
                            *QUICK)  # fmt: skip
    assert completed.returncode == 0, completed.stderr


@pytest.mark.parametrize("threads", ["0", "-2"])
def test_threads_below_one_are_a_usage_error(tmp_path: Path, threads: str) -> None:
    completed = run_command(*GENERATE, "--input", silence(tmp_path), "--out", tmp_path / "out", "--threads", threads)
    assert_refused_at_once(completed, 2, f"--threads {threads}: give a number of threads from 1 to")


def test_threads_above_the_cpu_count_are_lowered_with_a_warning(tmp_path: Path) -> None:
    completed = run_command(*GENERATE, "--input", silence(tmp_path), "--out", tmp_path / "out", "--threads", "999",
                            "--json", "--write-adjacent-captions", "false")  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    bound = usable_cpu_count()
    [warning] = [event for event in events_of(completed.stdout) if getattr(event, "code", None) == "threads_bounded"]
    assert warning.message == (
        f"--threads 999 is more than the {bound} CPUs this process may use; using {bound} threads."
    )


class _FullDisk:
    f_bavail, f_frsize = 100, 4096  # 400 KB free


def test_an_out_folder_without_room_is_refused_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(preflight.os, "statvfs", lambda path: _FullDisk())
    out_dir = tmp_path / "out"
    code = cli.main([*GENERATE, "--input", str(jfk_copy(tmp_path)), "--out", str(out_dir), "--quiet",
                     "--write-adjacent-captions", "false"])  # fmt: skip
    message = capsys.readouterr().err
    assert code == 4, message
    assert f"{out_dir}: not enough room for the transcript files" in message
    assert "0.4 MB free" in message and "choose another --out folder" in message
    assert "decoding" not in message
    assert not out_dir.exists()


def test_the_temp_folder_needs_room_for_the_decoded_audio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    roomy, work_root = tmp_path / "roomy", tmp_path / "cramped"
    roomy.mkdir()
    work_root.mkdir()

    class _Roomy:
        f_bavail, f_frsize = 10**9, 4096

    class _HundredMegabytes:
        f_bavail, f_frsize = 25_000, 4096

    monkeypatch.setattr(
        preflight.os, "statvfs", lambda path: _HundredMegabytes() if Path(path) == work_root else _Roomy()
    )
    check_room(roomy, work_root, media_seconds=0)
    with pytest.raises(NotEnoughRoom, match="decoded audio in the temp folder.*TMPDIR") as raised:
        check_room(roomy, work_root, media_seconds=3600)
    assert raised.value.filename == str(work_root)
