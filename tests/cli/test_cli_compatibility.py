"""Compatibility: the MetaVis pipeline's own `transcript generate` lines, and every README command line, run as written.

Both halves go through the installed console script in a child process, as a script would run it.

1. The argument lines the MetaVis repository (github.com/kaw393939/metavis) runs its `transcript generate` with,
   copied from its callers, with WHISPERCPP_BIN / WHISPERCPP_MODEL set as its scripts set them. Only the paths
   are replaced (the media by a copy of tests/data/jfk.wav under the same stem); nothing is added to a line.
2. Every command line README.md shows for `metavis-transcribe`, read from the README by this test: the fenced
   blocks and the inline code that start with the command (or with one of its subcommands in the "Other
   commands" sentence). Placeholders (clip.mov, NAME, FILE, ...) are replaced through one explicit table; a
   line, placeholder or option fragment this test does not know fails with a message saying what to add, so a
   new README line cannot go untested. Model commands run against a temporary models folder (links to the
   installed models), and the one download that really transfers comes from a server on 127.0.0.1.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from metavis_gui.models.ct2_to_openai_whisper import install_default_openai_whisper_model
from metavis_gui.models.model_catalog import MIRROR_VARIABLE
from tests.cli.console_script import CONSOLE_SCRIPT, events_of, jfk_copy, run_command, stderr_lines_naming
from tests.conftest import REPO_ROOT
from tests.support.model_server import ModelServer
from tests.support.transcript_checks import read_summary_json, read_valid_words

pytestmark = pytest.mark.usefixtures("engine_ready")

OUTPUT_FILES = ["captions.vtt", "transcript.summary.v1.json", "transcript.words.v1.jsonl"]
JFK_SECONDS = 11.0
TRUE_WORDS = ("true", "1", "yes")  # the MetaVis reading of --write-adjacent-captions; anything else is false


def assert_transcript_written(out_dir: Path, media: Path, adjacent: bool) -> list:
    """The three contract files in --out with valid words, and `<stem>.captions.vtt` beside the media or not."""
    assert out_dir.is_dir(), f"{out_dir} was not made"
    assert sorted(path.name for path in out_dir.iterdir() if path.name in OUTPUT_FILES) == OUTPUT_FILES
    words = read_valid_words(out_dir)
    assert words, "no words from the JFK speech"
    assert read_summary_json(out_dir)["input"] == media.name
    adjacent_path = media.with_name(media.stem + ".captions.vtt")
    assert adjacent_path.exists() is adjacent, f"{adjacent_path} should {'' if adjacent else 'not '}exist"
    if adjacent:
        assert adjacent_path.read_bytes() == (out_dir / "captions.vtt").read_bytes()
    return words


# 1. The MetaVis pipeline's lines ----------------------------------------------------------------------------------
# From kaw393939/metavis (Sources/MetaVisLab/TranscriptCommand.swift is the command; the callers are below).
# `{media}` and `{out}` are the only substitutions; the media keeps its stem, as a WAV copy of the JFK speech.
# "pipeline" environment: WHISPERCPP_BIN and WHISPERCPP_MODEL set, as scripts/run_whisper_e2e_tests.sh and
# scripts/build_ecapa_coreml_macos.sh export them (tools/whisper.cpp/build/bin/whisper-cli, .../ggml-tiny.en.bin).


@dataclass(frozen=True)
class MetaVisLine:
    source: str  # the file in the MetaVis repository the line comes from
    arguments: tuple[str, ...]
    media: str  # relative to the run folder, which is the working directory
    out: str  # relative to the run folder; the line gets it absolute when `absolute_out`
    absolute_out: bool = True
    environment: str = "pipeline"  # or "unset": neither variable set; or "missing": both point at nothing
    out_exists: bool = False  # the diarization flow writes into the folder `sensors ingest` filled
    adjacent: bool = True
    expect_exit: int = 0


GENERATE_LINE = ("transcript", "generate", "--input", "{media}", "--out", "{out}")
WITHOUT_ADJACENT = ("--write-adjacent-captions", "false")
EVERY_USAGE_OPTION = (
    "--start-seconds", "2", "--max-seconds", "5", "--language", "en", "--write-adjacent-captions", "true", "--allow-large",
)  # fmt: skip

METAVIS_LINES = {
    # TranscriptGenerateIntegrationTests: `generate --input <mp4> --out <tmp>/metavis_whisper_it/<uuid> ...`.
    "integration-test": MetaVisLine(
        "Tests/MetaVisLabTests/TranscriptGenerateIntegrationTests.swift",
        (*GENERATE_LINE, "--max-seconds", "12", *WITHOUT_ADJACENT),
        media="Tests/Assets/people_talking/A_man_and_woman_talking.wav",
        out="metavis_whisper_it/0F6F1B4E-6C4B-4E0E-9E43-2D8A7C1B5A11",
        adjacent=False,
    ),
    # DiarizeIntegrationTests.runPipeline: after `sensors ingest` into the same folder; maxTranscriptSeconds is
    # 22, 25 or 40 for the people_talking clips (one shape: 22 stands for them) and 35 with --allow-large for
    # keith_talk.mov.
    "diarize-pipeline": MetaVisLine(
        "Tests/MetaVisLabTests/DiarizeIntegrationTests.swift",
        (*GENERATE_LINE, "--max-seconds", "22", *WITHOUT_ADJACENT),
        media="Tests/Assets/people_talking/A_man_and_woman_talking.wav",
        out="test_outputs/_diarize_integration/A_man_and_woman_talking",
        out_exists=True,
        adjacent=False,
    ),
    "diarize-pipeline-allow-large": MetaVisLine(
        "Tests/MetaVisLabTests/DiarizeIntegrationTests.swift",
        (*GENERATE_LINE, "--max-seconds", "35", *WITHOUT_ADJACENT, "--allow-large"),
        media="Tests/Assets/VideoEdit/keith_talk.wav",
        out="test_outputs/_diarize_integration/keith_talk",
        out_exists=True,
        adjacent=False,
    ),
    # Sprints/24b_speaker_diarization_sticky_fusion_done/IMPLEMENTED.md and PLAN.md, "Run order (local-only)".
    "documented-run-order": MetaVisLine(
        "Sprints/24b_speaker_diarization_sticky_fusion_done/IMPLEMENTED.md",
        GENERATE_LINE,
        media="movie.wav",
        out="movie",
    ),
    # The full usage line of the command's help (TranscriptCommand.swift, MetaVisLabMain.swift), every option set.
    "usage-every-option": MetaVisLine(
        "Sources/MetaVisLab/TranscriptCommand.swift (help)",
        (*GENERATE_LINE, *EVERY_USAGE_OPTION),
        media="movie.wav",
        out="movie transcript",
    ),
    # TranscriptGenerateEnvGatingTests: relative paths from the repository root. There the line fails without
    # the two variables; here it runs the bundled whisper.cpp and default model.
    "env-gating-unset": MetaVisLine(
        "Tests/MetaVisLabTests/TranscriptGenerateEnvGatingTests.swift",
        GENERATE_LINE,
        media="Tests/Assets/people_talking/A_man_and_woman_talking.wav",
        out="test_outputs/_transcript_test",
        absolute_out=False,
        environment="unset",
    ),
    # ... and with WHISPERCPP_BIN=/no/such/whisper-cli: both fail before running, saying it "does not exist".
    "env-gating-missing-binary": MetaVisLine(
        "Tests/MetaVisLabTests/TranscriptGenerateEnvGatingTests.swift",
        GENERATE_LINE,
        media="Tests/Assets/people_talking/A_man_and_woman_talking.wav",
        out="test_outputs/_transcript_test",
        absolute_out=False,
        environment="missing",
        adjacent=False,
        expect_exit=1,
    ),
}


def pipeline_environment(folder: Path, whisper_cli_path: Path, default_model_path: Path) -> dict[str, str]:
    binary = folder / "tools" / "whisper.cpp" / "build" / "bin" / "whisper-cli"
    model = folder / "tools" / "whisper.cpp" / "models" / "ggml-tiny.en.bin"
    for link, target in ((binary, whisper_cli_path), (model, default_model_path)):
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
    return {"WHISPERCPP_BIN": str(binary), "WHISPERCPP_MODEL": str(model)}


@pytest.mark.parametrize("name", list(METAVIS_LINES))
def test_metavis_line_runs_as_written(
    name: str,
    tmp_path: Path,
    whisper_cli_path: Path,
    default_model_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = METAVIS_LINES[name]
    media = jfk_copy(tmp_path, line.media)
    out_dir = tmp_path / line.out
    if line.out_exists:
        out_dir.mkdir(parents=True)
        (out_dir / "sensors.json").write_text("{}\n", encoding="utf-8")
    monkeypatch.delenv("WHISPERCPP_BIN", raising=False)
    monkeypatch.delenv("WHISPERCPP_MODEL", raising=False)
    environ = {}
    if line.environment == "pipeline":
        environ = pipeline_environment(tmp_path, whisper_cli_path, default_model_path)
    elif line.environment == "missing":
        environ = {"WHISPERCPP_BIN": "/no/such/whisper-cli", "WHISPERCPP_MODEL": "/no/such/ggml-model.bin"}
    out_argument = str(out_dir) if line.absolute_out else line.out
    arguments = [word.format(media=line.media, out=out_argument) for word in line.arguments]

    completed = run_command(*arguments, cwd=tmp_path, environ=environ)

    shown = f"{line.source}: {' '.join(arguments)}\n{completed.stderr}"
    assert completed.returncode == line.expect_exit, shown
    assert not stderr_lines_naming(completed.stderr, "unknown arguments"), shown
    if line.expect_exit != 0:
        assert "does not exist" in completed.stderr.lower(), shown  # what MetaVis's own test checks for
        assert not out_dir.exists()
        assert not media.with_name(media.stem + ".captions.vtt").exists()
        return
    words = assert_transcript_written(out_dir, media, line.adjacent)
    if line.out_exists:
        assert (out_dir / "sensors.json").read_text(encoding="utf-8") == "{}\n", "the earlier step's file is kept"
    # What the MetaVis integration test reads back: ids, confidence, and timeline ticks mirroring source ticks.
    for word in words:
        assert word.word_id.startswith("w_") and 0.0 <= word.confidence <= 1.0
        assert (word.timeline_time_ticks, word.timeline_time_end_ticks) == (
            word.source_time_ticks,
            word.source_time_end_ticks,
        )
    assert "whisper" in read_summary_json(out_dir)["tool"]["name"].lower()
    assert (out_dir / "captions.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    start = next((float(value) for key, value in itertools.pairwise(arguments) if key == "--start-seconds"), 0.0)
    assert words[0].source_time_ticks >= start * 60000 - 60000, "ticks count from the start of the source file"


# 2. The README's command lines ----------------------------------------------------------------------------------
README = REPO_ROOT / "README.md"
PROGRAMS = {"metavis-transcribe", ".venv/bin/metavis-transcribe"}
# Inline code that names a thing rather than running it.
NAMES_NOT_LINES = {"metavis-transcribe", "transcript generate"}
# Inline code in the "Other commands" sentence starts with a subcommand: run as `metavis-transcribe <span>`.
SUBCOMMAND_STARTS = ("models ", "transcript generate ")
SUBCOMMANDS_ALONE = {"engines"}
# Option fragments written beside the models lines, and the models commands they go with.
MODEL_OPTION_FRAGMENTS = {"--engine": {"list", "available", "download", "delete"}, "--mirror": {"download"}}
# `...` in an alternative list means "and others": nothing to run.
ELLIPSIS = "..."


@dataclass(frozen=True)
class ReadmeCommand:
    """One concrete line to run: the README's words with placeholders still in them."""

    words: tuple[str, ...]
    source: str  # the README text it was expanded from

    @property
    def id(self) -> str:
        return " ".join(self.words)


