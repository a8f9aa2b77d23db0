"""WhisperKit: its report parsed into words, its argv, its progress, and where it can run (only Apple Silicon)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from metavis_gui.contract.ticks import ticks_from_seconds
from metavis_gui.engines.engine_command import TranscriptionSettings
from metavis_gui.engines.engine_table import ENGINE_TABLE, describe_engine, engine_spec
from metavis_gui.engines.errors import EngineFailed, EngineNotFound, ModelMissing
from metavis_gui.engines.model_availability import describe_models
from metavis_gui.engines.whisperkit_adapter import (
    ENCODER_NAME,
    WhisperKitAdapter,
    WhisperKitProgram,
    locate_whisperkit_cli,
    resolve_whisperkit_model,
)
from metavis_gui.engines.whisperkit_report import parse_whisperkit_report
from metavis_gui.models.engine_ids import EngineId, engine_id_from_name
from metavis_gui.ui.transcription_options_panel import TranscriptionOptionsPanel

REPORT = Path(__file__).parents[1] / "data" / "whisperkit" / "jfk.json"
JFK_WORDS = Path(__file__).parents[1] / "data" / "exports" / "jfk.transcript.words.v1.jsonl"


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def model_folder(path: Path) -> Path:
    (path / ENCODER_NAME).mkdir(parents=True)
    return path


def adapter(tmp_path: Path) -> WhisperKitAdapter:
    return WhisperKitAdapter(WhisperKitProgram(executable(tmp_path / "bin" / "whisperkit-cli"), "PATH"))


def test_the_report_gives_every_word_with_its_times_probability_and_segment() -> None:
    transcript = parse_whisperkit_report(REPORT)
    expected = [json.loads(line) for line in JFK_WORDS.read_text(encoding="utf-8").splitlines()]
    assert [word.text for word in transcript.words] == [row["word"] for row in expected]
    assert transcript.language == "en"
    report_words = [word for segment in json.loads(REPORT.read_text())["segments"] for word in segment["words"]]
    for word, reported in zip(transcript.words, report_words, strict=True):
        assert word.start_ticks == ticks_from_seconds(reported["start"])
        assert word.end_ticks == ticks_from_seconds(reported["end"])
        assert word.confidence == pytest.approx(reported["probability"])
    assert {word.segment_index for word in transcript.words[:14]} == {0}
    assert {word.segment_index for word in transcript.words[14:]} == {1}


def write_report(path: Path, segments: list[dict]) -> Path:
    path.write_text(json.dumps({"text": "", "language": "en", "segments": segments}), encoding="utf-8")
    return path


def test_special_tokens_and_annotations_are_not_words_and_times_never_run_backwards(tmp_path: Path) -> None:
    words = [
        {"word": "<|0.00|>", "tokens": [50364], "start": 0.0, "end": 0.0, "probability": 1.0},
        {"word": " [BLANK_AUDIO]", "tokens": [1], "start": 0.0, "end": 1.0, "probability": 0.9},
        {"word": " Hello", "tokens": [2], "start": 1.0, "end": 1.5, "probability": 1.2},
        {"word": " there.", "tokens": [3], "start": 1.4, "end": 1.3, "probability": 0.5},
    ]
    report = write_report(tmp_path / "a.json", [{"start": 0.0, "end": 2.0, "text": " Hello there.", "words": words}])
    transcript = parse_whisperkit_report(report)
    assert [word.text for word in transcript.words] == ["Hello", "there."]
    hello, there = transcript.words
    assert hello.confidence == 1.0  # clamped
    assert there.start_ticks == hello.end_ticks == there.end_ticks


def test_a_report_without_word_times_or_not_json_is_refused_naming_the_file(tmp_path: Path) -> None:
    silent = write_report(tmp_path / "silent.json", [{"start": 0.0, "end": 1.0, "text": "<|0.00|><|1.00|>"}])
    assert parse_whisperkit_report(silent).words == ()
    spoken = write_report(tmp_path / "b.json", [{"start": 0.0, "end": 1.0, "text": "<|0.00|> Hello<|1.00|>"}])
    with pytest.raises(EngineFailed, match=r"b\.json.*without word times.*--word-timestamps"):
        parse_whisperkit_report(spoken)
    broken = tmp_path / "c.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(EngineFailed, match=r"c\.json is not readable JSON"):
        parse_whisperkit_report(broken)
    with pytest.raises(EngineFailed, match=r"d\.json is not a transcription result"):
        parse_whisperkit_report(write_report(tmp_path / "d.json", [{"start": "soon"}]))


def test_the_command_asks_for_word_times_and_a_report_named_after_the_audio(tmp_path: Path) -> None:
    model = model_folder(tmp_path / "openai_whisper-tiny.en")
    whisperkit = adapter(tmp_path)
    settings = TranscriptionSettings(audio_path=tmp_path / "talk.16k.wav", model_path=model, language="en")
    command = whisperkit.build_command(settings, tmp_path / "out")
    assert command.program == whisperkit.program.path
    assert command.arguments == (
        "transcribe",
        "--audio-path", str(tmp_path / "talk.16k.wav"),
        "--model-path", str(model),
        "--word-timestamps",
        "--report", "--report-path", str(tmp_path / "out"),
        "--verbose",
        "--language", "en",
    )  # fmt: skip
    assert command.output_path == tmp_path / "out" / "talk.16k.json"
    assert (
        "--language" not in whisperkit.build_command(settings.model_copy(update={"language": None}), tmp_path).arguments
    )
    assert whisperkit.model_id(model) == "tiny.en"


def test_a_folder_without_its_core_ml_encoder_is_refused_before_running(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    settings = TranscriptionSettings(audio_path=tmp_path / "a.wav", model_path=tmp_path / "empty")
    with pytest.raises(ModelMissing, match=f"no {ENCODER_NAME}.*huggingface.co/argmaxinc/whisperkit-coreml"):
        adapter(tmp_path).build_command(settings, tmp_path)


def test_progress_comes_from_its_progress_bar() -> None:
    # TranscribeCLI.printProgressBar: "\r\u{1B}[K[===  ] 42% | Elapsed Time: ... | Remaining: ..."; '\r' splits lines.
    bar = "\x1b[K[" + "=" * 21 + " " * 29 + "] 42% | Elapsed Time: 1.20 s | Remaining: 1.66 s"
    assert WhisperKitAdapter.progress_fraction(bar) == 0.42
    assert WhisperKitAdapter.progress_fraction('Task: Transcribe audio at ["a.wav"]') is None
    assert WhisperKitAdapter.progress_fraction("Error when transcribing a.wav: 42% | Elapsed Time") is None


def test_the_result_is_the_report_and_no_report_is_a_failure(tmp_path: Path) -> None:
    whisperkit = adapter(tmp_path)
    model = model_folder(tmp_path / "tiny.en")
    command = whisperkit.build_command(TranscriptionSettings(audio_path=Path("/a/jfk.wav"), model_path=model), tmp_path)
    with pytest.raises(EngineFailed, match="it wrote no report at"):
        whisperkit.read_result(command, 0, "")
    command.output_path.write_bytes(REPORT.read_bytes())
    assert len(whisperkit.read_result(command, 0, "").words) == 22
    with pytest.raises(EngineFailed, match=r"exit code 1\)\. Error: model not found") as failed:
        whisperkit.read_result(command, 1, "loading\nError: model not found\n")
    assert failed.value.exit_code == 1


def test_it_can_run_only_on_macos_on_apple_silicon(tmp_path: Path) -> None:
    cli = executable(tmp_path / "bin" / "whisperkit-cli")
    on_path = {"PATH": str(cli.parent)}
    for system, machine, shown in (("Linux", "x86_64", "Linux on x86_64"), ("Darwin", "x86_64", "macOS on x86_64")):
        with pytest.raises(EngineNotFound, match=f"only on macOS on Apple Silicon.*this machine is {shown}"):
            locate_whisperkit_cli(on_path, system, machine)
    found = locate_whisperkit_cli(on_path, "Darwin", "arm64")
    assert (found.path, found.origin) == (cli, "PATH")
    chosen = locate_whisperkit_cli({"WHISPERKIT_CLI": str(cli), "PATH": ""}, "Darwin", "arm64")
    assert chosen.origin == "WHISPERKIT_CLI"
    with pytest.raises(EngineNotFound, match="WHISPERKIT_CLI is set to .*nowhere.*not an executable file"):
        locate_whisperkit_cli({"WHISPERKIT_CLI": str(tmp_path / "nowhere"), "PATH": ""}, "Darwin", "arm64")
    with pytest.raises(EngineNotFound, match="whisperkit-cli is not installed. Install it with: brew install"):
        locate_whisperkit_cli({"PATH": str(tmp_path / "empty")}, "Darwin", "arm64")


def test_the_engine_table_lists_it_unavailable_here_with_the_reason(tmp_path: Path) -> None:
    assert engine_id_from_name("whisperkit-cli") is EngineId.WHISPERKIT
    spec = engine_spec("whisperkit")
    assert spec is ENGINE_TABLE[EngineId.WHISPERKIT] and spec.display_name == "WhisperKit"
    executable(tmp_path / "bin" / "whisperkit-cli")
    described = describe_engine(EngineId.WHISPERKIT, environ={"PATH": str(tmp_path / "bin")})
    assert not described.available
    assert "only on macOS on Apple Silicon" in (described.reason or "")
    with pytest.raises(EngineNotFound, match="only on macOS on Apple Silicon"):
        spec.create_adapter({"PATH": str(tmp_path / "bin")})


def test_its_models_are_folders_in_the_store_found_by_name_or_path(tmp_path: Path) -> None:
    stored = model_folder(tmp_path / "whisperkit" / "base.en")
    assert resolve_whisperkit_model("base.en", tmp_path) == stored
    assert resolve_whisperkit_model(str(stored)) == stored
    download = r"'tiny.en' is not installed.*metavis-transcribe models download tiny\.en --engine whisperkit"
    with pytest.raises(ModelMissing, match=download):
        resolve_whisperkit_model("tiny.en", tmp_path)
    # Not among the folders the catalogue downloads: where to find it by hand.
    with pytest.raises(ModelMissing, match=r"'medium' is not installed.*openai_whisper-medium of https://"):
        resolve_whisperkit_model("medium", tmp_path)
    models = {model.name: model for model in describe_models(tmp_path, engine=EngineId.WHISPERKIT)}
    assert models["base.en"].installed and models["base.en"].path == stored and models["base.en"].is_folder
    assert not models["tiny.en"].installed and models["tiny.en"].path == tmp_path / "whisperkit" / "tiny.en"


def test_the_engine_picker_offers_it_as_unavailable_with_the_reason(qtbot: QtBot) -> None:
    options = TranscriptionOptionsPanel()
    qtbot.addWidget(options)
    index = options.engine_combo.findData("whisperkit")
    assert options.engine_combo.itemText(index) == "WhisperKit  —  unavailable"
    assert "only on macOS on Apple Silicon" in options.engine_combo.itemData(index, Qt.ItemDataRole.ToolTipRole)
    options.set_engine("whisperkit")
    assert "only on macOS on Apple Silicon" in options.engine_note.text()


def test_its_progress_bar_on_stdout_moves_the_jobs_progress(tmp_path: Path) -> None:
    """whisperkit-cli draws its bar on stdout, not stderr; the engine stage must read it there too. The real
    CLI runs only on Apple Silicon, so a fake one named so prints the bar and writes the JFK report."""
    from metavis_gui.jobs.engine_stage import transcribe_audio
    from metavis_gui.jobs.transcription_request import JobProgress, TranscriptionRequest, VadMode
    from metavis_gui.ui.qt_event_loop import run_on_qt_loop
    from tests.conftest import JFK_WAV

    fake_cli = tmp_path / "bin" / "fake-whisperkit-cli"
    fake_cli.parent.mkdir()
    bar = "\\033[K[==========          ] {}%% | Elapsed Time: 0.50 s | Remaining: 0.50 s"
    fake_cli.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--report-path" ]; do shift; done\n'
        f"printf '\\r{bar.format(25)}\\r{bar.format(60)}\\n'\n"
        f"cp '{REPORT}' \"$2/jfk.json\"\n",
        encoding="utf-8",
    )
    fake_cli.chmod(fake_cli.stat().st_mode | stat.S_IXUSR)
    whisperkit = WhisperKitAdapter(WhisperKitProgram(fake_cli, "PATH"))
    request = TranscriptionRequest(input_path=JFK_WAV, output_dir=tmp_path / "out", vad=VadMode.OFF)
    fractions: list[float] = []

    class Listener:
        def progressed(self, progress: JobProgress) -> None:
            fractions.append(progress.stage_fraction)

        def segment_recognised(self, segment: object) -> None:
            pass

        def process_started(self, pid: int) -> None:
            pass

    transcript = run_on_qt_loop(
        transcribe_audio(
            request, whisperkit, model_folder(tmp_path / "tiny.en"), JFK_WAV, 11.0, tmp_path, Listener(), True
        )
    )
    assert len(transcript.words) == 22
    assert 0.25 in fractions and 0.6 in fractions, fractions
