"""openai-whisper, run by our runner module in a child process: its argv, progress, live text and failures.

The runner (`metavis_gui.engines.openai_whisper_runner`) calls whisper.transcribe() as openai-whisper's own
`whisper` command does, and speaks our runners' line protocol (`runner_protocol`): progress per 30 s window
and each segment as it is decoded, in whisper-cli's formats, parsed by the whisper.cpp adapter's parsers;
openai-whisper's JSON, parsed by the shared segment parser. The `whisper` command itself could show its
progress bar or its segments, never both. Audio is read by an `ffmpeg` child of the runner, which ends
when the runner is killed.

A checkpoint loaded by path gets openai-whisper's default alignment heads (the last half of the decoder
layers); the published checkpoints, loaded by name from their folder, get their tuned heads and better word
times. So a store file that is byte for byte the published one is passed by name.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

from metavis_gui.engines import openai_whisper_runner as runner
from metavis_gui.engines.engine_command import EngineCommand, TranscriptionSettings, WordTimingMode
from metavis_gui.engines.errors import (
    EngineError,
    EngineFailed,
    EngineNotFound,
    ModelCorrupt,
    ModelMissing,
    stderr_tail,
)
from metavis_gui.engines.python_engine import PythonEngine, last_exception_line, parse_segments_json
from metavis_gui.engines.runner_protocol import (
    EXIT_AUDIO_FAILED,
    EXIT_MODEL_FAILED,
    EXIT_NOT_INSTALLED,
    EXIT_TRANSCRIPTION_FAILED,
    EXIT_USAGE,
    reported_error,
)
from metavis_gui.engines.stall_timeouts import python_engine_stall_timeout
from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME, WHISPER_MODEL_NAMES
from metavis_gui.models.openai_whisper_store import (
    CHECKPOINT_SUFFIX,
    INSTALL_COMMAND,
    is_official_checkpoint,
    openai_whisper_model_path,
)
from metavis_gui.timeline.transcript import Transcript

PINNED_VERSION = "20250625"
INSTALL_HINT = (
    f"pip install --no-deps openai-whisper=={PINNED_VERSION} and pip install -e '.[engines]' (scripts/setup does both)"
)
RUNNER_MODULE = runner.__name__
OUTPUT_FILE_NAME = "openai-whisper-output.json"


class OpenAIWhisperAdapter:
    name = EngineId.OPENAI_WHISPER

    def __init__(self, engine: PythonEngine, fp16: bool = False) -> None:
        self.engine = engine
        # fp16 only pays off on a CUDA GPU; on the CPU openai-whisper warns and uses fp32 anyway.
        self.fp16 = fp16

    @property
    def version(self) -> str | None:
        return self.engine.version

    def model_id(self, model_path: Path) -> str:
        return model_path.name.removesuffix(CHECKPOINT_SUFFIX)

    def build_command(self, settings: TranscriptionSettings, output_dir: Path) -> EngineCommand:
        if shutil.which("ffmpeg") is None:
            raise EngineNotFound("openai-whisper reads audio through FFmpeg, and no ffmpeg is on PATH. Install FFmpeg.")
        model_path = settings.model_path
        if not model_path.is_file():
            raise ModelMissing(f"{model_path}: no such openai-whisper model file.")
        name = self.model_id(model_path)
        if _is_published_checkpoint(model_path, name):
            model_arguments = ["--model", name, "--model-dir", str(model_path.parent)]
        else:
            model_arguments = ["--model", str(model_path)]
        # English-only models ignore any other language but would report it as the transcript's language.
        language = "en" if name.endswith(".en") else settings.language
        output_path = output_dir / OUTPUT_FILE_NAME
        arguments = (
            "-m", RUNNER_MODULE, *model_arguments,
            "--audio", str(settings.audio_path),
            "--output", str(output_path),
            "--language", language or "auto",
            "--threads", str(max(1, settings.threads)),
            "--fp16" if self.fp16 else "--no-fp16",
        )  # fmt: skip
        return EngineCommand(
            program=self.engine.python, arguments=arguments, output_path=output_path, word_timing=WordTimingMode.DTW
        )

    def stall_timeout_seconds(self, model_path: Path) -> float:
        weight_bytes = model_path.stat().st_size if model_path.is_file() else None
        return python_engine_stall_timeout(self.model_id(model_path), weight_bytes)

    # The runner prints whisper-cli's progress and segment lines (runner_protocol).
    progress_fraction = staticmethod(WhisperCppAdapter.progress_fraction)
    live_segment = staticmethod(WhisperCppAdapter.live_segment)

    def read_result(self, command: EngineCommand, exit_code: int, stderr: str) -> Transcript:
        """The transcript, or the failure; exit code 0 with no JSON is a failure too."""
        if exit_code == 0 and command.output_path.is_file():
            return parse_segments_json(command.output_path, self.name)
        raise _failure(command, exit_code, stderr)


def resolve_openai_whisper_model(name_or_path: str, models_dir: Path | None = None) -> Path:
    """An existing .pt file wins; a name maps to `<store>/openai-whisper/<name>.pt`."""
    candidate = Path(name_or_path).expanduser()
    if candidate.is_file():
        return candidate
    if "/" in name_or_path or "\\" in name_or_path or name_or_path.endswith(CHECKPOINT_SUFFIX):
        raise ModelMissing(f"{candidate}: no such openai-whisper model file. Give a .pt checkpoint or a model name.")
    stored = openai_whisper_model_path(name_or_path, models_dir)
    if stored.is_file():
        return stored
    if name_or_path == DEFAULT_MODEL_NAME:
        advice = f"Convert the bundled one with `{INSTALL_COMMAND}`, or download it in the model manager."
    elif name_or_path in WHISPER_MODEL_NAMES:
        advice = f"Download it in the model manager (`metavis-transcribe models`), or put {stored.name} there."
    else:
        advice = f"Give the path of a .pt checkpoint, or one of: {', '.join(WHISPER_MODEL_NAMES)}."
    raise ModelMissing(f"The openai-whisper model '{name_or_path}' is not installed (looked for {stored}). {advice}")


@functools.lru_cache(maxsize=32)
def _published_checkpoint_cached(path: Path, name: str, size: int, modified_ns: int) -> bool:
    return is_official_checkpoint(path, name)


def _is_published_checkpoint(path: Path, name: str) -> bool:
    # openai-whisper re-downloads a named model whose hash does not match; only a true match may go by name.
    if name not in WHISPER_MODEL_NAMES:
        return False
    status = path.stat()
    return _published_checkpoint_cached(path.resolve(), name, status.st_size, status.st_mtime_ns)


def _failure(command: EngineCommand, exit_code: int, stderr: str) -> EngineError:
    reason = reported_error(stderr) or last_exception_line(stderr)
    tail = stderr_tail(stderr)
    if exit_code == EXIT_NOT_INSTALLED or "No module named" in reason:
        return EngineNotFound(f"openai-whisper cannot start: {reason}. Install it with: {INSTALL_HINT}")
    if exit_code == EXIT_MODEL_FAILED:
        return ModelCorrupt(
            f"openai-whisper could not load the model {_argument_after(command, '--model')}: it is corrupt, "
            f"truncated or not an openai-whisper checkpoint. Download or convert it again. ({reason})"
        )
    if exit_code == EXIT_AUDIO_FAILED and "No such file or directory: 'ffmpeg'" in reason:
        return EngineNotFound("openai-whisper reads audio through FFmpeg, and no ffmpeg is on PATH. Install FFmpeg.")
    if exit_code == EXIT_USAGE and "usage:" in stderr:
        return EngineFailed(
            f"openai-whisper's runner refused its arguments: {_last_line(stderr)}. "
            f"Is openai-whisper {PINNED_VERSION} installed?",
            exit_code=exit_code,
            stderr_tail=tail,
        )
    meaning = {
        EXIT_AUDIO_FAILED: "openai-whisper could not read the audio it was given",
        EXIT_TRANSCRIPTION_FAILED: "openai-whisper failed while transcribing",
        0: "openai-whisper produced no transcript",
    }.get(exit_code, f"openai-whisper failed (exit code {exit_code})")
    return EngineFailed(f"{meaning}: {reason or 'it wrote no output file'}.", exit_code=exit_code, stderr_tail=tail)


def _argument_after(command: EngineCommand, flag: str) -> str:
    arguments = list(command.arguments)
    return arguments[arguments.index(flag) + 1] if flag in arguments else "(unknown)"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