@dataclass
class ReadmeLine:
    text: str  # the line as the README writes it, continuation lines joined
    fragments: list[str] = field(default_factory=list)  # option fragments that go with it (models lines)


def _code_spans(paragraph: str) -> list[str]:
    return [" ".join(span.split()) for span in re.findall(r"(?<!`)`([^`]+)`(?!`)", paragraph)]


def readme_lines(text: str) -> list[ReadmeLine]:
    """The README's metavis-transcribe lines: fenced blocks first, then inline code, each as written."""
    lines: list[ReadmeLine] = []
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL):
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            line = " ".join(line.split())
            if line.split(" ", 1)[0] in PROGRAMS:
                lines.append(ReadmeLine(line))
    prose = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    for paragraph in re.split(r"\n\s*\n", prose):
        found, fragments = [], []
        for span in _code_spans(paragraph):
            if span in NAMES_NOT_LINES:
                continue
            if span.split(" ", 1)[0] in PROGRAMS:
                found.append(ReadmeLine(span))
            elif span.startswith(SUBCOMMAND_STARTS) or span in SUBCOMMANDS_ALONE:
                found.append(ReadmeLine(f"metavis-transcribe {span}"))
            elif span.startswith("--"):
                fragments.append(span)
        for line in found:
            if line.text.split()[1:2] == ["models"]:
                line.fragments = [each for each in fragments if each.split()[0] in MODEL_OPTION_FRAGMENTS]
        lines.extend(found)
    return lines


