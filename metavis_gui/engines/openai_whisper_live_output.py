"""The one place that taps openai-whisper's transcribe() for progress and live text. Used only in the runner's child.

whisper.transcribe() either draws a tqdm bar (verbose=False) or prints each segment as it is decoded
(verbose=True), never both. The runner asks for the segments, and for the length of one call this tap
swaps two names in the `whisper.transcribe` module's namespace: `tqdm`, for a bar that reports decoded
mel frames instead of drawing, and `print`, so the segment lines come here instead of to stdout. whisper's
files are not changed, and nothing outside that module sees the swap.

Checked against openai-whisper 20250625, where transcribe() opens one `tqdm.tqdm(total=content_frames)`
and calls `update(frames)` after each 30 s window, and prints `[MM:SS.mmm --> MM:SS.mmm] text` per
segment just before. If a later version stops doing either, `LiveOutputTap` sees nothing, the runner
prints a warning, and tests/test_openai_whisper_runner.py fails.

Only the standard library is imported: the caller hands in the already imported module.
"""

from __future__ import annotations

import builtins
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType, SimpleNamespace
from typing import Any, Self, TextIO

ProgressHandler = Callable[[int, int], None]  # (mel frames decoded, mel frames in the audio)
SegmentHandler = Callable[[float, float, str], None]  # (start seconds, end seconds, text)

# whisper's format_timestamp: "MM:SS.mmm", with "HH:" in front from the first hour on.
_TIMESTAMP = r"(?:(\d+):)?(\d+):(\d+\.\d+)"
_WHISPER_SEGMENT_LINE = re.compile(rf"^\[{_TIMESTAMP} --> {_TIMESTAMP}\] ?(.*)$", re.DOTALL)


@dataclass
class LiveOutputTap:
    """What the tap passed on during one transcribe() call."""

    on_progress: ProgressHandler
    on_segment: SegmentHandler
    other_output: TextIO = field(default_factory=lambda: sys.stderr)
    bars_opened: int = 0
    progress_updates: int = 0
    segments: int = 0

    def progress_bar(self, *_arguments: Any, total: int | None = None, **_options: Any) -> _FrameProgressBar:
        # Takes tqdm's `disable`, which whisper sets whenever it prints segments, and ignores it.
        self.bars_opened += 1
        return _FrameProgressBar(self, total or 0)

    def print_from_whisper(self, *values: object, sep: str | None = " ", **options: Any) -> None:
        text = (" " if sep is None else sep).join(str(value) for value in values)
        match = _WHISPER_SEGMENT_LINE.match(text)
        if match is None or options.get("file") is not None:
            target = options.pop("file", None) or self.other_output
            builtins.print(*values, sep=sep, file=target, **{**options, "flush": True})
            return
        self.segments += 1
        self.on_segment(_seconds(*match.group(1, 2, 3)), _seconds(*match.group(4, 5, 6)), match.group(7).strip())


class _FrameProgressBar:
    """Stands in for the tqdm bar transcribe() opens: counts mel frames and reports each step."""

    def __init__(self, tap: LiveOutputTap, total_frames: int) -> None:
        self._tap = tap
        self.total = total_frames
        self.n = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exception: object) -> None:
        return None

    def update(self, frames: float = 1) -> None:
        self.n += int(frames)
        self._tap.progress_updates += 1
        self._tap.on_progress(self.n, self.total)


@contextmanager
def tapped_live_output(
    transcribe_module: ModuleType, on_progress: ProgressHandler, on_segment: SegmentHandler
) -> Iterator[LiveOutputTap]:
    """While inside, `transcribe_module` (whisper.transcribe) reports through the handlers; then it is restored."""
    tap = LiveOutputTap(on_progress=on_progress, on_segment=on_segment)
    namespace = vars(transcribe_module)
    missing = object()
    saved = {name: namespace.get(name, missing) for name in ("tqdm", "print")}
    namespace["tqdm"] = SimpleNamespace(tqdm=tap.progress_bar)
    namespace["print"] = tap.print_from_whisper
    try:
        yield tap
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def _seconds(hours: str | None, minutes: str, seconds: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
