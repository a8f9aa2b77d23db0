"""`transcript generate --json`: every stdout line an event of the published schema, human text on stderr."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

import pytest

from metavis_gui.cli import main
from metavis_gui.cli.json_events import (
    REGENERATE_COMMAND,
    SCHEMA_FILE_NAME,
    ErrorEvent,
    GenerateEvent,
    ProgressEvent,
    ResultEvent,
    SegmentEvent,
    WarningEvent,
    event_schema,
    event_schema_text,
)
from metavis_gui.jobs import alignment_stage
from tests.cli.console_script import GENERATE, QUICK, events_of, jfk_copy, run_command, silence
from tests.conftest import REPO_ROOT
from tests.support.fault_injection.fake_aligners import write_fake_aligner
from tests.support.fault_injection.fake_engines import write_fake_engine
from tests.support.transcript_checks import read_summary_json, read_valid_words

SCHEMA_PATH = REPO_ROOT / "resources" / SCHEMA_FILE_NAME
EventType = TypeVar("EventType")


def test_the_schema_file_is_what_the_models_generate() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == event_schema_text(), f"regenerate it: {REGENERATE_COMMAND}"


def assert_valid_against_the_schema_file(lines: list[str]) -> None:
    """Each line has exactly the keys the schema file gives its event; all of it when jsonschema is installed."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    documents = [json.loads(line) for line in lines]
    for document in documents:
        reference = schema["discriminator"]["mapping"][document["event"]]
        definition = schema["$defs"][reference.removeprefix("#/$defs/")]
        assert set(document) == set(definition["required"]) == set(definition["properties"]), document
    try:
        import jsonschema
    except ImportError:
        return
    validator = jsonschema.Draft202012Validator(schema)
    for document in documents:
        validator.validate(document)


class JsonRun:
    def __init__(self, folder: Path) -> None:
        self.media = jfk_copy(folder)
        self.out_dir = folder / "out"
        self.completed = run_command(
            *GENERATE, "--input", self.media, "--out", self.out_dir, "--json", "--speakers", "2", cwd=folder
        )
        self.lines = self.completed.stdout.splitlines()
        self.events: list[GenerateEvent] = events_of(self.completed.stdout)

    def of_type(self, event_type: type[EventType]) -> list[EventType]:
        return [event for event in self.events if isinstance(event, event_type)]


@pytest.fixture(scope="module")
def json_run(tmp_path_factory: pytest.TempPathFactory, engine_ready: None) -> JsonRun:
    run = JsonRun(tmp_path_factory.mktemp("json-run"))
    assert run.completed.returncode == 0, run.completed.stderr
    return run


def test_stdout_holds_only_events_that_the_schema_file_accepts(json_run: JsonRun) -> None:
    assert json_run.lines and all(line.startswith('{"event":') for line in json_run.lines)
    assert_valid_against_the_schema_file(json_run.lines)
    assert [json.loads(line) for line in json_run.lines] == [
        event.model_dump(mode="json", by_alias=True) for event in json_run.events
    ], "every key is written on every line"


def test_progress_goes_through_every_stage_and_only_forward(json_run: JsonRun) -> None:
    progress = json_run.of_type(ProgressEvent)
    assert list(dict.fromkeys(event.stage.value for event in progress)) == [
        "preparing", "decoding", "transcribing", "aligning", "writing",
    ]  # fmt: skip
    percents = [event.percent for event in progress]
    assert percents == sorted(percents) and percents[-1] == 100.0
    assert any(event.eta_seconds is not None for event in progress if event.stage.value == "transcribing")


def test_segments_carry_the_text_and_the_words_so_far(json_run: JsonRun) -> None:
    segments = json_run.of_type(SegmentEvent)
    assert segments, "the engine's text arrives as it is recognised"
    counts = [segment.words_so_far for segment in segments]
    assert counts == sorted(counts) and counts[-1] >= 18
    assert "country" in " ".join(segment.text for segment in segments)


