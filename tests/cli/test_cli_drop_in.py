"""The installed command reads a MetaVis `transcript generate` line the way that command does.

Each point of issue 15's drop-in list, through the console script: adjacent captions on by default,
`--allow-large` accepted, 0 and negative seconds, dash-leading paths, unknown arguments (and `--strict`),
`whispercpp-coreml` without a Core ML build, and WHISPERCPP_BIN / WHISPERCPP_MODEL.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metavis_gui.engines.whisper_cpp_binary import read_build_info
from tests.cli.console_script import GENERATE, QUICK, jfk_copy, run_command, silence, stderr_lines_naming
from tests.support.transcript_checks import read_summary_json, read_valid_words

pytestmark = pytest.mark.usefixtures("engine_ready")

JFK_SECONDS = 11.0
OUTPUT_FILES = ["captions.vtt", "transcript.summary.v1.json", "transcript.words.v1.jsonl"]


class MetaVisLine:
    """One run of the MetaVis line with every lenient argument at once: the whole file, words and all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.media = jfk_copy(folder, "-take1.wav")
        # Relative, dash-leading paths, as a script run in the media's folder passes them.
        self.completed = run_command(
            *GENERATE, "--input", "-take1.wav", "--out", "-take1 transcript",
            "--start-seconds", "-2", "--max-seconds", "0", "--allow-large",
            "--frame-rate", "25", "--max", "3", "--align", "off",
            cwd=folder,
        )  # fmt: skip
        self.out_dir = folder / "-take1 transcript"


@pytest.fixture(scope="module")
def metavis_line(tmp_path_factory: pytest.TempPathFactory) -> MetaVisLine:
    run = MetaVisLine(tmp_path_factory.mktemp("metavis-line"))
    assert run.completed.returncode == 0, run.completed.stderr
    return run


def test_dash_leading_input_and_out_are_taken_as_paths(metavis_line: MetaVisLine) -> None:
    assert sorted(path.name for path in metavis_line.out_dir.iterdir()) == OUTPUT_FILES
    assert read_summary_json(metavis_line.out_dir)["input"] == "-take1.wav"
    printed = metavis_line.completed.stdout.splitlines()
    written_in_order = ["transcript.words.v1.jsonl", "transcript.summary.v1.json", "captions.vtt"]
    assert printed[:3] == [str(Path("-take1 transcript") / name) for name in written_in_order]


def test_adjacent_captions_are_written_by_default(metavis_line: MetaVisLine) -> None:
    adjacent = metavis_line.folder / "-take1.captions.vtt"
    assert adjacent.read_bytes() == (metavis_line.out_dir / "captions.vtt").read_bytes()
    assert str(adjacent.relative_to(metavis_line.folder)) in metavis_line.completed.stdout.splitlines()


def test_zero_max_seconds_is_to_the_end_and_a_negative_start_is_the_start(metavis_line: MetaVisLine) -> None:
    words = read_valid_words(metavis_line.out_dir)
    assert len(words) >= 18
    assert words[0].source_time_ticks < 1 * 60000, "a negative start counts as 0"
    assert words[-1].source_time_end_ticks > (JFK_SECONDS - 2) * 60000, "0 seconds means to the end"
    assert "country" in words[-1].word


def test_allow_large_is_accepted_and_unknown_arguments_are_one_warning(metavis_line: MetaVisLine) -> None:
    stderr = metavis_line.completed.stderr
    assert "--allow-large" not in stderr
    warnings = stderr_lines_naming(stderr, "unknown arguments")
    # `--max` is no abbreviation of --max-seconds here, as there: the words go to the end.
    assert warnings == ["metavis-transcribe: unknown arguments: --frame-rate 25 --max 3; ignored"], stderr
    assert "error" not in stderr.lower()


def test_strict_refuses_unknown_arguments_before_any_work(tmp_path: Path) -> None:
    media = jfk_copy(tmp_path)
    completed = run_command(*GENERATE, "--input", media, "--out", tmp_path / "out", "--frame-rate", "25", "--strict")
    assert completed.returncode == 2, completed.stderr
    assert "refused under --strict: unknown arguments: --frame-rate 25" in completed.stderr
    assert "preparing" not in completed.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("value", "written", "warned"),
    [("YES", True, False), ("1", True, False), ("false", False, False), ("maybe", False, True)],
)
def test_write_adjacent_captions_values(tmp_path: Path, value: str, written: bool, warned: bool) -> None:
    media = silence(tmp_path)
    completed = run_command(*GENERATE, "--input", media, "--out", tmp_path / "out", "--write-adjacent-captions", value)
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "room tone.captions.vtt").exists() is written
    warning = f"--write-adjacent-captions '{value}' is not true or false; taken as false"
    assert (warning in completed.stderr) is warned, completed.stderr


