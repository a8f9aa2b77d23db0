"""The command's exit codes and the stable error codes of its `--json` error event, from a failure's type."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from pathlib import Path

from metavis_gui.contract.errors import ContractError
from metavis_gui.contract.output_folder_lock import OutputNotWritable
from metavis_gui.engines.errors import EngineError, EngineNotFound, ModelCorrupt, ModelMissing
from metavis_gui.jobs.preflight import ModelLanguageRefused
from metavis_gui.media.errors import MediaError, MediaNotFound, MediaToolMissing
from metavis_gui.media.probe import AudioStreamMissing
from metavis_gui.models.errors import ModelError


class ExitCode(IntEnum):
    DONE = 0
    FAILED = 1
    USAGE = 2
    INPUT_UNREADABLE = 3
    OUTPUT_NOT_WRITABLE = 4
    INTERRUPTED = 130  # SIGINT (Ctrl-C) and SIGTERM alike: both cancel the run the same way


class ErrorCode(StrEnum):
    """What went wrong, in words a script can branch on; the values never change within v1 of the events."""

    USAGE = "usage"
    INPUT_MISSING = "input_missing"
    INPUT_UNREADABLE = "input_unreadable"
    OUTPUT_NOT_WRITABLE = "output_not_writable"
    MEDIA_TOOL_MISSING = "media_tool_missing"
    ENGINE_MISSING = "engine_missing"
    MODEL_MISSING = "model_missing"
    MODEL_UNUSABLE = "model_unusable"
    ENGINE_FAILED = "engine_failed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"

    @property
    def exit_code(self) -> ExitCode:
        return _EXIT_CODES.get(self, ExitCode.FAILED)


_EXIT_CODES = {
    ErrorCode.USAGE: ExitCode.USAGE,
    ErrorCode.INPUT_MISSING: ExitCode.INPUT_UNREADABLE,
    ErrorCode.INPUT_UNREADABLE: ExitCode.INPUT_UNREADABLE,
    ErrorCode.OUTPUT_NOT_WRITABLE: ExitCode.OUTPUT_NOT_WRITABLE,
    ErrorCode.INTERRUPTED: ExitCode.INTERRUPTED,
}

# First match wins, so a subclass comes before its base.
_ERROR_CODES_BY_TYPE: tuple[tuple[type[BaseException], ErrorCode], ...] = (
    (MediaToolMissing, ErrorCode.MEDIA_TOOL_MISSING),
    (AudioStreamMissing, ErrorCode.USAGE),  # --audio-stream names a stream the file does not have
    (ModelLanguageRefused, ErrorCode.USAGE),  # --language de with an English-only model
    (MediaNotFound, ErrorCode.INPUT_MISSING),
    (MediaError, ErrorCode.INPUT_UNREADABLE),
    (EngineNotFound, ErrorCode.ENGINE_MISSING),
    (ModelMissing, ErrorCode.MODEL_MISSING),
    (ModelCorrupt, ErrorCode.MODEL_UNUSABLE),
    (ModelError, ErrorCode.MODEL_MISSING),
    (EngineError, ErrorCode.ENGINE_FAILED),
    (OutputNotWritable, ErrorCode.OUTPUT_NOT_WRITABLE),  # OutputFolderBusy too: another run holds --out
    (ContractError, ErrorCode.FAILED),
)

EXIT_CODES_HELP = """exit codes:
  0    done (also when the media has no speech: a warning says so)
  1    failed: the engine, the model or FFmpeg (the message names the file and the fix)
  2    usage: bad or missing arguments (unknown ones too, under --strict; --threads 0; an --audio-stream
       the file does not have; --language other than en with an English-only .en model)
  3    the input is missing or unreadable (no such file, a folder, a FIFO or device, empty, not media,
       no audio stream)
  4    the output is not writable (--out under a file, read-only or without room; the media's folder, for
       the adjacent captions), or another run is writing to the same --out; checked before any work starts
  130  interrupted, by Ctrl-C or by SIGTERM alike (130 for both, never 143): the engine is stopped and
       nothing is written (the outputs are committed as one unit; an interrupt that comes after the commit says so and lists the files)"""


def error_code_of(error: BaseException | None, output_dir: Path, adjacent_captions: Path | None) -> ErrorCode:
    """The code of an error a job raised (for a TranscriptionFailed, pass its __cause__: the original error)."""
    for error_type, code in _ERROR_CODES_BY_TYPE:
        if isinstance(error, error_type):
            return code
    failed_path = Path(error.filename).absolute() if isinstance(error, OSError) and error.filename else None
    if failed_path is not None and _is_output(failed_path, output_dir.absolute(), adjacent_captions):
        return ErrorCode.OUTPUT_NOT_WRITABLE
    return ErrorCode.FAILED


def _is_output(failed: Path, output_dir: Path, adjacent_captions: Path | None) -> bool:
    if failed == output_dir or output_dir in failed.parents:
        return True
    # The atomic writer's temp file beside the captions is named after them.
    adjacent = adjacent_captions.absolute() if adjacent_captions else None
    return adjacent is not None and failed.parent == adjacent.parent and adjacent.name in failed.name
