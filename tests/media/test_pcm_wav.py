"""A plain PCM WAV is read from its header as ffprobe reads it, and engine-ready audio is copied, not decoded."""

from __future__ import annotations

import json
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
import qasync

from metavis_gui.jobs import audio_decoding
from metavis_gui.jobs.audio_decoding import decode_to_wav
from metavis_gui.media.pcm_wav import read_pcm_wav_layout
from metavis_gui.media.probe import parse_probe_output, pcm_wav_media_info, probe_arguments
from tests.cli.console_script import GENERATE, run_command
from tests.conftest import JFK_WAV, run_ffmpeg


def _ffprobe(path: Path):
    result = subprocess.run(["ffprobe", *probe_arguments(path)], capture_output=True, text=True, check=False)
    return parse_probe_output(path, result.returncode, result.stdout, result.stderr)


def _samples(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as reader:
        assert (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) == (16000, 1, 2)
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")


@pytest.fixture(scope="module")
def wav_variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pcm-wav")
    made = {"jfk": JFK_WAV}
    for name, arguments in {
        "stereo-44k": ["-ac", "2", "-ar", "44100", "-c:a", "pcm_s16le"],
        "float-48k": ["-ac", "1", "-ar", "48000", "-c:a", "pcm_f32le"],
        "u8-8k": ["-ac", "1", "-ar", "8000", "-c:a", "pcm_u8"],
        "s24-six-channels": ["-ac", "6", "-ar", "48000", "-c:a", "pcm_s24le"],
        "with-list-chunk": ["-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-metadata", "title=Fellow Americans"],
    }.items():
        made[name] = folder / f"{name}.wav"
        run_ffmpeg("-i", str(JFK_WAV), *arguments, str(made[name]))
    truncated = folder / "truncated.wav"
    samples_start = read_pcm_wav_layout(JFK_WAV).data_offset
    truncated.write_bytes(JFK_WAV.read_bytes()[: samples_start + 16000 * 2 * 3 + 1])  # 3 s and an odd byte of 11
    made["truncated"] = truncated
    return made


@pytest.mark.parametrize(
    "name", ["jfk", "stereo-44k", "float-48k", "u8-8k", "s24-six-channels", "with-list-chunk", "truncated"]
)
def test_a_pcm_wav_reads_from_its_header_as_ffprobe_reads_it(wav_variants: dict[str, Path], name: str) -> None:
    path = wav_variants[name]
    from_header, from_ffprobe = pcm_wav_media_info(path), _ffprobe(path)
    assert from_header is not None
    assert from_header.duration_seconds == pytest.approx(from_ffprobe.duration_seconds, abs=0.001)
    for field in ("audio_codec", "sample_rate", "channels", "audio_stream_count", "has_video", "frame_rate"):
        assert getattr(from_header, field) == getattr(from_ffprobe, field), field
    assert "wav" in from_ffprobe.format_name.split(",")


def test_only_16_khz_mono_16_bit_counts_as_engine_audio(wav_variants: dict[str, Path]) -> None:
    ready = {name: read_pcm_wav_layout(path).is_engine_audio for name, path in wav_variants.items()}
    assert ready == {"jfk": True, "stereo-44k": False, "float-48k": False, "u8-8k": False, "s24-six-channels": False,
                     "with-list-chunk": True, "truncated": True}  # fmt: skip


def test_the_header_of_a_truncated_wav_still_promises_the_whole(wav_variants: dict[str, Path]) -> None:
    layout = read_pcm_wav_layout(wav_variants["truncated"])
    assert layout.present_seconds == 3.0
    assert layout.declared_seconds == pytest.approx(11.0)


def test_files_it_is_unsure_of_go_to_ffprobe(tmp_path: Path) -> None:
    header_only = tmp_path / "header-only.wav"
    header_only.write_bytes(JFK_WAV.read_bytes()[: read_pcm_wav_layout(JFK_WAV).data_offset])
    mu_law = tmp_path / "mu-law.wav"
    run_ffmpeg("-i", str(JFK_WAV), "-c:a", "pcm_mulaw", str(mu_law))
    mp3 = tmp_path / "jfk.mp3"
    run_ffmpeg("-i", str(JFK_WAV), str(mp3))
    not_media = tmp_path / "notes.wav"
    not_media.write_text("RIFF but not really")
    for path in (header_only, mu_law, mp3, not_media, tmp_path / "missing.wav"):
        assert pcm_wav_media_info(path) is None, path


@pytest.mark.parametrize(("start", "most"), [(0.0, None), (1.5, 2.0), (10.0, 5.0)])
def test_engine_audio_is_copied_with_the_samples_ffmpeg_would_give(
    qasync_loop: qasync.QEventLoop, wav_variants: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    start: float, most: float | None,
) -> None:  # fmt: skip
    source = wav_variants["with-list-chunk"]
    by_ffmpeg = tmp_path / "by-ffmpeg.wav"
    qasync_loop.run_until_complete(decode_to_wav(source, by_ffmpeg, start_seconds=start, max_seconds=most))

    def no_child(*arguments: object, **keywords: object) -> None:
        raise AssertionError("FFmpeg started for audio that needed only a copy")

    monkeypatch.setattr(audio_decoding, "run_child_process", no_child)
    fractions: list[float] = []
    copied = tmp_path / "copied.wav"
    qasync_loop.run_until_complete(
        decode_to_wav(source, copied, start_seconds=start, max_seconds=most, on_fraction=fractions.append)
    )
    assert np.array_equal(_samples(copied), _samples(by_ffmpeg))
    assert fractions[0] == 0.0 and fractions[-1] == 1.0


def test_other_wavs_still_go_through_ffmpeg(
    qasync_loop: qasync.QEventLoop, wav_variants: dict[str, Path], tmp_path: Path
) -> None:
    decoded = tmp_path / "decoded.wav"
    qasync_loop.run_until_complete(decode_to_wav(wav_variants["stereo-44k"], decoded))
    assert len(_samples(decoded)) == pytest.approx(11 * 16000, abs=16)


def test_the_command_on_a_wav_starts_neither_ffprobe_nor_ffmpeg(tmp_path: Path, engine_ready: None) -> None:
    no_programs = tmp_path / "empty-path"
    no_programs.mkdir()
    result = run_command(
        *GENERATE, "--input", JFK_WAV, "--out", tmp_path / "out", "--write-adjacent-captions", "false",
        environ={"PATH": str(no_programs)},  # the run fails if it looks for FFmpeg's programs
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "out" / "transcript.summary.v1.json").read_text(encoding="utf-8"))
    assert summary["durationSeconds"] == 11.0 and summary["wordCount"] == 22
