"""whisper.cpp's whisper-cli: its argv, its progress lines, its output, and what its failures mean."""

from __future__ import annotations

import re
from pathlib import Path

from metavis_gui.engines.engine_command import (
    COREML_COMPUTE_UNITS_VARIABLE,
    EngineCommand,
    LiveSegment,
    TranscriptionSettings,
    WordTimingMode,
)
from metavis_gui.engines.errors import EngineFailed, ModelCorrupt, ModelMissing, stderr_tail
from metavis_gui.engines.stall_timeouts import (
    WHISPER_CPP_COREML_STALL_TIMEOUT_SECONDS,
    WHISPER_CPP_STALL_TIMEOUT_SECONDS,
)
from metavis_gui.engines.whisper_cpp_binary import WhisperCppBinary
from metavis_gui.engines.whisper_cpp_encoder import encoder_of_run
from metavis_gui.engines.whisper_cpp_json import parse_whisper_cpp_json
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.errors import ModelNotInstalled
from metavis_gui.models.ggml_model_check import read_ggml_header
from metavis_gui.models.model_store import coreml_encoder_path, resolve_whisper_cpp_model
from metavis_gui.timeline.transcript import Transcript

# Names the model when none is given, like WHISPERCPP_BIN names the binary.
MODEL_VARIABLE = "WHISPERCPP_MODEL"
_PROGRESS_PATTERN = re.compile(r"progress\s*=\s*(-?\d+)%")
_SEGMENT_PATTERN = re.compile(r"^\[(\d+):(\d+):(\d+(?:\.\d+)?)\s*-->\s*(\d+):(\d+):(\d+(?:\.\d+)?)\]\s*(.*)$")
_ERROR_LINE_PATTERN = re.compile(r"^(?:[\w.]+: )?error:")
_EXIT_CODE_MEANINGS = {
    2: "the audio file was not found",
    3: "the model failed to load",
    10: "inference failed",
}
# whisper.cpp's alignment-heads presets, by our model names.
_DTW_PRESETS = {
    "tiny": "tiny", "tiny.en": "tiny.en", "base": "base", "base.en": "base.en",
    "small": "small", "small.en": "small.en", "medium": "medium", "medium.en": "medium.en",
    "large-v1": "large.v1", "large-v2": "large.v2", "large-v3": "large.v3",
    "large-v3-turbo": "large.v3.turbo",
}  # fmt: skip


