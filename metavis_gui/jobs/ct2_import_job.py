"""One CTranslate2 -> whisper.cpp conversion in a worker thread, reported through Qt signals, cancellable.

A conversion reads and rewrites the whole model (under a second for tiny, about a minute for large-v3), too
long for the GUI thread. As with ModelDownloadJob, the signals are emitted from the worker and reach widgets
as queued calls.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from metavis_gui.models.ct2_import import import_ct2_model
from metavis_gui.models.errors import ModelError, ModelImportCancelled


class Ct2ImportJob(QThread):
    """Emits exactly one of `import_finished` (the installed ggml file), `import_failed`, `import_cancelled`."""

    import_finished = Signal(Path)
    import_failed = Signal(str)
    import_cancelled = Signal(str)

    def __init__(self, source_dir: Path, models_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source_dir = source_dir
        self.models_dir = models_dir
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Asks the conversion to stop before its next tensor; nothing is installed then."""
        self._cancel.set()

    def run(self) -> None:
        try:
            path = import_ct2_model(self.source_dir, self.models_dir, cancelled=self._cancel.is_set)
        except ModelImportCancelled as error:
            self.import_cancelled.emit(str(error))
        except ModelError as error:
            self.import_failed.emit(str(error))
        except OSError as error:
            reason = error.strerror or str(error)
            self.import_failed.emit(f"{error.filename or self.source_dir}: {reason}. Nothing was installed.")
        except Exception as error:  # noqa: BLE001 - a worker thread must report, never die silently
            self.import_failed.emit(f"{self.source_dir}: import failed ({type(error).__name__}: {error}).")
        else:
            self.import_finished.emit(path)
