"""Writing test audio: the benchmarks' writer of 16-bit mono PCM WAVs, the shape every engine and the aligner
read, so that tests and benchmarks make their clips one way."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))  # the benchmarks are scripts, not a package

from bench_common import write_mono_wav

__all__ = ["write_mono_wav"]
