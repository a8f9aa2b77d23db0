"""The summary's optional `encoder`: absent when the engine said nothing, a round trip when it did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metavis_gui.contract import ToolInfo, TranscriptFileInvalid, TranscriptSummary, read_summary, write_summary
from metavis_gui.contract.encoder_summary import EncoderDevice, EncoderSummary
from metavis_gui.contract.summary import serialize_summary

KEYS_WITHOUT_OPTIONS = ["durationSeconds", "input", "language", "schema", "tool", "wordCount"]


def _summary(encoder: EncoderSummary | None) -> TranscriptSummary:
    return TranscriptSummary(
        input="clip.wav",
        duration_seconds=3.0,
        language="en",
        tool=ToolInfo(name="whisper.cpp", version="1.8.5", model="base.en"),
        word_count=2,
        encoder=encoder,
    )


def test_no_encoder_writes_the_summary_as_before() -> None:
    assert list(json.loads(serialize_summary(_summary(None)))) == KEYS_WITHOUT_OPTIONS


@pytest.mark.parametrize(
    "encoder",
    [
        EncoderSummary(device=EncoderDevice.COREML),
        EncoderSummary(device=EncoderDevice.GPU, backend="Metal", notice="could not load the Core ML encoder"),
    ],
)
def test_the_encoder_round_trips_through_the_file(encoder: EncoderSummary, tmp_path: Path) -> None:
    path = tmp_path / "transcript.summary.v1.json"
    write_summary(path, _summary(encoder))
    assert json.loads(path.read_bytes())["encoder"]["device"] == encoder.device.value
    assert read_summary(path).encoder == encoder


def test_an_unknown_device_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "transcript.summary.v1.json"
    document = json.loads(serialize_summary(_summary(EncoderSummary(device=EncoderDevice.COREML))))
    document["encoder"]["device"] = "tpu"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(TranscriptFileInvalid, match=r"encoder\.device") as raised:
        read_summary(path)
    assert str(path) in str(raised.value)