class WhisperCppAdapter:
    name = EngineId.WHISPER_CPP

    def __init__(self, binary: WhisperCppBinary, timing_mode: WordTimingMode = WordTimingMode.DTW) -> None:
        self.binary = binary
        self.timing_mode = timing_mode

    @property
    def version(self) -> str | None:
        return self.binary.version

    def model_id(self, model_path: Path) -> str:
        return read_ggml_header(model_path).model_name or model_path.stem.removeprefix("ggml-")

    def build_command(self, settings: TranscriptionSettings, output_dir: Path) -> EngineCommand:
        header = read_ggml_header(settings.model_path)
        output_base = output_dir / "whisper-cpp-output"
        language = settings.language or "auto"
        if not header.is_multilingual:
            language = "en"
        arguments = [
            "-m", str(settings.model_path),
            "-f", str(settings.audio_path),
            "-of", str(output_base),
            "-ojf", "-pp",
            "-l", language,
            "-t", str(max(1, settings.threads)),
            # No previous text as the prompt: 15 % faster, and a hallucination ("Thank you for your time.") can
            # no longer repeat over the next minute of real speech, as it did on the 30-minute clip
            # (bench/README.md, "Speed targets"); WER 10.7 vs 9.3 on 4 minutes, still below faster-whisper's 11.6.
            "-mc", "0",
        ]  # fmt: skip
        dtw_preset = _DTW_PRESETS.get(header.model_name or "")
        word_timing = WordTimingMode.TOKEN
        dtw = settings.engine_word_times and self.timing_mode is not WordTimingMode.TOKEN and dtw_preset is not None
        # DTW needs flash attention off; on the CPU it stays off anyway: on, v1.8.5 spends about a third less CPU
        # but its transcripts get worse (JFK loses its punctuation and capitals; WER +0.8 on the 4-minute clip,
        # bench/README.md). A Core ML build keeps whisper.cpp's default.
        if dtw or not self.binary.coreml:
            arguments.append("-nfa")
        if dtw:
            arguments += ["--dtw", dtw_preset]  # type: ignore[list-item]
            word_timing = self.timing_mode
        environment: tuple[tuple[str, str], ...] = ()
        if self.binary.coreml and settings.coreml_compute_units is not None:
            environment = ((COREML_COMPUTE_UNITS_VARIABLE, settings.coreml_compute_units.value),)
        return EngineCommand(
            program=self.binary.path,
            arguments=tuple(arguments),
            output_path=output_base.with_suffix(".json"),
            word_timing=word_timing,
            environment=environment,
        )

    def stall_timeout_seconds(self, model_path: Path) -> float:
        if self.binary.coreml and coreml_encoder_path(model_path).exists():
            return WHISPER_CPP_COREML_STALL_TIMEOUT_SECONDS
        return WHISPER_CPP_STALL_TIMEOUT_SECONDS

    @staticmethod
    def progress_fraction(stderr_line: str) -> float | None:
        """0..1 from whisper-cli's progress lines; it may print past 100 % or stop short, so clamp."""
        match = _PROGRESS_PATTERN.search(stderr_line)
        if match is None:
            return None
        return min(100, max(0, int(match.group(1)))) / 100

    @staticmethod
    def live_segment(stdout_line: str) -> LiveSegment | None:
        match = _SEGMENT_PATTERN.match(stdout_line.strip())
        if match is None:
            return None
        h0, m0, s0, h1, m1, s1, text = match.groups()
        return LiveSegment(
            start_seconds=int(h0) * 3600 + int(m0) * 60 + float(s0),
            end_seconds=int(h1) * 3600 + int(m1) * 60 + float(s1),
            text=text.strip(),
        )

    def read_result(self, command: EngineCommand, exit_code: int, stderr: str) -> Transcript:
        """The transcript, or the failure. Exit codes lie: success is the JSON present and no error line."""
        error_line = _first_error_line(stderr)
        if exit_code == 3:
            raise ModelCorrupt(
                f"whisper.cpp could not load the model {self._model_argument(command)}: it is corrupt, "
                f"truncated or not a whisper.cpp model. Re-install or re-import it. ({error_line or 'exit code 3'})"
            )
        if exit_code != 0:
            meaning = _EXIT_CODE_MEANINGS.get(exit_code, "it stopped with an error")
            raise EngineFailed(
                f"whisper.cpp failed: {meaning} (exit code {exit_code}). {error_line}".strip(),
                exit_code=exit_code,
                stderr_tail=stderr_tail(stderr),
            )
        if error_line or not command.output_path.is_file():
            raise EngineFailed(
                f"whisper.cpp produced no transcript: {error_line or 'it wrote no output file'}.",
                exit_code=exit_code,
                stderr_tail=stderr_tail(stderr),
            )
        transcript = parse_whisper_cpp_json(command.output_path, command.word_timing)
        return transcript.model_copy(update={"encoder": encoder_of_run(stderr)})

    @staticmethod
    def _model_argument(command: EngineCommand) -> str:
        arguments = list(command.arguments)
        return arguments[arguments.index("-m") + 1] if "-m" in arguments else "(unknown)"


def resolve_whisper_cpp_model_file(name_or_path: str) -> Path:
    """A ggml file path wins; a name maps to `<store>/ggml-<name>.bin`."""
    try:
        return resolve_whisper_cpp_model(name_or_path)
    except ModelNotInstalled as error:
        raise ModelMissing(str(error)) from error


def _first_error_line(stderr: str) -> str:
    for line in stderr.splitlines():
        stripped = line.strip()
        if _ERROR_LINE_PATTERN.match(stripped):
            return stripped
    return ""
