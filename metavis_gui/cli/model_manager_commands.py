"""`metavis-transcribe models available | download | delete | import-ggml`: the model manager, headless.

`--engine` (an engine id or alias from the engine table) picks the engine whose models are meant; a
faster-whisper model is a folder of files, downloaded, resumed and deleted as one.

Wired into cli.py by `add_model_manager_commands(model_commands)` (model_manager_arguments, light enough for
every start of the command) and, only for `arguments.models_command in MODEL_MANAGER_COMMANDS`, by
`run_model_manager_command(arguments)`. `main()` runs the same commands on their own.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from metavis_gui.cli.model_manager_arguments import add_model_manager_commands
from metavis_gui.jobs.event_loop import Interrupted, run_on_asyncio_loop
from metavis_gui.jobs.model_job_outcome import ModelJobCancelled, ModelJobFailed, ModelJobFinished
from metavis_gui.models.engine_ids import DEFAULT_ENGINE, EngineId, engine_identity
from metavis_gui.models.errors import ModelError
from metavis_gui.models.model_catalog import (
    CatalogEntry,
    ModelKind,
    catalog,
    engine_folder,
    find_entry,
    installed_path,
    is_installed,
    partial_size,
)
from metavis_gui.models.model_download import delete_model
from metavis_gui.models.model_store import installed_ggml_models, store_dir

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def run_model_manager_command(arguments: argparse.Namespace) -> int:
    try:
        if arguments.models_command == "available":
            _print_available(arguments.engine, include_coreml=True if arguments.all else None)
        elif arguments.models_command == "download":
            return _download(arguments)
        elif arguments.models_command == "delete":
            for path in delete_model(arguments.name, engine=arguments.engine):
                print(f"deleted {path}")
        else:
            from metavis_gui.models.ggml_import import import_ggml_model

            print(import_ggml_model(arguments.source, name=arguments.name))
    except ModelError as error:
        print(f"metavis-transcribe: {error}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="metavis-transcribe models", description=__doc__)
    add_model_manager_commands(parser.add_subparsers(dest="models_command", required=True))
    return run_model_manager_command(parser.parse_args(argv))


def _print_available(engine: EngineId | None, include_coreml: bool | None) -> None:
    rows = [("ENGINE", "KIND", "NAME", "SIZE", "INSTALLED", "LOCATION")]
    for entry in catalog(engine, include_coreml=include_coreml):
        rows.append(
            (
                entry.engine.value,
                entry.kind.value,
                entry.name,
                _megabytes(entry.size_bytes),
                _state(entry),
                str(installed_path(entry)),
            )
        )
    listed = [engine] if engine is not None else list(EngineId)
    for ggml_engine in (each for each in listed if ModelKind.GGML in engine_identity(each).model_kinds):
        # ggml files under names the catalogue does not list: imported, converted or quantized ones.
        known = {entry.name for entry in catalog(ggml_engine, include_coreml=False)}
        for model in installed_ggml_models(engine_folder(ggml_engine)):
            if model.name not in known:
                size = _megabytes(model.size_bytes)
                rows.append((ggml_engine.value, ModelKind.GGML.value, model.name, size, "yes", str(model.path)))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    print(f"\nModels folder: {store_dir()}")


def _state(entry: CatalogEntry) -> str:
    if is_installed(entry):
        return "yes"
    return f"partial {_megabytes(partial_size(entry))}" if partial_size(entry) else "no"


def _megabytes(size: int | None) -> str:
    return "?" if size is None else f"{size / 1e6:.1f} MB"


def _download(arguments: argparse.Namespace) -> int:
    kind = ModelKind.COREML_ENCODER if arguments.coreml_encoder else None
    entry = find_entry(arguments.name, arguments.engine, kind)
    if is_installed(entry):
        print(f"{entry.name} is already installed: {installed_path(entry)}", file=sys.stderr)
        engine = "" if entry.engine is DEFAULT_ENGINE else f" --engine {entry.engine}"
        print(
            f"(to download it again, first run: metavis-transcribe models delete {entry.name}{engine})", file=sys.stderr
        )
        print(installed_path(entry))
        return 0
    # Imported here: the download job brings the HTTP stack, which `transcript generate` never needs.
    from metavis_gui.jobs.model_download_job import download_cancelled_before_start, run_model_download

    printer = _ProgressPrinter(entry.file_name)
    download = run_model_download(entry, on_progress=printer, base_url=arguments.mirror, timeout=arguments.timeout)
    try:
        # The model manager's own job: Ctrl-C cancels it, the download stops cleanly and keeps its .part.
        outcome = run_on_asyncio_loop(download)
    except Interrupted:
        outcome = download_cancelled_before_start(entry)
    match outcome:
        case ModelJobCancelled(message=message):
            print(f"\nmetavis-transcribe: {message}", file=sys.stderr)
            return EXIT_INTERRUPTED
        case ModelJobFailed(message=message):
            printer.finish()
            print(f"metavis-transcribe: {message}", file=sys.stderr)
            return EXIT_FAILED
        case ModelJobFinished(installed=installed):
            printer.finish()
            if entry.kind is ModelKind.COREML_ENCODER:
                note = "note: the first run compiles the encoder for the Neural Engine; that can take minutes."
                print(note, file=sys.stderr)
            print(installed)
    return 0


class _ProgressPrinter:
    """Rewrites one line on a terminal; elsewhere one line per 10 %, so logs stay short."""

    def __init__(self, file_name: str) -> None:
        self._file_name = file_name
        self._terminal = sys.stderr.isatty()
        self._started = time.monotonic()
        self._first_done: int | None = None
        self._last_step = -1
        self._printed = False

    def __call__(self, progress: tuple[int, int]) -> None:  # the download job's DownloadProgress
        done, total = progress
        if self._first_done is None:
            self._first_done = done
        step = done * 10 // total if total else -1
        if not self._terminal and (step == self._last_step or step < 0):
            return
        self._last_step = step
        elapsed = max(time.monotonic() - self._started, 1e-6)
        rate = (done - self._first_done) / elapsed / 1e6
        percent = f"{done * 100 / total:5.1f}%" if total else "    ?"
        line = f"{self._file_name}  {percent}  {done / 1e6:8.1f} of {_megabytes(total or None)}  {rate:6.1f} MB/s"
        print(
            ("\r" + line) if self._terminal else line, end="" if self._terminal else "\n", file=sys.stderr, flush=True
        )
        self._printed = True

    def finish(self) -> None:
        if self._terminal and self._printed:
            print(file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
