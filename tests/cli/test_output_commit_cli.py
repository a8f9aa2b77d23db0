"""`transcript generate` commits its files as one unit, one run per --out: real whisper-cli, real speech.

A second run on a busy --out is refused at once (exit 4); a full disk at commit time keeps the earlier run's
files byte for byte (exit 4); Ctrl-C while the files are being committed says which files are in place.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from metavis_gui import cli
from metavis_gui.contract import (
    CAPTIONS_FILE_NAME,
    SUMMARY_FILE_NAME,
    WORDS_FILE_NAME,
    read_summary,
    read_words_jsonl,
    render_webvtt,
)
from metavis_gui.contract.output_commit import STAGING_PREFIX
from metavis_gui.contract.output_folder_lock import LOCK_FILE_NAME
from tests.cli.console_script import CONSOLE_SCRIPT, GENERATE, QUICK, jfk_copy, run_command
from tests.conftest import copy_to

pytestmark = pytest.mark.usefixtures("engine_ready")

OUTPUT_FILES = [CAPTIONS_FILE_NAME, SUMMARY_FILE_NAME, WORDS_FILE_NAME]


def assert_whole_set(out_dir: Path, adjacent: Path) -> None:
    """The three files (and the captions beside the media) agree with each other, with nothing else left."""
    assert sorted(os.listdir(out_dir)) == OUTPUT_FILES
    records = read_words_jsonl(out_dir / WORDS_FILE_NAME).records
    assert records and read_summary(out_dir / SUMMARY_FILE_NAME).word_count == len(records)
    captions = render_webvtt(records).encode("utf-8")
    assert (out_dir / CAPTIONS_FILE_NAME).read_bytes() == captions
    assert adjacent.read_bytes() == captions
    assert [name for name in os.listdir(adjacent.parent) if name.startswith(".")] == []


def snapshot(*folders: Path) -> dict[str, bytes]:
    return {
        str(path): path.read_bytes() if path.is_file() else b"/"
        for folder in folders
        for path in sorted(folder.rglob("*"))
    }


def test_a_second_run_on_a_busy_out_is_refused_at_once_and_the_first_writes_a_whole_set(
    tmp_path: Path, long_speech_wav: Path
) -> None:
    out_dir = tmp_path / "shared out"
    first_media = copy_to(long_speech_wav, tmp_path / "first" / "long talk.wav")
    first = subprocess.Popen(
        [str(CONSOLE_SCRIPT), *GENERATE, "--input", str(first_media), "--out", str(out_dir),
         "--align", "off", "--max-seconds", "40", "--threads", "1"],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert first.stderr is not None
        first_lines = []
        for line in first.stderr:
            first_lines.append(line)
            if line.startswith("preparing"):  # the lock is taken before the first progress line
                break
        else:
            pytest.fail(f"the first run ended early: {''.join(first_lines)}")

        started = time.monotonic()
        second = run_command(*GENERATE, "--input", jfk_copy(tmp_path / "second"), "--out", out_dir, *QUICK)
        second_seconds = time.monotonic() - started
        assert first.poll() is None, "the second run must be refused while the first one still works"
    finally:
        remaining_stdout, remaining_stderr = first.communicate(timeout=600)
    assert second.returncode == 4, second.stderr
    assert f"the output folder {out_dir} is busy" in second.stderr
    assert f"process {first.pid}" in second.stderr and "choose another --out" in second.stderr
    assert "preparing" not in second.stderr and "decoding" not in second.stderr, "refused before any work"
    assert "Traceback" not in second.stderr
    assert second_seconds < 15, f"refused after {second_seconds:.1f} s (mostly the interpreter starting)"
    assert not (tmp_path / "second" / "jfk.captions.vtt").exists()

    assert first.returncode == 0, "".join(first_lines) + remaining_stderr
    assert_whole_set(out_dir, first_media.with_name("long talk.captions.vtt"))
    assert str(out_dir / WORDS_FILE_NAME) in remaining_stdout


def _replace_calling(monkeypatch: pytest.MonkeyPatch, target: Path, action: Callable[[], None]) -> Callable[..., None]:
    real_replace = os.replace

    def replace(source: object, destination: object, **keywords: object) -> None:
        if Path(os.fsdecode(destination)) == target:  # type: ignore[arg-type]
            action()
        real_replace(source, destination, **keywords)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    return replace


def test_ctrl_c_while_the_files_are_committed_says_which_are_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    media = jfk_copy(tmp_path / "media")
    out_dir = tmp_path / "out"
    adjacent = media.with_name("jfk.captions.vtt")
    _replace_calling(monkeypatch, out_dir / WORDS_FILE_NAME, lambda: os.kill(os.getpid(), signal.SIGINT))

    exit_code = cli.main([*GENERATE, "--input", str(media), "--out", str(out_dir), *QUICK])

    stderr = capsys.readouterr().err
    assert exit_code == 130, stderr
    assert "nothing was written" not in stderr
    assert "all 4 new files are in place" in stderr
    for name in OUTPUT_FILES:
        assert str(out_dir / name) in stderr
    assert str(adjacent) in stderr
    assert_whole_set(out_dir, adjacent)


def test_a_full_disk_at_commit_time_keeps_the_earlier_run_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    media = jfk_copy(tmp_path / "media")
    out_dir = tmp_path / "out"
    adjacent = media.with_name("jfk.captions.vtt")
    assert cli.main([*GENERATE, "--input", str(media), "--out", str(out_dir), *QUICK]) == 0
    earlier = snapshot(out_dir, media.parent)
    capsys.readouterr()

    def disk_full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(adjacent))

    _replace_calling(monkeypatch, adjacent, disk_full)  # the last rename: the output folder's are done by then
    longer = ("--align", "off", "--max-seconds", "5")  # other words than the earlier run's
    exit_code = cli.main([*GENERATE, "--input", str(media), "--out", str(out_dir), *longer])

    stderr = capsys.readouterr().err
    assert exit_code == 4, stderr
    assert f"cannot write to {media.parent}: no space is left on its disk" in stderr
    assert "The previous files are unchanged" in stderr
    assert snapshot(out_dir, media.parent) == earlier
    assert not any(name.startswith((STAGING_PREFIX, LOCK_FILE_NAME)) for name in os.listdir(out_dir))