@pytest.mark.parametrize("option", ["--start-seconds", "--max-seconds"])
def test_seconds_that_are_not_a_number_count_as_0_with_a_warning(tmp_path: Path, option: str) -> None:
    # The MetaVis command reads them as 0; a script passing an unset variable ("") relies on that.
    completed = run_command(*GENERATE, "--input", silence(tmp_path), "--out", tmp_path / "out", option, "")
    assert completed.returncode == 0, completed.stderr
    meaning = "from the start" if option == "--start-seconds" else "to the end"
    assert f"{option} '' is not a number of seconds; taken as 0 ({meaning})" in completed.stderr


def test_whispercpp_coreml_without_core_ml_runs_the_cpu_build_with_one_notice(
    tmp_path: Path, whisper_cli_path: Path
) -> None:
    if read_build_info(whisper_cli_path)[1]:
        pytest.skip("this machine's whisper.cpp is a Core ML build")
    media = jfk_copy(tmp_path)
    completed = run_command(
        *GENERATE, "--input", media, "--out", tmp_path / "out", "--engine", "whispercpp-coreml", *QUICK
    )
    assert completed.returncode == 0, completed.stderr
    notice = f"whispercpp-coreml: {whisper_cli_path} is a CPU build of whisper.cpp (no Core ML), so it runs on the CPU"
    assert stderr_lines_naming(completed.stderr, "whispercpp-coreml") == [f"metavis-transcribe: {notice}"]
    assert read_summary_json(tmp_path / "out")["tool"]["name"] == "whisper.cpp"


def test_whispercpp_variables_choose_the_binary_and_the_model(
    tmp_path: Path, whisper_cli_path: Path, default_model_path: Path
) -> None:
    binary = tmp_path / "tools" / "whisper-cli"
    binary.parent.mkdir()
    binary.symlink_to(whisper_cli_path)
    model = tmp_path / "models" / "ggml-my-tiny.bin"
    model.parent.mkdir()
    model.symlink_to(default_model_path)
    environ = {"WHISPERCPP_BIN": str(binary), "WHISPERCPP_MODEL": str(model)}
    version = run_command("--version", environ=environ)
    assert f"{binary} (WHISPERCPP_BIN)" in version.stdout
    assert f"default model {model} (from WHISPERCPP_MODEL): installed, {model}" in version.stdout

    media = jfk_copy(tmp_path)
    completed = run_command(*GENERATE, "--input", media, "--out", tmp_path / "out", *QUICK, environ=environ)
    assert completed.returncode == 0, completed.stderr
    assert read_summary_json(tmp_path / "out")["tool"]["model"] == "tiny.en"

    missing = {**environ, "WHISPERCPP_MODEL": str(tmp_path / "models" / "ggml-gone.bin")}
    refused = run_command(*GENERATE, "--input", media, "--out", tmp_path / "out2", *QUICK, environ=missing)
    assert refused.returncode == 1, refused.stderr
    assert "ggml-gone.bin" in refused.stderr
    assert not (tmp_path / "out2").exists()


def test_the_summary_matches_the_contract_keys(metavis_line: MetaVisLine) -> None:
    summary = json.loads((metavis_line.out_dir / "transcript.summary.v1.json").read_text(encoding="utf-8"))
    assert {"schema", "input", "durationSeconds", "language", "tool", "wordCount"} <= set(summary)
    assert summary["wordCount"] == len(read_valid_words(metavis_line.out_dir))


def test_help_documents_the_drop_in_reading_and_the_size_policy() -> None:
    completed = run_command(*GENERATE, "--help")
    assert completed.returncode == 0
    text = " ".join(completed.stdout.split())
    assert "refuses no file for its size" in text
    assert "even when it starts with a dash" in text
    assert "default: true; true, 1 and yes mean true, anything else false" in text
