"""The line protocol both engine runners print, read back by the parsers their adapters use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metavis_gui.engines.faster_whisper_adapter import FasterWhisperAdapter
from metavis_gui.engines.openai_whisper_adapter import OpenAIWhisperAdapter
from metavis_gui.engines.runner_protocol import (
    EXIT_MODEL_FAILED,
    report_failure,
    report_progress,
    report_segment,
    reported_error,
    write_json_atomically,
)

ADAPTERS = (OpenAIWhisperAdapter, FasterWhisperAdapter)


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_what_a_runner_prints_its_adapter_reads(
    adapter: type[OpenAIWhisperAdapter | FasterWhisperAdapter], capsys: pytest.CaptureFixture[str]
) -> None:
    report_progress(0)
    report_segment(3725.5, 3731.25, " ask not what your country can do for you ")
    report_progress(45)
    report_progress(100)
    assert report_failure(EXIT_MODEL_FAILED, "the model m.pt failed to load: EOFError") == EXIT_MODEL_FAILED
    printed = capsys.readouterr()

    assert printed.out == "[01:02:05.500 --> 01:02:11.250]  ask not what your country can do for you\n"
    segment = adapter.live_segment(printed.out)
    assert segment is not None
    assert (segment.start_seconds, segment.end_seconds) == (3725.5, 3731.25)
    assert segment.text == "ask not what your country can do for you"
    fractions = [adapter.progress_fraction(line) for line in printed.err.splitlines()]
    assert fractions == [0.0, 0.45, 1.0, None]
    assert reported_error(printed.err) == "the model m.pt failed to load: EOFError"


def test_the_output_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    output = tmp_path / "work" / "output.json"
    write_json_atomically(output, {"language": "en", "segments": []})
    assert json.loads(output.read_text(encoding="utf-8")) == {"language": "en", "segments": []}
    with pytest.raises(TypeError):
        write_json_atomically(output, {"segments": [object()]})
    assert json.loads(output.read_text(encoding="utf-8")) == {"language": "en", "segments": []}
    assert [path.name for path in output.parent.iterdir()] == ["output.json"], "no partial file is left behind"
