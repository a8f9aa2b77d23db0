"""openai-whisper's `whisper` command line: its argv, its tqdm progress bar, its JSON, and its failures.

It runs as `<this python> -m whisper AUDIO --word_timestamps True --output_format json ...` and writes
`<output dir>/<audio stem>.json`. With `--verbose False` it draws a tqdm bar on stderr that counts mel
frames (100 a second); with `--verbose True` it prints segments instead and no bar, never both: progress wins,
so this engine shows no live text. It exits 0 when a file fails (it prints the traceback and goes on to the
next file), so success means the JSON exists. It decodes audio with an `ffmpeg` child of its own; killing
whisper closes that pipe, so ffmpeg ends too.

A checkpoint loaded by path gets openai-whisper's default alignment heads (the last half of the decoder
layers); the published checkpoints, loaded by name from `--model_dir`, get their tuned heads and better word
times. So a store file that is byte for byte the published one is passed by name.
"""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

from metavis_gui.engines.engine_command import EngineCommand, LiveSegment, TranscriptionSettings
from metavis_gui.engines.errors import EngineFailed, EngineNotFound, ModelCorrupt, ModelMissing, stderr_tail
from metavis_gui.engines.python_engine import PythonEngine, last_exception_line, parse_segments_json
from metavis_gui.engines.stall_timeouts import python_engine_stall_timeout
from metavis_gui.models.ct2_to_openai_whisper import (
    CHECKPOINT_SUFFIX,
    INSTALL_COMMAND,
    is_official_checkpoint,
    openai_whisper_model_path,
)
from metavis_gui.models.model_catalog import OPENAI_WHISPER
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME, WHISPER_MODEL_NAMES
from metavis_gui.timeline.transcript import Transcript

ENGINE_NAME = OPENAI_WHISPER
DISTRIBUTION = "openai-whisper"
PINNED_VERSION = "20250625"
INSTALL_HINT = (
    f"pip install --no-deps openai-whisper=={PINNED_VERSION} and pip install -e '.[engines]' (scripts/setup does both)"
)
OUTPUT_FOLDER_NAME = "openai-whisper-output"
# tqdm: " 45%|████▌     | 500/1100 [00:01<00:01, 400.00frames/s]"
_PROGRESS_PATTERN = re.compile(r"\|\s*(\d+)/(\d+)\s*\[")


class OpenAIWhisperAdapter:
    name = ENGINE_NAME

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
        output_folder = output_dir / OUTPUT_FOLDER_NAME
        name = self.model_id(model_path)
        if _is_published_checkpoint(model_path, name):
            model_arguments = ["--model", name, "--model_dir", str(model_path.parent)]
        else:
            model_arguments = ["--model", str(model_path)]
        # English-only models ignore any other language but would report it as the transcript's language.
        language = "en" if name.endswith(".en") else settings.language
        arguments = [
            "-m", "whisper", str(settings.audio_path), *model_arguments,
            "--output_format", "json", "--output_dir", str(output_folder),
            "--word_timestamps", "True", "--verbose", "False", "--task", "transcribe",
            "--fp16", str(self.fp16), "--threads", str(max(1, settings.threads)),
        ]  # fmt: skip
        if language:
            arguments += ["--language", language]
        return EngineCommand(
            program=self.engine.python,
            arguments=tuple(arguments),
            output_path=output_folder / f"{settings.audio_path.stem}.json",
        )

    def stall_timeout_seconds(self, model_path: Path) -> float:
        weight_bytes = model_path.stat().st_size if model_path.is_file() else None
        return python_engine_stall_timeout(self.model_id(model_path), weight_bytes)

    @staticmethod
    def progress_fraction(stderr_line: str) -> float | None:
        match = _PROGRESS_PATTERN.search(stderr_line)
        if match is None:
            return None
        done, total = int(match.group(1)), int(match.group(2))
        return min(1.0, done / total) if total > 0 else None

    @staticmethod
    def live_segment(stdout_line: str) -> LiveSegment | None:
        return None

    def read_result(self, command: EngineCommand, exit_code: int, stderr: str) -> Transcript:
        """The transcript, or the failure; exit code 0 with no JSON is a failure too."""
        if exit_code == 0 and command.output_path.is_file():
            return parse_segments_json(command.output_path, ENGINE_NAME)
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


def _failure(command: EngineCommand, exit_code: int, stderr: str) -> Exception:
    error_line = last_exception_line(stderr)
    tail = stderr_tail(stderr)
    model = _argument_after(command, "--model")
    if "No module named" in error_line:
        return EngineNotFound(f"openai-whisper cannot start: {error_line}. Install it with: {INSTALL_HINT}")
    if "No such file or directory: 'ffmpeg'" in stderr:
        return EngineNotFound("openai-whisper reads audio through FFmpeg, and no ffmpeg is on PATH. Install FFmpeg.")
    if "in load_model" in stderr:
        return ModelCorrupt(
            f"openai-whisper could not load the model {model}: it is corrupt, truncated or not an openai-whisper "
            f"checkpoint. Download or convert it again. ({error_line or f'exit code {exit_code}'})"
        )
    if "Failed to load audio" in stderr:
        reason = _last_line(stderr)
        return EngineFailed(
            f"openai-whisper could not read the audio it was given ({reason}).", exit_code=exit_code, stderr_tail=tail
        )
    if exit_code == 2 and "usage:" in stderr:
        return EngineFailed(
            f"openai-whisper refused its arguments: {_last_line(stderr)}. "
            f"Is openai-whisper {PINNED_VERSION} installed?",
            exit_code=exit_code,
            stderr_tail=tail,
        )
    if exit_code == 0:
        return EngineFailed(
            f"openai-whisper produced no transcript: {error_line or 'it wrote no output file'}.",
            exit_code=exit_code,
            stderr_tail=tail,
        )
    return EngineFailed(
        f"openai-whisper failed (exit code {exit_code}). {error_line}".strip(), exit_code=exit_code, stderr_tail=tail
    )


def _argument_after(command: EngineCommand, flag: str) -> str:
    arguments = list(command.arguments)
    return arguments[arguments.index(flag) + 1] if flag in arguments else "(unknown)"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
