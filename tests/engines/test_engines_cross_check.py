"""All three engines, the same tiny.en weights, the same speech: the same words, at about the same times.

Each engine transcribes jfk.wav once per test session through the headless command; the per-engine test
files reuse these runs through jfk_transcript_dir, and share the helpers below that run an adapter's
command and look for processes in /proc.
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from metavis_gui import cli
from metavis_gui.engines.engine_adapter import EngineAdapter
from metavis_gui.engines.engine_command import EngineCommand, TranscriptionSettings
from metavis_gui.models.ct2_to_openai_whisper import install_default_openai_whisper_model
from tests.conftest import JFK_REFERENCE, JFK_WAV
from tests.support.transcript_checks import (
    assert_words_ordered_inside,
    normalised_words,
    read_summary_json,
    read_valid_words,
    word_error_rate,
)

ENGINES = ("whisper.cpp", "openai-whisper", "faster-whisper")
THREADS = "2"


def jfk_transcript_dir(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The transcript folder of `metavis-transcribe transcript generate --engine ENGINE --model tiny.en` on jfk.wav."""
    out_dir = tmp_path_factory.getbasetemp() / "jfk-by-engine" / engine
    if (out_dir / "transcript.summary.v1.json").is_file():
        return out_dir
    if engine == "openai-whisper":
        install_default_openai_whisper_model()
    arguments = ["transcript", "generate", "--input", str(JFK_WAV), "--out", str(out_dir), "--quiet",
                 "--write-adjacent-captions", "false"]  # fmt: skip
    assert cli.main([*arguments, "--engine", engine, "--model", "tiny.en", "--threads", THREADS]) == 0
    return out_dir


def check_jfk_transcript(out_dir: Path, tool: dict[str, str]) -> None:
    """The reference sentence, valid and ordered words inside the clip, the engine's confidence and name."""
    records = read_valid_words(out_dir)
    text = " ".join(record.word for record in records)
    assert word_error_rate(JFK_REFERENCE, text) <= 0.10, text
    assert_words_ordered_inside(records, 11.0)
    assert any(record.confidence < 1.0 for record in records), "confidence must come from the engine"
    summary = read_summary_json(out_dir)
    assert summary["tool"] == tool
    assert summary["language"] == "en"
    # "And" starts near 0.3 s and "country." ends near 10.6 s in this recording.
    assert records[0].source_time_ticks < 1.5 * 60000 and records[-1].source_time_end_ticks > 9.0 * 60000


def run_engine_command(
    adapter: EngineAdapter, settings: TranscriptionSettings, work_dir: Path
) -> tuple[EngineCommand, subprocess.CompletedProcess[str]]:
    """The adapter's command, run to the end as the job runner would, with its output captured."""
    command = adapter.build_command(settings, work_dir)
    completed = subprocess.run(
        [str(command.program), *command.arguments], capture_output=True, text=True, timeout=240, check=False
    )
    return command, completed


def start_generate_in_child(input_path: Path, out_dir: Path, engine: str, private_tmp: Path) -> subprocess.Popen[str]:
    """`metavis-transcribe transcript generate` in a process of its own, its temporary files in private_tmp."""
    command = [
        sys.executable, "-m", "metavis_gui.cli.command", "transcript", "generate", "--input", str(input_path),
        "--out", str(out_dir), "--engine", engine, "--model", "tiny.en", "--threads", "1",
        "--write-adjacent-captions", "false",
    ]  # fmt: skip
    environment = {**os.environ, "TMPDIR": str(private_tmp)}
    return subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=environment)


def live_processes(*markers: str) -> list[int]:
    """Processes (not zombies) whose argv has every marker inside one of its arguments."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and is_alive(int(entry.name)):
            try:
                arguments = (entry / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
            except OSError:
                continue
            if all(any(marker in argument for argument in arguments) for marker in markers):
                found.append(int(entry.name))
    return found


def children_of(pid: int) -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit() and _parent(entry) == pid]


def is_alive(pid: int) -> bool:
    fields = _stat_fields(Path(f"/proc/{pid}"))
    return bool(fields) and fields[0] != "Z"


def _parent(entry: Path) -> int | None:
    fields = _stat_fields(entry)
    return int(fields[1]) if fields and fields[0] != "Z" else None


def _stat_fields(entry: Path) -> list[str]:
    # The command name in parentheses may hold spaces: the fields after it start at the state.
    try:
        return (entry / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


@pytest.fixture(scope="module")
def words_by_engine(engine_ready: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    return {engine: read_valid_words(jfk_transcript_dir(engine, tmp_path_factory)) for engine in ENGINES}


def _text(records: list) -> str:
    return " ".join(record.word for record in records)


@pytest.mark.parametrize("engine", ENGINES)
def test_each_engine_gives_the_reference_sentence(words_by_engine: dict[str, list], engine: str) -> None:
    text = _text(words_by_engine[engine])
    assert word_error_rate(JFK_REFERENCE, text) <= 0.10, f"{engine}: {text}"


def test_the_engines_agree_with_each_other(words_by_engine: dict[str, list]) -> None:
    for first, second in itertools.combinations(ENGINES, 2):
        one, other = _text(words_by_engine[first]), _text(words_by_engine[second])
        assert word_error_rate(one, other) <= 0.10, f"{first}: {one!r} vs {second}: {other!r}"


def test_the_engines_place_the_same_words_at_about_the_same_times(words_by_engine: dict[str, list]) -> None:
    for first, second in itertools.combinations(ENGINES, 2):
        one, other = words_by_engine[first], words_by_engine[second]
        if [normalised_words(r.word) for r in one] != [normalised_words(r.word) for r in other]:
            pytest.fail(f"{first} and {second} differ in words; times cannot be paired")
        pairs = zip(one, other, strict=True)
        end_gaps = [abs(a.source_time_end_ticks - b.source_time_end_ticks) / 60000 for a, b in pairs]
        # Each engine times words its own way (whisper.cpp's DTW, openai-whisper's default heads for a
        # converted checkpoint, faster-whisper's tuned heads): close, never equal.
        assert statistics.median(end_gaps) <= 0.15, (first, second, end_gaps)
        assert max(end_gaps) <= 0.6, (first, second, end_gaps)