def _alternatives(spec: str) -> list[str]:
    return [each for each in spec.split("|") if each != ELLIPSIS]


def expand(line: ReadmeLine) -> list[ReadmeCommand]:
    """Concrete lines: the required words alone, then once per value of each optional `[...]` group.

    Alternatives outside brackets (`models list|available|download NAME`) each become a line of their own;
    an option fragment beside a models line (`--engine a|b`) is added to the lines it goes with, once per value.
    """
    groups = re.findall(r"\[([^\]]+)\]", line.text)
    required = re.sub(r"\s*\[[^\]]+\]", "", line.text).split()
    heads: list[list[str]] = [required]
    for index, word in enumerate(required):
        if "|" in word:  # the rest of the line is alternatives: `list|available|download NAME|delete NAME`
            prefix, rest = required[:index], " ".join(required[index:])
            heads = [prefix + alternative.split() for alternative in _alternatives(rest)]
            break
    commands = []
    for head in heads:
        commands.append(ReadmeCommand(tuple(head), line.text))
        for group in groups:
            option, *value = group.split()
            for alternative in _alternatives(value[0]) if value else [""]:
                commands.append(ReadmeCommand((*head, option, *([alternative] if alternative else [])), line.text))
        subcommand = head[2] if head[1:2] == ["models"] and len(head) > 2 else None
        for fragment in line.fragments:
            option, *value = fragment.split()
            if subcommand in MODEL_OPTION_FRAGMENTS[option]:
                for alternative in _alternatives(value[0]) if value else [""]:
                    words = (*head, option, *([alternative] if alternative else []))
                    commands.append(ReadmeCommand(words, f"{line.text} (with `{fragment}`)"))
    return commands


