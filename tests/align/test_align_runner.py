"""The alignment runner as the job runner starts it: a child process speaking the runners' line protocol."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from metavis_gui.align import AlignmentResult
from metavis_gui.engines.runner_protocol import (
    EXIT_AUDIO_FAILED,
    EXIT_MODEL_FAILED,
    EXIT_USAGE,
    reported_error,
)
from tests.align.conftest import REFERENCE_DIR, engine_like_words, load_reference_clip

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CLIP = "en-kal-workshop"


def run_runner(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "metavis_gui.align.alignment_runner", *map(str, arguments)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_ROOT,
    )


@pytest.fixture(scope="module")
def words_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    words = engine_like_words(load_reference_clip(CLIP))
    path = tmp_path_factory.mktemp("runner") / "words in.json"
    path.write_text(json.dumps({"words": [word.model_dump(mode="json") for word in words]}), encoding="utf-8")
    return path


def test_the_runner_aligns_reports_progress_and_writes_the_result(words_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out dir" / "aligned.json"
    completed = run_runner("--audio", REFERENCE_DIR / f"{CLIP}.wav", "--words", words_file, "--out", out,
                           "--language", "en", "--workers", "2")  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    percents = [int(match) for match in re.findall(r"^progress = +(\d+)%$", completed.stderr, re.MULTILINE)]
    assert percents[0] == 0 and percents[-1] == 100 and len(percents) >= 4
    assert percents == sorted(percents)
    assert reported_error(completed.stderr) == ""
    result = AlignmentResult.model_validate_json(out.read_text(encoding="utf-8"))
    expected = json.loads(words_file.read_text(encoding="utf-8"))["words"]
    assert [word.text for word in result.words] == [word["text"] for word in expected]
    assert result.aligned_count == len(expected) and result.acoustic_model == "en-us"
    assert [path.name for path in out.parent.iterdir()] == ["aligned.json"]  # no temporary file left behind


def test_without_a_language_the_runner_keeps_the_engine_times(words_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "aligned.json"
    completed = run_runner("--audio", REFERENCE_DIR / f"{CLIP}.wav", "--words", words_file, "--out", out)
    assert completed.returncode == 0, completed.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["aligned_count"] == 0
    assert document["notice"] == "no acoustic model for an unknown language: the engine's word times were kept"


@pytest.mark.parametrize(
    ("words_text", "message"),
    [
        ("{not json", "could not be read"),
        ('{"segments": []}', 'must hold {"words": [...]}'),
        ('{"words": [{"text": "", "start_ticks": 0, "end_ticks": 1, "confidence": 1}]}', "has an invalid word"),
        ('{"words": [{"text": "a", "start_ticks": 9, "end_ticks": 1, "confidence": 1}]}', "has an invalid word"),
    ],
)
def test_a_bad_words_file_is_an_error_line_and_exit_code_and_no_output(
    words_text: str, message: str, tmp_path: Path
) -> None:
    words = tmp_path / "words.json"
    words.write_text(words_text, encoding="utf-8")
    out = tmp_path / "aligned.json"
    completed = run_runner("--audio", REFERENCE_DIR / f"{CLIP}.wav", "--words", words, "--out", out, "--language", "en")
    assert completed.returncode == EXIT_USAGE
    assert message in reported_error(completed.stderr)
    assert not out.exists()


def test_unreadable_audio_is_an_error_line_and_exit_code_and_no_output(words_file: Path, tmp_path: Path) -> None:
    stereo = tmp_path / "stereo.wav"
    with wave.open(str(stereo), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(44100)
        writer.writeframes(b"\0" * 4 * 44100)
    not_audio = tmp_path / "not audio.wav"
    not_audio.write_bytes(b"this is no RIFF file")
    for audio, message in (
        (tmp_path / "missing.wav", "could not be read"),
        (not_audio, "could not be read"),
        (stereo, "must be 16 kHz mono 16-bit PCM, not 44100 Hz, 2 channel(s), 16-bit"),
    ):
        out = tmp_path / "aligned.json"
        completed = run_runner("--audio", audio, "--words", words_file, "--out", out, "--language", "en")
        assert completed.returncode == EXIT_AUDIO_FAILED, completed.stderr
        assert message in reported_error(completed.stderr)
        assert not out.exists()


def test_a_broken_acoustic_model_is_exit_code_3(words_file: Path, tmp_path: Path) -> None:
    model_folder = tmp_path / "models" / "en" / "broken-en"
    model_folder.mkdir(parents=True)
    for name in ("means", "variances", "transition_matrices", "noisedict", "sendump"):
        (model_folder / name).write_bytes(b"")
    (model_folder / "mdef").write_text("not a model definition")
    (tmp_path / "models" / "en" / "words.dict").write_text("hello HH AH L OW\n")
    out = tmp_path / "aligned.json"
    completed = run_runner("--audio", REFERENCE_DIR / f"{CLIP}.wav", "--words", words_file, "--out", out,
                           "--language", "en", "--acoustic-models", tmp_path / "models")  # fmt: skip
    assert completed.returncode == EXIT_MODEL_FAILED, completed.stderr
    assert reported_error(completed.stderr).endswith("broken-en/mdef is not a pocketsphinx model definition")
    assert not out.exists()


def test_bad_arguments_are_argparse_usage_errors(tmp_path: Path) -> None:
    completed = run_runner("--audio", tmp_path / "a.wav")
    assert completed.returncode == EXIT_USAGE
    assert "--words" in completed.stderr


def test_the_runner_starts_without_numpy_or_pocketsphinx() -> None:
    code = (
        "import sys, metavis_gui.align.alignment_runner as runner\n"
        "runner.build_parser()\n"
        "print(','.join(sorted(m for m in ('numpy', 'pocketsphinx', 'pydantic') if m in sys.modules)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT
    )
    assert completed.stdout.strip() == ""
