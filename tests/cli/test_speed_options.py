"""`--vad` and `--engine-processes` through the console script, with the real whisper-cli and speech."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metavis_gui.contract.ticks import TICKS_PER_SECOND
from tests.cli.console_script import GENERATE, run_command
from tests.conftest import JFK_WAV, run_ffmpeg


def _words(out: Path) -> list[dict]:
    lines = (out / "transcript.words.v1.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _normalized(words: list[dict]) -> list[str]:
    return [word["word"].strip(",.?!").lower() for word in words]


@pytest.fixture(scope="module")
def speech_between_music(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 s of chords, the JFK speech, 20 s of chords: 51 s, so `--vad auto` would not skip; `on` must."""
    target = tmp_path_factory.mktemp("speed") / "speech between music.wav"

    def chord(label: str) -> str:
        tones = "".join(f"sine=f={f}:d=20:sample_rate=16000[{label}{f}];" for f in (220, 277, 330))
        return f"{tones}[{label}220][{label}277][{label}330]amix=inputs=3,volume=0.6,aformat=sample_rates=16000:channel_layouts=mono[{label}]"

    graph = (
        f"{chord('m')};{chord('n')};[0:a]aformat=sample_rates=16000:channel_layouts=mono[s];[m][s][n]concat=n=3:v=0:a=1"
    )
    run_ffmpeg("-i", str(JFK_WAV), "-filter_complex", graph, "-ar", "16000", "-ac", "1", str(target))
    return target


@pytest.mark.usefixtures("engine_ready")
def test_vad_on_keeps_word_times_in_the_media_and_adds_no_words_in_the_music(
    speech_between_music: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    finished = run_command(
        *GENERATE, "--input", speech_between_music, "--out", out, "--engine", "whisper.cpp",
        "--vad", "on", "--align", "off", "--write-adjacent-captions", "false", "--quiet", timeout=900,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    words = _words(out)
    assert "americans" in _normalized(words) and "country" in _normalized(words)
    starts = [word["sourceTimeTicks"] / TICKS_PER_SECOND for word in words]
    assert min(starts) >= 19.5 and max(starts) <= 31.5, starts


@pytest.mark.usefixtures("engine_ready")
def test_two_engine_processes_on_two_parts_give_the_words_of_one(long_speech_wav: Path, tmp_path: Path) -> None:
    runs = {}
    for processes in ("1", "2"):
        out = tmp_path / f"processes-{processes}"
        finished = run_command(
            *GENERATE, "--input", long_speech_wav, "--out", out, "--engine-processes", processes, "--threads", "2",
            "--align", "off", "--write-adjacent-captions", "false", "--json", timeout=900,
        )  # fmt: skip
        assert finished.returncode == 0, finished.stderr
        runs[processes] = (_words(out), finished.stdout)
    one, two = _normalized(runs["1"][0]), _normalized(runs["2"][0])
    # Whisper itself may skip a whole repetition of looped speech (either way); the join must lose nothing more.
    assert one.count("americans") >= 5 and two.count("americans") >= 5
    assert len(two) >= len(one) - 25
    starts_ends = [(word["sourceTimeTicks"], word["sourceTimeEndTicks"]) for word in runs["2"][0]]
    assert all(end <= next_start for (_, end), (next_start, _) in zip(starts_ends, starts_ends[1:])), "no overlap"
    times = [word["sourceTimeTicks"] / TICKS_PER_SECOND for word in runs["2"][0]]
    assert times == sorted(times) and times[-1] > 50
    progress = [
        json.loads(line)["percent"]
        for line in runs["2"][1].splitlines()
        if '"progress"' in line and json.loads(line).get("stage") == "transcribing"
    ]
    assert progress == sorted(progress)