def test_the_last_line_is_the_result_with_the_written_paths(json_run: JsonRun) -> None:
    result = json_run.events[-1]
    assert isinstance(result, ResultEvent) and result.exit_code == 0
    adjacent = json_run.media.with_name("jfk.captions.vtt")
    assert [Path(path) for path in result.output_paths] == [
        json_run.out_dir / "transcript.words.v1.jsonl",
        json_run.out_dir / "transcript.summary.v1.json",
        json_run.out_dir / "captions.vtt",
        adjacent,
    ]
    assert (
        result.word_count == len(read_valid_words(json_run.out_dir)) == read_summary_json(json_run.out_dir)["wordCount"]
    )
    assert result.language == "en" and result.timing is not None
    assert result.timing.aligned + result.timing.engine_timed == result.word_count


def test_warnings_are_events_and_stderr_lines(json_run: JsonRun) -> None:
    [warning] = json_run.of_type(WarningEvent)
    assert warning.code == "unknown_arguments" and "--speakers 2" in warning.message
    assert f"metavis-transcribe: {warning.message}" in json_run.completed.stderr.splitlines()
    assert "transcribing" in json_run.completed.stderr, "human progress stays on stderr"


def test_a_usage_error_is_an_error_event_too(tmp_path: Path) -> None:
    completed = run_command(*GENERATE, "--out", tmp_path / "out", "--json")
    assert completed.returncode == 2
    [error] = events_of(completed.stdout)
    assert isinstance(error, ErrorEvent) and error.code == "usage" and "--input" in error.message


@pytest.mark.usefixtures("engine_ready")
def test_an_engine_failure_is_an_error_event_with_the_engine_output(tmp_path: Path) -> None:
    fake = write_fake_engine(tmp_path, "error-printing")
    completed = run_command(
        *GENERATE, "--input", jfk_copy(tmp_path), "--out", tmp_path / "out", "--json", *QUICK,
        environ={"WHISPERCPP_BIN": str(fake)},
    )  # fmt: skip
    assert completed.returncode == 1
    error = events_of(completed.stdout)[-1]
    assert isinstance(error, ErrorEvent) and error.code == "engine_failed" and error.exit_code == 1
    assert "failed to read audio file" in error.message
    assert_valid_against_the_schema_file(completed.stdout.splitlines())


@pytest.mark.usefixtures("engine_ready")
def test_an_alignment_notice_is_a_warning_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # In-process, because a crashing aligner can only be put in the installed command's place from here.
    fake = write_fake_aligner(tmp_path, "crashing")
    monkeypatch.setattr(alignment_stage, "aligner_command", lambda: (str(fake), []))
    media = jfk_copy(tmp_path)
    arguments = [*GENERATE, "--input", str(media), "--out", str(tmp_path / "out"), "--max-seconds", "4", "--json"]
    assert main([*arguments, "--quiet"]) == 0
    events = events_of(capsys.readouterr().out)
    [warning] = [event for event in events if isinstance(event, WarningEvent)]
    assert warning.code == "alignment" and "Alignment failed" in warning.message
    result = events[-1]
    assert isinstance(result, ResultEvent) and result.timing is not None
    assert result.timing.engine_timed == result.word_count


def test_error_codes_and_exit_codes_agree_in_the_schema() -> None:
    definitions = event_schema()["$defs"]
    assert set(definitions["ExitCode"]["enum"]) == {0, 1, 2, 3, 4, 130}
    assert {"usage", "input_missing", "input_unreadable", "output_not_writable", "interrupted"} <= set(
        definitions["ErrorCode"]["enum"]
    )
    assert set(definitions["ErrorEvent"]["required"]) == {"event", "code", "message", "details", "exitCode"}


def test_no_speech_is_a_warning_and_an_empty_result(tmp_path: Path) -> None:
    completed = run_command(*GENERATE, "--input", silence(tmp_path), "--out", tmp_path / "out", "--json")
    assert completed.returncode == 0, completed.stderr
    events = events_of(completed.stdout)
    [warning] = [event for event in events if isinstance(event, WarningEvent)]
    assert warning.code == "no_speech" and "room tone.wav" in warning.message
    assert isinstance(events[-1], ResultEvent) and events[-1].word_count == 0
