"""Every documented exit code of `transcript generate`, through the installed command.

0 done, 1 failed, 2 usage, 3 input missing or unreadable, 4 output not writable (checked before any
work), 130 interrupted. The `--help` text lists the same codes.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from metavis_gui.cli.exit_codes import EXIT_CODES_HELP
from tests.cli.console_script import (
    CONSOLE_SCRIPT,
    GENERATE,
    QUICK,
    events_of,
    jfk_copy,
    read_only_folder,
    run_command,
    silence,
)
from tests.conftest import run_ffmpeg
from tests.support.fault_injection.fake_engines import write_fake_engine

pytestmark = pytest.mark.usefixtures("engine_ready")


def assert_refused_before_work(completed: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    assert completed.returncode == code, completed.stderr
    for fragment in fragments:
        assert fragment in completed.stderr, completed.stderr
    assert "Traceback" not in completed.stderr
    assert "decoding" not in completed.stderr, "nothing may run before the check"


def test_0_done(tmp_path: Path) -> None:
    completed = run_command(*GENERATE, "--input", jfk_copy(tmp_path), "--out", tmp_path / "out", *QUICK)
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "out" / "transcript.words.v1.jsonl").is_file()


def test_1_failed_when_the_engine_fails(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, "error-printing")
    completed = run_command(
        *GENERATE,
        "--input",
        jfk_copy(tmp_path),
        "--out",
        tmp_path / "out",
        *QUICK,
        environ={"WHISPERCPP_BIN": str(fake)},
    )
    assert completed.returncode == 1, completed.stderr
    assert "failed to read audio file" in completed.stderr
    assert not (tmp_path / "out").exists()


def test_1_failed_when_the_model_is_missing(tmp_path: Path) -> None:
    completed = run_command(*GENERATE, "--input", jfk_copy(tmp_path), "--out", tmp_path / "out", "--model", "medium.en")
    assert completed.returncode == 1, completed.stderr
    assert "medium.en" in completed.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ["--out", "out"],  # no --input
        ["--input", "jfk.wav"],  # no --out
        ["--input", "jfk.wav", "--out", "out", "--threads", "0"],
        ["--input", "jfk.wav", "--out", "out", "--align", "sometimes"],
        ["--input", "jfk.wav", "--out", "out", "--engine", "whisperx"],
        ["--input", "jfk.wav", "--out", "out", "--strict", "--speakers", "2"],
    ],
    ids=["no-input", "no-out", "zero-threads", "bad-align", "unknown-engine", "strict-unknown"],
)
def test_2_usage(tmp_path: Path, arguments: list[str]) -> None:
    jfk_copy(tmp_path)
    completed = run_command(*GENERATE, *arguments, cwd=tmp_path)
    assert_refused_before_work(completed, 2)
    assert not (tmp_path / "out").exists()


def test_2_usage_for_unknown_arguments_of_other_commands() -> None:
    completed = run_command("models", "list", "--speakers", "2")
    assert completed.returncode == 2
    assert "unrecognized arguments: --speakers 2" in completed.stderr


def make_input(kind: str, folder: Path) -> Path:
    path = folder / f"{kind}.mp4"
    if kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("shooting notes, not a video\n" * 20)
    elif kind == "no-audio":
        run_ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1", "-c:v", "libx264", str(path))
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("missing", "no such file"),
        ("folder", "is a folder"),
        ("empty", "empty (0 bytes)"),
        ("text", "not a media file"),
        ("no-audio", "no audio stream"),
    ],
)
def test_3_input_missing_or_unreadable(tmp_path: Path, kind: str, message: str) -> None:
    media = make_input(kind, tmp_path)
    completed = run_command(*GENERATE, "--input", media, "--out", tmp_path / "out", "--json")
    assert completed.returncode == 3, completed.stderr
    assert message in completed.stderr and str(media) in completed.stderr
    error = events_of(completed.stdout)[-1]
    assert error.event == "error" and error.exit_code == 3
    assert error.code == ("input_missing" if kind == "missing" else "input_unreadable")
    assert not (tmp_path / "out").exists()


def test_4_out_under_a_regular_file(tmp_path: Path) -> None:
    media = jfk_copy(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a folder")
    for out in (notes / "transcript", notes):
        completed = run_command(*GENERATE, "--input", media, "--out", out, "--json")
        assert_refused_before_work(completed, 4, f"{notes} is a file, not a folder", "Choose a folder for --out")
        [error] = events_of(completed.stdout)
        assert error.event == "error" and error.code == "output_not_writable" and error.exit_code == 4
    assert notes.read_text() == "not a folder"


def test_4_read_only_out_folder(tmp_path: Path) -> None:
    media = jfk_copy(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    with read_only_folder(locked):
        completed = run_command(*GENERATE, "--input", media, "--out", locked / "clip" / "transcript")
        assert_refused_before_work(completed, 4, f"the folder {locked} is read-only", f"chmod u+w {locked}")
        assert list(locked.iterdir()) == []


def test_4_read_only_media_folder_unless_adjacent_captions_are_off(tmp_path: Path) -> None:
    media_folder = tmp_path / "camera card"
    media = silence(media_folder, "take 1.wav")
    with read_only_folder(media_folder):
        refused = run_command(*GENERATE, "--input", media, "--out", tmp_path / "out")
        assert_refused_before_work(
            refused, 4, f"the folder {media_folder} is read-only", "--write-adjacent-captions false"
        )
        assert not (tmp_path / "out").exists()
        allowed = run_command(*GENERATE, "--input", media, "--out", tmp_path / "out", "--write-adjacent-captions", "0")
        assert allowed.returncode == 0, allowed.stderr
        assert sorted(path.name for path in media_folder.iterdir()) == ["take 1.wav"]


def test_130_interrupted(tmp_path: Path, long_speech_wav: Path) -> None:
    media = jfk_copy(tmp_path, "long.wav")
    media.write_bytes(long_speech_wav.read_bytes())
    out_dir = tmp_path / "out"
    process = subprocess.Popen(
        [str(CONSOLE_SCRIPT), *GENERATE, "--input", str(media), "--out", str(out_dir), "--threads", "1", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith('{"event":"segment"'):  # the engine is running and has recognised words
            break
    else:
        pytest.fail(f"the command ended before the engine recognised anything: exit {process.wait()}")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "cancelled" in stderr
    error = events_of(stdout)[-1]
    assert error.event == "error" and error.code == "interrupted" and error.exit_code == 130
    assert not out_dir.exists() and not (tmp_path / "long.captions.vtt").exists()


@pytest.mark.parametrize("command", [[], list(GENERATE)])
def test_help_lists_the_exit_codes(command: list[str]) -> None:
    completed = run_command(*command, "--help")
    assert completed.returncode == 0
    assert EXIT_CODES_HELP in completed.stdout
    for code in ("0", "1", "2", "3", "4", "130"):
        assert f"\n  {code} " in completed.stdout
