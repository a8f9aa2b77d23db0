"""What the benchmarks share: where the engine, the model and the output folder are, statistics, tables.

The benchmarks are scripts, not a package: each adds this folder to ``sys.path`` by being run from it
(``python bench/<script>.py``), so siblings import as plain modules.
"""

from __future__ import annotations

import math
import os
import subprocess
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_OUTPUT_DIR = REPO_ROOT / "bench" / "output"
DEFAULT_MODEL_NAME = "tiny.en"


def use_repository_models_dir() -> None:
    """Benchmarks use the checkout's models unless METAVIS_MODELS_DIR says otherwise."""
    os.environ.setdefault("METAVIS_MODELS_DIR", str(REPO_ROOT / ".cache" / "models"))


def median(values: Sequence[float]) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), fraction in 0..1."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def format_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned (they hold numbers)."""
    cells = [[str(cell) for cell in header]] + [[_cell_text(cell) for cell in row] for row in rows]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]

    def line(row: list[str]) -> str:
        parts = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])


def _cell_text(cell: object) -> str:
    if isinstance(cell, float):
        return "n/a" if math.isnan(cell) else f"{cell:.3f}"
    return str(cell)


def run_ffmpeg(*arguments: str) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *arguments],
        check=True,
        capture_output=True,
    )


def write_mono_wav(path: Path, samples: np.ndarray, sample_rate: int = 16000) -> Path:
    """16-bit mono PCM, the format every engine and the aligner read (the tests write theirs with it too)."""
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(sample_rate)
        writer.writeframes(samples.astype("<i2").tobytes())
    return path
