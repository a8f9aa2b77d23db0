"""faster-whisper, run by our runner module in a child process: its argv, progress, live text and failures.

The runner (`metavis_gui.engines.faster_whisper_runner`) speaks our runners' line protocol
(`runner_protocol`): progress and segments in whisper-cli's formats, parsed by the whisper.cpp adapter's
parsers, and openai-whisper's JSON shape, parsed by the shared segment parser. Models are CTranslate2
folders: the shipped tiny.en loads as is.
"""

from __future__ import annotations

from pathlib import Path

from metavis_gui.engines import faster_whisper_runner as runner
from metavis_gui.engines.engine_command import EngineCommand, TranscriptionSettings, WordTimingMode
from metavis_gui.engines.errors import EngineFailed, EngineNotFound, ModelCorrupt, ModelMissing, stderr_tail
from metavis_gui.engines.python_engine import PythonEngine, parse_segments_json
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
from metavis_gui.models.ct2_file_names import CONFIG_FILE_NAME, MODEL_FILE_NAME
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.errors import ModelError
from metavis_gui.models.ggml_model_check import infer_whisper_model_name
from metavis_gui.models.model_catalog import expected_model_path
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME, WHISPER_MODEL_NAMES
from metavis_gui.timeline.transcript import Transcript

PINNED_VERSION = "1.2.1"
INSTALL_HINT = f"pip install faster-whisper=={PINNED_VERSION} (or pip install -e '.[engines]')"
RUNNER_MODULE = runner.__name__
TOKENIZER_FILE_NAME = "tokenizer.json"
OUTPUT_FILE_NAME = "faster-whisper-output.json"
HUGGING_FACE_MODELS = "https://huggingface.co/Systran"


class FasterWhisperAdapter:
    name = EngineId.FASTER_WHISPER

    def __init__(self, engine: PythonEngine, device: str = "cpu", compute_type: str = "default") -> None:
        self.engine = engine
        self.device = device
        self.compute_type = compute_type

    @property
    def version(self) -> str | None:
        return self.engine.version

    def model_id(self, model_path: Path) -> str:
        """The folder's name when it is a model name, else the published model its shapes match."""
        if model_path.name in WHISPER_MODEL_NAMES:
            return model_path.name
        # Here, not at the top: these load numpy, and every run of the command builds the engine table.
        from metavis_gui.models.ct2_model_reader import read_ct2_whisper_model
        from metavis_gui.models.ggml_whisper_writer import whisper_hparams

        try:
            hparams = whisper_hparams(read_ct2_whisper_model(model_path))
        except (ModelError, OSError, ValueError):
            return model_path.name
        inferred = infer_whisper_model_name(
            hparams.n_audio_layer, hparams.n_audio_state, hparams.n_vocab, hparams.n_text_layer
        )
        return inferred or model_path.name

    def build_command(self, settings: TranscriptionSettings, output_dir: Path) -> EngineCommand:
        check_ct2_model_folder(settings.model_path)
        output_path = output_dir / OUTPUT_FILE_NAME
        arguments = (
            "-m", RUNNER_MODULE,
            "--model", str(settings.model_path),
            "--audio", str(settings.audio_path),
            "--output", str(output_path),
            "--language", settings.language or "auto",
            "--threads", str(max(1, settings.threads)),
            "--device", self.device,
            "--compute-type", self.compute_type,
        )  # fmt: skip
        return EngineCommand(
            program=self.engine.python, arguments=arguments, output_path=output_path, word_timing=WordTimingMode.DTW
        )

    def stall_timeout_seconds(self, model_path: Path) -> float:
        weights = model_path / MODEL_FILE_NAME
        weight_bytes = weights.stat().st_size if weights.is_file() else None
        return python_engine_stall_timeout(self.model_id(model_path), weight_bytes)

    # The runner prints whisper-cli's progress and segment lines (runner_protocol).
    progress_fraction = staticmethod(WhisperCppAdapter.progress_fraction)
    live_segment = staticmethod(WhisperCppAdapter.live_segment)

    def read_result(self, command: EngineCommand, exit_code: int, stderr: str) -> Transcript:
        error_line = reported_error(stderr)
        if exit_code == 0 and command.output_path.is_file():
            return parse_segments_json(command.output_path, self.name)
        if exit_code == EXIT_MODEL_FAILED:
            raise ModelCorrupt(
                f"faster-whisper could not load its model: {error_line}. "
                "Check that the folder is a complete CTranslate2 Whisper model (model.bin, config.json, "
                "tokenizer.json), or download it again."
            )
        if exit_code == EXIT_NOT_INSTALLED:
            raise EngineNotFound(f"faster-whisper cannot start: {error_line}. Install it with: {INSTALL_HINT}")
        meaning = {
            EXIT_AUDIO_FAILED: "faster-whisper could not read the audio",
            EXIT_TRANSCRIPTION_FAILED: "faster-whisper failed while transcribing",
            EXIT_USAGE: "faster-whisper's runner refused its arguments",
            0: "faster-whisper produced no transcript",
        }.get(exit_code, f"faster-whisper failed (exit code {exit_code})")
        raise EngineFailed(
            f"{meaning}: {error_line or 'see the engine output'}.", exit_code=exit_code, stderr_tail=stderr_tail(stderr)
        )


def check_ct2_model_folder(folder: Path) -> None:
    """Fail before starting a process when the folder cannot be a CTranslate2 Whisper model."""
    if not folder.is_dir():
        raise ModelMissing(f"{folder}: no such folder. faster-whisper needs a CTranslate2 model folder.")
    missing = [
        name for name in (MODEL_FILE_NAME, CONFIG_FILE_NAME, TOKENIZER_FILE_NAME) if not (folder / name).is_file()
    ]
    if missing:
        # Without tokenizer.json faster-whisper would fetch one from the internet.
        raise ModelCorrupt(
            f"{folder}: {', '.join(missing)} missing; this is not a complete faster-whisper (CTranslate2) model "
            "folder. Copy or download the whole folder."
        )


def resolve_faster_whisper_model(name_or_path: str, models_dir: Path | None = None) -> Path:
    """A folder path wins; a name maps to `<store>/faster-whisper/<name>/`, and tiny.en to the shipped one."""
    candidate = Path(name_or_path).expanduser()
    if candidate.is_dir():
        return candidate
    if "/" in name_or_path or "\\" in name_or_path:
        raise ModelMissing(f"{candidate}: no such folder. Give a CTranslate2 model folder or a model name.")
    stored = expected_model_path(EngineId.FASTER_WHISPER, name_or_path, models_dir)
    if stored.is_dir():
        return stored
    if name_or_path == DEFAULT_MODEL_NAME:
        from metavis_gui.models.ct2_to_openai_whisper import default_ct2_model_dir

        try:
            return default_ct2_model_dir()
        except ModelError as error:
            raise ModelMissing(str(error)) from error
    if name_or_path in WHISPER_MODEL_NAMES:
        advice = (
            f"Download it in Manage models (the faster-whisper tab), or run: metavis-transcribe models download "
            f"{name_or_path} --engine faster-whisper (the files of {HUGGING_FACE_MODELS}/faster-whisper-{name_or_path} "
            f"in {stored} work too)."
        )
    else:
        advice = f"Give a CTranslate2 model folder, or one of: {', '.join(WHISPER_MODEL_NAMES)}."
    raise ModelMissing(f"The faster-whisper model '{name_or_path}' is not installed (looked for {stored}). {advice}")
