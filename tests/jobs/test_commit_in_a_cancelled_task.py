"""A run's commit stops when its task has been cancelled (Ctrl-C, SIGTERM, the window's Stop) before the swap.

The commit runs inside the task without awaiting, so the cancel cannot reach it at an await; it looks for it
between its steps. The real command stopped mid-commit on a slow disk: tests/cli/test_cli_interrupt.py.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from metavis_gui.contract.output_commit import STAGING_PREFIX, commit_outputs

NEW = {"transcript.words.v1.jsonl": b"new words\n", "captions.vtt": b"WEBVTT\n\nnew\n"}


def earlier_files(tmp_path: Path) -> tuple[Path, Path]:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "transcript.words.v1.jsonl").write_bytes(b"old words\n")
    beside = tmp_path / "take.captions.vtt"
    beside.write_bytes(b"WEBVTT\n\nold\n")
    return out_dir, beside


def everything_in(tmp_path: Path) -> dict[str, bytes | None]:
    return {str(path): None if path.is_dir() else path.read_bytes() for path in sorted(tmp_path.rglob("*"))}


def test_a_commit_in_a_cancelled_task_leaves_the_earlier_files(tmp_path: Path) -> None:
    out_dir, beside = earlier_files(tmp_path)
    before = everything_in(tmp_path)

    async def cancelled_then_committing() -> None:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()  # as the signal handler does while the task runs
        commit_outputs(out_dir, NEW, {beside: b"WEBVTT\n\nnewer\n"})

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(cancelled_then_committing())
    assert everything_in(tmp_path) == before
    assert not list(out_dir.glob(f"{STAGING_PREFIX}*"))


def test_a_commit_outside_any_task_or_loop_runs_whole(tmp_path: Path) -> None:
    out_dir, beside = earlier_files(tmp_path)
    written: list[Path] = []
    worker = threading.Thread(target=lambda: written.extend(commit_outputs(out_dir, NEW, {beside: b"WEBVTT\n"})))
    worker.start()
    worker.join()
    assert written == [out_dir / name for name in NEW] + [beside]
    assert (out_dir / "captions.vtt").read_bytes() == NEW["captions.vtt"]
    assert beside.read_bytes() == b"WEBVTT\n"


def test_a_commit_in_a_running_task_that_was_not_cancelled_runs_whole(tmp_path: Path) -> None:
    out_dir, beside = earlier_files(tmp_path)

    async def committing() -> list[Path]:
        return commit_outputs(out_dir, NEW, {beside: b"WEBVTT\n"})

    assert asyncio.run(committing())[0] == out_dir / "transcript.words.v1.jsonl"
    assert (out_dir / "transcript.words.v1.jsonl").read_bytes() == NEW["transcript.words.v1.jsonl"]
