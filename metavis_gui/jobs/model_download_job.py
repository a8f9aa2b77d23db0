"""One model download run in a worker thread, reported through Qt signals, cancellable at any moment.

`download_model` is synchronous and blocks on the network, so it runs in a QThread; the signals are
emitted from that thread and reach widgets (in the GUI thread) as queued calls, which is how the
progress bar moves while the qasync loop keeps serving the rest of the app.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from metavis_gui.models.errors import ModelError
from metavis_gui.models.model_catalog import CatalogEntry
from metavis_gui.models.model_download import (
    DEFAULT_TIMEOUT_SECONDS,
    DownloadCancelled,
    download_model,
)


class ModelDownloadJob(QThread):
    """Emits `download_progressed` while running, then exactly one of finished / failed / cancelled."""

    download_progressed = Signal(int, int)  # bytes done, total (0 while unknown)
    download_finished = Signal(Path)
    download_failed = Signal(str)
    download_cancelled = Signal(str)

    def __init__(
        self,
        entry: CatalogEntry,
        models_dir: Path | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.entry = entry
        self.models_dir = models_dir
        self.base_url = base_url
        self.timeout = timeout
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Asks the download to stop; the `.part` file is kept so the next download resumes it."""
        self._cancel.set()

    def is_cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            path = download_model(
                self.entry,
                self.models_dir,
                progress=self.download_progressed.emit,
                cancelled=self._cancel,
                base_url=self.base_url,
                timeout=self.timeout,
            )
        except DownloadCancelled as error:
            self.download_cancelled.emit(str(error))
        except ModelError as error:
            self.download_failed.emit(str(error))
        except Exception as error:  # noqa: BLE001 - a worker thread must report, never die silently
            self.download_failed.emit(f"{self.entry.file_name}: download failed ({type(error).__name__}: {error}).")
        else:
            self.download_finished.emit(path)
