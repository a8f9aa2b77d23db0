"""--out on a real disk that fills up during the run: a 2 MB tmpfs, room enough at the preflight, filled while
whisper-cli works. The run fails with exit 4 and a message naming the folder and the fix; the earlier run's
files stay byte for byte, and no half-written file or staging folder is left.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from metavis_gui.contract.output_commit import STAGING_PREFIX
from tests.conftest import JFK_WAV
from tests.support.earlier_outputs import earlier_run_files, folders_with_an_earlier_run
from tests.support.running_transcription import RunningTranscription

pytestmark = [
    pytest.mark.usefixtures("engine_ready"),
    pytest.mark.skipif(sys.platform != "linux", reason="mounts a tmpfs, which is Linux's"),
]
EXIT_OUTPUT_NOT_WRITABLE = 4  # `metavis-transcribe --help`: "4 the output is not writable (... without room ...)"
# The preflight wants 1 MiB plus 4 KB a second of media free; the JFK clip's outputs take a few KB.
DISK_SIZE = "2m"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A freshly mounted tmpfs of DISK_SIZE, unmounted afterwards."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mount = shutil.which("mount")
    if os.geteuid() != 0 or mount is None:
        pytest.skip("mounting a tmpfs needs root (CAP_SYS_ADMIN) and the mount program")
    mounted = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0755", "tmpfs", str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        reason = mounted.stderr.strip()
        if "permission denied" in reason.lower() or "not permitted" in reason.lower():
            pytest.skip(f"mounting a tmpfs is not permitted here: {reason}")
        pytest.fail(f"mount -t tmpfs failed: {reason}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], capture_output=True, check=False)


def fill(disk: Path) -> None:
    """Write zeros into one file on `disk` until no byte more fits."""
    block = bytes(64 * 1024)
    with (disk / "filler").open("wb", buffering=0) as filler:
        while block:
            try:
                filler.write(block)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
                block = block[: len(block) // 2]


def test_a_disk_that_fills_up_during_the_run_keeps_the_earlier_files(tmp_path: Path, small_disk: Path) -> None:
    earlier = earlier_run_files(tmp_path / "earlier")
    folders = folders_with_an_earlier_run(tmp_path, JFK_WAV, earlier, out_dir=small_disk / "out")
    run = RunningTranscription.start(folders.media, folders.out_dir, folders.private_tmp)
    try:
        run.wait_for_engine()  # past the preflight, which found room enough
        fill(small_disk)
        ended = run.wait()
    finally:
        run.kill()
    assert ended.exit_code == EXIT_OUTPUT_NOT_WRITABLE, ended.stderr
    [message] = [line for line in ended.stderr.splitlines() if line.startswith("metavis-transcribe: cannot write")]
    assert f"cannot write to {folders.out_dir}: no space is left on its disk" in message
    assert "Free some space, or choose a folder on another disk" in message
    assert "The previous files are unchanged." in message
    error = ended.events[-1]
    assert (error["event"], error["code"], error["exitCode"]) == ("error", "output_not_writable", 4)
    assert folders.contents() == folders.earlier, "the earlier run's files must stay byte for byte as they were"
    assert not list(folders.out_dir.glob(f"{STAGING_PREFIX}*")) and not list(folders.out_dir.glob(".*"))
    assert list(folders.private_tmp.iterdir()) == []