def readme_commands() -> list[ReadmeCommand]:
    commands: dict[str, ReadmeCommand] = {}
    for line in readme_lines(README.read_text(encoding="utf-8")):
        for command in expand(line):
            commands.setdefault(command.id, command)
    return list(commands.values())


README_COMMANDS = readme_commands()


@dataclass
class Place:
    """Where a README line runs: a folder with the media, a models folder, and the values placeholders stand for."""

    folder: Path
    store: Path
    media: Path
    values: dict[str, str]
    environ: dict[str, str]


# Placeholder -> what it stands for here. (option, placeholder) entries win over plain ones.
def placeholder_values(place_folder: Path, media: Path, model: Path, ct2: Path, mirror: str) -> dict[str, str]:
    return {
        "clip.mov": str(media),
        "clip.transcript": str(place_folder / "clip.transcript"),
        "--start-seconds S": "1",
        "--max-seconds S": "3",
        "N": "2",
        "PATH": str(model),  # --model PATH: a ggml file for the default engine
        "NAME": "tiny.en",
        "FILE": str(model),  # models import-ggml FILE
        "DIR": str(ct2),  # models import-ct2 DIR: a faster-whisper (CTranslate2) folder
        "URL": mirror,  # --mirror URL
    }


def substituted(words: tuple[str, ...], values: Mapping[str, str]) -> list[str]:
    concrete = []
    for index, word in enumerate(words):
        keyed = f"{words[index - 1]} {word}" if index else word
        value = values.get(keyed, values.get(word, word))
        if value == word and (re.fullmatch(r"[A-Z][A-Z_]*", word) or word == ELLIPSIS or "|" in word):
            pytest.fail(
                f"README line `{' '.join(words)}`: this test does not know what `{word}` stands for; "
                "add it to placeholder_values() in tests/cli/test_cli_compatibility.py"
            )
        concrete.append(value)
    return concrete


