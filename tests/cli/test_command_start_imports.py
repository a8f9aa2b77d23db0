"""`transcript generate` reaches its engine before loading what only later stages, long media or other
commands need: each of these libraries costs 0.01-0.1 s at every start (bench/speed_targets.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# What a single clip's run imports before it starts the engine: the command, its parser, the pipeline.
START_MODULES = (
    "metavis_gui.cli",
    "metavis_gui.cli.batch_inputs",
    "metavis_gui.cli.generate_command",
    "metavis_gui.jobs.transcription_pipeline",
)
NOT_BEFORE_THE_ENGINE = (
    "PySide6",  # the window's toolkit: the command runs its children on a plain asyncio loop
    "qasync",
    "numpy",  # the silence scan and the WAV copy use the standard library; VAD and splitting load it
    "onnxruntime",  # speech detection, for media over a minute
    "pocketsphinx",  # the aligner's child loads it, not the command
    "pysubs2",  # exports, loaded when one is written
    "opentimelineio",
    "timecode",
    "urllib.request",  # downloads, and xml.sax.saxutils's dependency
)


def _modules_after_importing(modules: tuple[str, ...]) -> set[str]:
    source = f"import importlib, json, sys\nfor name in {list(modules)!r}:\n    importlib.import_module(name)\n"
    source += "print(json.dumps(sorted(sys.modules)))"
    completed = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, check=True)
    return set(json.loads(completed.stdout))


def test_the_command_reaches_its_engine_without_the_heavy_libraries() -> None:
    loaded = _modules_after_importing(START_MODULES)
    assert not [name for name in NOT_BEFORE_THE_ENGINE if name in loaded]


@pytest.mark.parametrize("module", ["metavis_gui.ui.qt_event_loop", "metavis_gui.media.speech_spans"])
def test_the_check_sees_a_heavy_import(module: str) -> None:
    """The control: modules known to load one of them are caught, so the test above can fail."""
    loaded = _modules_after_importing((module,))
    assert [name for name in NOT_BEFORE_THE_ENGINE if name in loaded]
