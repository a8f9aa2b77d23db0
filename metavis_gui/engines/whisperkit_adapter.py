"""WhisperKit's whisperkit-cli: where it is, whether it can run here, its argv, its progress and its failures.

whisperkit-cli (github.com/argmaxinc/WhisperKit, Sources/ArgmaxCLI/) runs Whisper as Core ML models, so it
runs only on macOS on Apple Silicon. `transcribe --report` writes `<audio file stem>.json` (the encoded
`TranscriptionResult`, parsed in `whisperkit_report`) and an SRT into `--report-path`; `--verbose` makes it
print a progress bar to stdout, each update ending in '\\r'. Nothing here starts a process.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from metavis_gui import app_paths
from metavis_gui.engines.engine_availability import AvailabilityQuestion, RunnableEngine
from metavis_gui.engines.engine_command import EngineCommand, LiveSegment, TranscriptionSettings, WordTimingMode
from metavis_gui.engines.errors import EngineFailed, EngineNotFound, ModelMissing, stderr_tail
from metavis_gui.engines.stall_timeouts import WHISPER_CPP_COREML_STALL_TIMEOUT_SECONDS
from metavis_gui.engines.whisper_cpp_binary import is_executable_file, wants_coreml
from metavis_gui.engines.whisperkit_report import parse_whisperkit_report
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.model_catalog import expected_model_path
from metavis_gui.models.model_store import WHISPER_MODEL_NAMES
from metavis_gui.models.whisperkit_sources import PUBLISHED_NAMES as WHISPERKIT_NAMES
from metavis_gui.timeline.transcript import Transcript

BINARY_VARIABLE = "WHISPERKIT_CLI"
BINARY_NAME = "whisperkit-cli"
INSTALL_HINT = f"brew install {BINARY_NAME} (or set {BINARY_VARIABLE} to its path)"
# A model folder holds compiled Core ML models; the encoder is the one every WhisperKit model has.
ENCODER_NAME = "AudioEncoder.mlmodelc"
MODELS_REPOSITORY = "https://huggingface.co/argmaxinc/whisperkit-coreml"
# WhisperKit's folder names for the published models: openai_whisper-tiny.en, openai_whisper-large-v3, ...
PUBLISHED_FOLDER_PREFIX = "openai_whisper-"
# `[=====     ] 42% | Elapsed Time: 1.20 s | Remaining: ...` (TranscribeCLI.printProgressBar).
_PROGRESS_PATTERN = re.compile(r"\]\s*(\d+)%\s*\|\s*Elapsed Time")
WhisperKitOrigin = Literal["WHISPERKIT_CLI", "bundled", "PATH"]
_ERROR_LINE_PATTERN = re.compile(r"^(?:Error\b.*|.*\berror:.*)$", re.IGNORECASE)


class WhisperKitProgram:
    """A whisperkit-cli found on this Mac, and how."""

    def __init__(self, path: Path, origin: WhisperKitOrigin) -> None:
        self.path = path
        self.origin = origin


def unsupported_platform_reason(system: str | None = None, machine: str | None = None) -> str | None:
    """Why WhisperKit cannot run on this machine, or None on macOS on Apple Silicon."""
    if wants_coreml(system, machine):
        return None
    system = system or platform.system()
    machine = machine or platform.machine()
    shown = "macOS" if system.lower() == "darwin" else system
    return (
        f"WhisperKit runs only on macOS on Apple Silicon (its models are Core ML models); this machine is "
        f"{shown} on {machine}. Use whisper.cpp here."
    )


def locate_whisperkit_cli(
    environ: Mapping[str, str] | None = None, system: str | None = None, machine: str | None = None
) -> WhisperKitProgram:
    """$WHISPERKIT_CLI, then the app bundle's, then PATH's; EngineNotFound saying why not, platform first."""
    reason = unsupported_platform_reason(system, machine)
    if reason is not None:
        raise EngineNotFound(reason)
    environ = os.environ if environ is None else environ
    explicit = environ.get(BINARY_VARIABLE)
    if explicit:
        path = Path(explicit).expanduser()
        if not is_executable_file(path):
            raise EngineNotFound(
                f"{BINARY_VARIABLE} is set to {path}, which is not an executable file. "
                f"Point it at whisperkit-cli, or unset it to use the bundled one or the one on PATH."
            )
        return WhisperKitProgram(path, "WHISPERKIT_CLI")
    bundle = app_paths.bundled_resources_dir()
    if bundle is not None and is_executable_file(bundle / "engines" / BINARY_NAME):
        return WhisperKitProgram(bundle / "engines" / BINARY_NAME, "bundled")
    on_path = shutil.which(BINARY_NAME, path=environ.get("PATH", os.defpath))
    if on_path is not None:
        return WhisperKitProgram(Path(on_path), "PATH")
    raise EngineNotFound(f"WhisperKit's {BINARY_NAME} is not installed. Install it with: {INSTALL_HINT}.")


def check_whisperkit(question: AvailabilityQuestion) -> RunnableEngine:
    program = locate_whisperkit_cli(question.environ)
    return RunnableEngine(details="Core ML", location=program.path, origin=program.origin)


class WhisperKitAdapter:
    name = EngineId.WHISPERKIT

    def __init__(self, program: WhisperKitProgram) -> None:
        self.program = program

    @property
    def version(self) -> str | None:
        return None  # whisperkit-cli reports one only when run with --version, and nothing here runs it

    def model_id(self, model_path: Path) -> str:
        return model_path.name.removeprefix(PUBLISHED_FOLDER_PREFIX)

    def build_command(self, settings: TranscriptionSettings, output_dir: Path) -> EngineCommand:
        check_whisperkit_model_folder(settings.model_path)
        arguments = [
            "transcribe",
            "--audio-path", str(settings.audio_path),
            "--model-path", str(settings.model_path),
            "--word-timestamps",
            "--report", "--report-path", str(output_dir),
            "--verbose",  # its progress bar
        ]  # fmt: skip
        if settings.language:
            arguments += ["--language", settings.language]
        return EngineCommand(
            program=self.program.path,
            arguments=tuple(arguments),
            # WriteJSON names the report after the audio file, without its extension.
            output_path=output_dir / f"{settings.audio_path.stem}.json",
            word_timing=WordTimingMode.DTW,
        )

    def stall_timeout_seconds(self, model_path: Path) -> float:
        # Like whisper.cpp's Core ML encoder, the first load compiles the models for the Neural Engine silently.
        return WHISPER_CPP_COREML_STALL_TIMEOUT_SECONDS

    @staticmethod
    def progress_fraction(line: str) -> float | None:
        match = _PROGRESS_PATTERN.search(line)
        return None if match is None else min(100, int(match.group(1))) / 100

    @staticmethod
    def live_segment(stdout_line: str) -> LiveSegment | None:
        return None  # it prints the text only once it is done

    def read_result(self, command: EngineCommand, exit_code: int, stderr: str) -> Transcript:
        """It prints `Error when transcribing ...` and may exit 0 without a report: the report is the proof."""
        if exit_code == 0 and command.output_path.is_file():
            return parse_whisperkit_report(command.output_path)
        error_line = next((line.strip() for line in stderr.splitlines() if _ERROR_LINE_PATTERN.match(line.strip())), "")
        problem = f"exit code {exit_code}" if exit_code != 0 else f"it wrote no report at {command.output_path}"
        raise EngineFailed(
            f"WhisperKit failed ({problem}). {error_line}".strip(), exit_code=exit_code, stderr_tail=stderr_tail(stderr)
        )


def check_whisperkit_model_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise ModelMissing(f"{folder}: no such folder. WhisperKit needs a folder of its Core ML models.")
    if not (folder / ENCODER_NAME).is_dir():
        raise ModelMissing(
            f"{folder} has no {ENCODER_NAME}, so it is not a WhisperKit model folder. "
            f"Download a whole model folder from {MODELS_REPOSITORY}."
        )


def resolve_whisperkit_model(name_or_path: str, models_dir: Path | None = None) -> Path:
    """A folder path wins; a name maps to `<store>/whisperkit/<name>/`."""
    candidate = Path(name_or_path).expanduser()
    if candidate.is_dir():
        return candidate
    if "/" in name_or_path or "\\" in name_or_path:
        raise ModelMissing(f"{candidate}: no such folder. Give a WhisperKit model folder or a model name.")
    stored = expected_model_path(EngineId.WHISPERKIT, name_or_path, models_dir)
    if stored.is_dir():
        return stored
    if name_or_path in WHISPERKIT_NAMES:
        advice = f"Download it with: metavis-transcribe models download {name_or_path} --engine whisperkit"
    elif name_or_path in WHISPER_MODEL_NAMES:
        advice = (
            f"Download the folder {PUBLISHED_FOLDER_PREFIX}{name_or_path} of {MODELS_REPOSITORY} "
            f"and put its contents in {stored}."
        )
    else:
        advice = f"Give a WhisperKit model folder, or one of: {', '.join(WHISPER_MODEL_NAMES)}."
    raise ModelMissing(f"The WhisperKit model '{name_or_path}' is not installed (looked for {stored}). {advice}")