@pytest.fixture
def place(
    tmp_path: Path,
    default_model_path: Path,
    shipped_ct2_folder: Path,
    ct2_model_server: ModelServer,
    direct_connections: None,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Place]:
    """A media copy and a models folder of links to the installed tiny.en models; downloads go to 127.0.0.1."""
    store = tmp_path / "models"
    store.mkdir()
    (store / default_model_path.name).symlink_to(default_model_path)
    # Converted here if no earlier test did (in a fresh clone this file runs before the engine tests).
    openai_model = install_default_openai_whisper_model()
    (store / "openai-whisper").mkdir()
    (store / "openai-whisper" / "tiny.en.pt").symlink_to(openai_model)
    # faster-whisper's tiny.en is left out, so `models download tiny.en --engine faster-whisper` really downloads.
    monkeypatch.delenv("WHISPERCPP_BIN", raising=False)
    monkeypatch.delenv("WHISPERCPP_MODEL", raising=False)
    media = jfk_copy(tmp_path, "clip.wav")
    values = placeholder_values(tmp_path, media, default_model_path, shipped_ct2_folder, ct2_model_server.url)
    environ = {"METAVIS_MODELS_DIR": str(store), MIRROR_VARIABLE: ct2_model_server.url}
    yield Place(tmp_path, store, media, values, environ)


def run_generate(command: ReadmeCommand, words: list[str], place: Place) -> None:
    if "--help" in words:
        completed = run_command(*words[1:], environ=place.environ)
        assert completed.returncode == 0, completed.stderr
        assert "Exit codes" in completed.stdout or "exit codes" in completed.stdout.lower(), completed.stdout
        return
    quick = []  # to keep a run to seconds, unless the line is about these options
    if "--align" not in words:
        quick += ["--align", "off"]
    if "--max-seconds" not in words:
        quick += ["--max-seconds", "3"]
    # The README's own models folder is the installed one: transcription reads models, downloads nothing.
    completed = run_command(*words[1:], *quick, cwd=place.folder)
    shown = f"README: {command.source}\nran: {' '.join([*words, *quick])}\n{completed.stderr}"
    assert completed.returncode == 0, shown
    assert not stderr_lines_naming(completed.stderr, "unknown arguments"), shown
    out_dir = Path(words[words.index("--out") + 1])
    adjacent = True
    if "--write-adjacent-captions" in words:
        adjacent = words[words.index("--write-adjacent-captions") + 1].lower() in TRUE_WORDS
    assert_transcript_written(out_dir, place.media, adjacent)
    if "--json" in words:
        events = events_of(completed.stdout)
        assert events and events[-1].event == "result", completed.stdout
        assert len(events[-1].output_paths) == (4 if adjacent else 3), events[-1]
    else:
        assert str(out_dir / "transcript.words.v1.jsonl") in completed.stdout.splitlines(), completed.stdout


MODELS_SUBCOMMANDS = {"list", "available", "download", "delete", "install-default", "import-ggml", "import-ct2"}


def run_models(command: ReadmeCommand, words: list[str], place: Place, server: ModelServer) -> None:
    subcommand = words[2]
    if subcommand not in MODELS_SUBCOMMANDS:
        pytest.fail(
            f"README line `{command.id}`: this test does not know how to check `models {subcommand}`; "
            "add it to run_models() in tests/cli/test_cli_compatibility.py"
        )
    engine = words[words.index("--engine") + 1] if "--engine" in words else "whisper.cpp"
    if subcommand == "delete" and engine == "faster-whisper":  # the place leaves it out for the download
        (place.store / "faster-whisper").mkdir(exist_ok=True)
        (place.store / "faster-whisper" / "tiny.en").symlink_to(place.values["DIR"], target_is_directory=True)
    completed = run_command(*words[1:], environ=place.environ, timeout=120)
    shown = f"README: {command.source}\nran: {' '.join(words)}\n{completed.stderr}"
    assert completed.returncode == 0, shown
    if subcommand == "list":
        assert "tiny.en" in completed.stdout, completed.stdout
    elif subcommand == "available":
        assert f"Models folder: {place.store}" in completed.stdout, completed.stdout
        rows = [line for line in completed.stdout.splitlines() if " tiny.en " in line]
        assert any(row.startswith(engine) for row in rows), completed.stdout
    elif subcommand == "download":
        installed = Path(completed.stdout.strip().splitlines()[-1])
        assert installed.is_relative_to(place.store) and installed.exists(), completed.stdout
        if engine == "faster-whisper":  # not installed in the place, so fetched from the server on 127.0.0.1
            assert server.requests and all(request.status == 200 for request in server.requests)
        else:
            assert "already installed" in completed.stderr and server.requests == [], completed.stderr
    elif subcommand == "delete":
        deleted = [line.removeprefix("deleted ") for line in completed.stdout.splitlines()]
        assert deleted and all(Path(path).is_relative_to(place.store) for path in deleted), completed.stdout
        assert all(not Path(path).exists() and not Path(path).is_symlink() for path in deleted)
    else:
        installed = Path(completed.stdout.strip())
        assert installed.is_relative_to(place.store) and installed.stat().st_size > 10_000_000, completed.stdout


