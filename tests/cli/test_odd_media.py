"""Short and odd media through the installed command: a clip under the engine's minimum, a truncated WAV,
and a file name that is not UTF-8, end to end.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import wave
from pathlib import Path

import pytest

from metavis_gui.cli.json_events import GENERATE_EVENT
from tests.cli.console_script import CONSOLE_SCRIPT, GENERATE, events_of, run_command
from tests.conftest import JFK_WAV

pytestmark = pytest.mark.usefixtures("engine_ready")
SAMPLE_RATE = 16000


def jfk_samples(start_seconds: float, sample_count: int) -> bytes:
    with wave.open(str(JFK_WAV), "rb") as reader:
        assert (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) == (SAMPLE_RATE, 1, 2)
        reader.setpos(int(start_seconds * SAMPLE_RATE))
        return reader.readframes(sample_count)


def wav_bytes(samples: bytes, promised_data_bytes: int | None = None) -> bytes:
    """A 16 kHz mono 16-bit WAV; its header may promise more data than follows (a truncated copy)."""
    data_size = len(samples) if promised_data_bytes is None else promised_data_bytes
    fmt = struct.pack("<HHIIHH", 1, 1, SAMPLE_RATE, SAMPLE_RATE * 2, 2, 16)
    header = b"RIFF" + struct.pack("<I", 36 + data_size) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
    return header + b"data" + struct.pack("<I", data_size) + samples


def test_a_tenth_of_a_second_of_speech_gives_an_empty_transcript_and_a_note(tmp_path: Path) -> None:
    clip = tmp_path / "blip.wav"
    clip.write_bytes(wav_bytes(jfk_samples(0.3, SAMPLE_RATE // 10)))  # whisper.cpp: "90 ms < 100 ms"
    completed = run_command(*GENERATE, "--input", clip, "--out", tmp_path / "out", "--json",
                            "--write-adjacent-captions", "false")  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    events = events_of(completed.stdout)
    [note] = [event for event in events if event.event == "warning"]
    assert note.code == "no_speech"
    assert (
        note.message
        == "blip.wav holds only 100 ms of audio, less than the 110 ms the engines need to transcribe: the transcript is empty."
    )
    assert events[-1].event == "result" and events[-1].word_count == 0
    assert (tmp_path / "out" / "transcript.words.v1.jsonl").read_bytes() == b""


def test_a_truncated_wav_finishes_with_a_warning_of_how_much_was_decoded(tmp_path: Path) -> None:
    truncated = tmp_path / "interview.wav"
    three_seconds = jfk_samples(0.0, 3 * SAMPLE_RATE)
    truncated.write_bytes(wav_bytes(three_seconds, promised_data_bytes=11 * SAMPLE_RATE * 2))
    completed = run_command(*GENERATE, "--input", truncated, "--out", tmp_path / "out", "--json", "--align", "off",
                            "--write-adjacent-captions", "false")  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    events = events_of(completed.stdout)
    [warning] = [event for event in events if event.event == "warning" and event.code == "truncated_media"]
    assert warning.message.startswith(f"{truncated}: only 3.0 s of audio could be decoded of the 11.0 s")
    assert "looks truncated" in warning.message
    assert events[-1].event == "result" and events[-1].word_count > 0


def test_a_whole_wav_gives_no_truncation_warning(tmp_path: Path) -> None:
    whole = tmp_path / "whole.wav"
    whole.write_bytes(wav_bytes(jfk_samples(0.0, 3 * SAMPLE_RATE)))
    completed = run_command(*GENERATE, "--input", whole, "--out", tmp_path / "out", "--align", "off",
                            "--write-adjacent-captions", "false")  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "truncated" not in completed.stderr


@pytest.mark.parametrize("with_json", [False, True], ids=["text", "json"])
def test_a_file_name_that_is_not_utf8_works_end_to_end(tmp_path: Path, with_json: bool) -> None:
    folder = os.fsencode(tmp_path)
    media = folder + b"/take\xff.wav"
    out_dir = folder + b"/out\xfe"
    with open(media, "wb") as handle:
        handle.write(wav_bytes(jfk_samples(0.0, 3 * SAMPLE_RATE)))
    command = [os.fsencode(CONSOLE_SCRIPT), *(word.encode() for word in GENERATE), b"--input", media,
               b"--out", out_dir, b"--align", b"off", *([b"--json"] if with_json else [])]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, timeout=240, check=False)
    stderr = completed.stderr.decode("utf-8", "replace")
    assert completed.returncode == 0, stderr
    assert "Traceback" not in stderr

    written = [out_dir + b"/transcript.words.v1.jsonl", out_dir + b"/transcript.summary.v1.json",
               out_dir + b"/captions.vtt", folder + b"/take\xff.captions.vtt"]  # fmt: skip
    assert all(os.path.isfile(path) for path in written)
    summary = json.loads((Path(os.fsdecode(out_dir)) / "transcript.summary.v1.json").read_bytes().decode("utf-8"))
    assert summary["input"] == "take\ufffd.wav", "each byte that is not UTF-8 reads as U+FFFD"
    assert summary["wordCount"] > 0
    if with_json:
        result = GENERATE_EVENT.validate_json(completed.stdout.splitlines()[-1])
        assert result.event == "result"
        assert (
            os.fsdecode(out_dir).encode("utf-8", "surrogateescape").decode("utf-8", "replace") in result.output_paths[0]
        )
    else:
        assert set(completed.stdout.splitlines()) >= set(written), "the printed paths are the real file names"


def test_an_error_naming_a_file_that_is_not_utf8_is_still_a_json_event(tmp_path: Path) -> None:
    fifo = os.fsencode(tmp_path) + b"/feed\xff.wav"
    os.mkfifo(fifo)
    command = [os.fsencode(CONSOLE_SCRIPT), *(word.encode() for word in GENERATE), b"--input", fifo,
               b"--out", os.fsencode(tmp_path / "out"), b"--json"]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, timeout=60, check=False)
    assert completed.returncode == 3
    error = GENERATE_EVENT.validate_json(completed.stdout)
    assert error.event == "error" and error.code == "input_unreadable"
    assert "feed\ufffd.wav: is a FIFO" in error.message
