"""Silero VAD in whisper.cpp: the model converted from faster-whisper's ONNX file, and word times in source time."""

from __future__ import annotations

import re
import statistics
import subprocess
from pathlib import Path

import pytest

from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.engines.engine_command import TranscriptionSettings
from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter
from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary
from metavis_gui.engines.whisper_cpp_vad_map import VadTimeMap, vad_time_map_from_stderr
from metavis_gui.models.silero_vad_ggml import ensure_vad_model, faster_whisper_vad_asset, vad_model_path
from metavis_gui.timeline.transcript import Transcript
from tests.conftest import JFK_WAV, run_ffmpeg

LEAD_SILENCE_SECONDS = 6.0
_SEGMENT_LINE = re.compile(r"VAD segment \d+: start = ([\d.]+), end = ([\d.]+)")


@pytest.fixture(scope="module")
def padded_jfk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six seconds of silence, the JFK speech, six more: VAD must cut the lead, and words keep source time."""
    target = tmp_path_factory.mktemp("vad") / "padded-jfk.wav"
    run_ffmpeg(
        "-f", "lavfi", "-t", str(LEAD_SILENCE_SECONDS), "-i", "anullsrc=r=16000:cl=mono",
        "-i", str(JFK_WAV),
        "-f", "lavfi", "-t", "6", "-i", "anullsrc=r=16000:cl=mono",
        "-filter_complex", "[0:a][1:a][2:a]concat=n=3:v=0:a=1", "-ar", "16000", "-ac", "1", str(target),
    )  # fmt: skip
    return target


@pytest.fixture(scope="module")
def vad_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_vad_model(tmp_path_factory.mktemp("models"))


def _run(adapter: WhisperCppAdapter, settings: TranscriptionSettings, work_dir: Path) -> tuple[Transcript, str]:
    work_dir.mkdir(exist_ok=True)
    command = adapter.build_command(settings, work_dir)
    finished = subprocess.run([str(command.program), *command.arguments], capture_output=True, text=True, timeout=900)
    return adapter.read_result(command, finished.returncode, finished.stderr), finished.stderr


def test_the_model_is_converted_once_into_its_own_folder_of_the_store(tmp_path: Path) -> None:
    made = ensure_vad_model(tmp_path)
    assert made == vad_model_path(tmp_path) and made.parent.name == "vad"
    assert made.read_bytes()[:4] == (0x67676D6C).to_bytes(4, "little")
    stamp = made.stat().st_mtime_ns
    assert ensure_vad_model(tmp_path).stat().st_mtime_ns == stamp


def test_whisper_cpp_with_the_converted_model_finds_the_speech_faster_whispers_onnx_model_finds(
    padded_jfk: Path, vad_model: Path, default_model_path: Path
) -> None:
    """A wrong weight layout (say LSTM gates in ONNX's order) still loads but finds other speech."""
    from faster_whisper.audio import decode_audio
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    assert faster_whisper_vad_asset().is_file()
    # whisper.cpp's defaults, given to faster-whisper's implementation of the same network.
    options = VadOptions(threshold=0.5, min_speech_duration_ms=250, min_silence_duration_ms=100, speech_pad_ms=30)
    expected = [
        (span["start"] / 16000, span["end"] / 16000)
        for span in get_speech_timestamps(decode_audio(str(padded_jfk)), options)
    ]
    settings = TranscriptionSettings(
        audio_path=padded_jfk, model_path=default_model_path, threads=2, vad_model_path=vad_model
    )
    _, stderr = _run(WhisperCppAdapter(locate_whisper_cpp_binary()), settings, padded_jfk.parent / "segments")
    found = [(float(start), float(end)) for start, end in _SEGMENT_LINE.findall(stderr)]
    assert len(found) == len(expected) >= 3, (found, expected)
    for (start, end), (expected_start, expected_end) in zip(found, expected):
        assert abs(start - expected_start) < 0.1 and abs(end - expected_end) < 0.1, (found, expected)


def test_words_keep_source_time_when_vad_cut_the_silence_away(
    padded_jfk: Path, vad_model: Path, default_model_path: Path
) -> None:
    adapter = WhisperCppAdapter(locate_whisper_cpp_binary())
    settings = TranscriptionSettings(
        audio_path=padded_jfk, model_path=default_model_path, threads=2, engine_word_times=False
    )
    plain, _ = _run(adapter, settings, padded_jfk.parent / "plain")
    skipped, _ = _run(adapter, settings.model_copy(update={"vad_model_path": vad_model}), padded_jfk.parent / "vad")
    plain_words = [(word.text, word.start_ticks / TICKS_PER_SECOND) for word in plain.words]
    skipped_words = [(word.text, word.start_ticks / TICKS_PER_SECOND) for word in skipped.words]
    assert [text for text, _ in skipped_words][:6] == [text for text, _ in plain_words][:6]
    assert min(start for _, start in skipped_words) >= LEAD_SILENCE_SECONDS - 0.2
    differences = [abs(a - b) for (_, a), (_, b) in zip(plain_words, skipped_words)]
    assert statistics.median(differences) < 0.15, list(zip(plain_words, skipped_words))


def test_the_time_map_is_whisper_cpps_own_table_rebuilt_from_its_log() -> None:
    stderr = (
        "whisper_vad: vad_segment_info: orig_start: 5.30, orig_end: 7.30, vad_start: 0.00, vad_end: 2.00\n"
        "whisper_vad: vad_segment_info: orig_start: 10.00, orig_end: 11.00, vad_start: 2.20, vad_end: 3.20\n"
    )
    time_map = vad_time_map_from_stderr(stderr)
    assert time_map is not None
    assert time_map.source_centiseconds(0) == 530
    assert time_map.source_centiseconds(100) == 630  # inside the first segment: shifted
    assert time_map.source_centiseconds(205) == 730  # the kept overlap maps onto the segment's end
    assert time_map.source_centiseconds(220) == 1000  # after the joining silence: the next segment
    assert time_map.source_centiseconds(270) == 1050
    assert time_map.source_milliseconds(1000) == 6300
    assert vad_time_map_from_stderr("whisper_full: no VAD here\n") is None
    assert VadTimeMap(points=()).source_milliseconds(1234) == 1234