# README command lines known not to run as written, with why; each is a strict xfail until it is fixed.
KNOWN_README_PROBLEMS: dict[str, str] = {}


def _readme_param(command: ReadmeCommand) -> object:
    problem = KNOWN_README_PROBLEMS.get(command.id)
    marks = [pytest.mark.xfail(strict=True, reason=f"README problem: {problem}")] if problem else []
    return pytest.param(command, id=command.id, marks=marks)


@pytest.mark.parametrize("command", [_readme_param(command) for command in README_COMMANDS])
def test_readme_command_line_runs(command: ReadmeCommand, place: Place, ct2_model_server: ModelServer) -> None:
    assert command.words[0] in PROGRAMS
    program = REPO_ROOT / command.words[0] if "/" in command.words[0] else CONSOLE_SCRIPT
    assert program == CONSOLE_SCRIPT, f"the README runs {program}, the tests run {CONSOLE_SCRIPT}"
    words = substituted(command.words, place.values)
    match words[1:3]:
        case ["transcript", "generate"]:
            run_generate(command, words, place)
        case ["models", _]:
            run_models(command, words, place, ct2_model_server)
        case ["--version"]:
            completed = run_command("--version", environ=place.environ)
            assert completed.returncode == 0, completed.stderr
            assert completed.stdout.startswith("metavis-transcribe ") and "whisper.cpp" in completed.stdout
        case ["engines"]:
            completed = run_command("engines", environ=place.environ)
            assert completed.returncode == 0, completed.stdout + completed.stderr
            listed = [line.split()[0] for line in completed.stdout.splitlines() if line.strip()]
            assert listed[:3] == ["whisper.cpp", "openai-whisper", "faster-whisper"], completed.stdout
        case _:
            pytest.fail(
                f"README line `{command.source}` expands to `{command.id}`, which this test does not know how to "
                "run; add a case to test_readme_command_line_runs in tests/cli/test_cli_compatibility.py"
            )


def test_the_readme_lines_are_all_found() -> None:
    """The parser still sees what the README documents, so a changed layout cannot silently skip lines."""
    ids = {command.id for command in README_COMMANDS}
    expected_heads = [
        ".venv/bin/metavis-transcribe transcript generate --input clip.mov --out clip.transcript",
        "metavis-transcribe --version",
        "metavis-transcribe engines",
        "metavis-transcribe models download NAME",
        "metavis-transcribe transcript generate --help",
    ]
    assert all(head in ids for head in expected_heads), sorted(ids)
    generate_options = {
        command.words[7] for command in README_COMMANDS if command.words[1:3] == ("transcript", "generate")
        and len(command.words) > 7
    }  # fmt: skip
    assert {"--engine", "--json", "--strict", "--allow-large", "--write-adjacent-captions"} <= generate_options
    models = {command.words[2] for command in README_COMMANDS if command.words[1:2] == ("models",)}
    assert {"list", "available", "download", "delete", "install-default", "import-ggml", "import-ct2"} <= models


def test_an_unknown_readme_line_fails_with_what_to_add() -> None:
    unknown = ReadmeLine("metavis-transcribe models prune OLDER_THAN")
    (bare,) = expand(unknown)
    with pytest.raises(pytest.fail.Exception, match="does not know what `OLDER_THAN` stands for"):
        substituted(bare.words, {"NAME": "tiny.en"})
