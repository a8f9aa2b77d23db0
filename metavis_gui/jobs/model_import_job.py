"""One model import (a ggml file copied and checked, or a CTranslate2 folder converted) in a worker thread.

Both read the whole model, which for large-v3 takes seconds to a minute: too long for the GUI thread. As
with ModelDownloadJob, the signals are emitted from the worker and reach widgets as queued calls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from metavis_gui.models.errors import ModelError, ModelImportCancelled

CancelCheck = Callable[[], bool]
ModelImport = Callable[[CancelCheck], Path]  # installs a model, checking now and then whether to stop; its path


class ModelImportJob(QThread):
    """Emits exactly one of `import_finished` (the installed model), `import_failed`, `import_cancelled`."""

    import_finished = Signal(Path)
    import_failed = Signal(str)
    import_cancelled = Signal(str)

    def __init__(self, source: Path, run_import: ModelImport, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self._run_import = run_import
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Asks the import to stop at its next check; nothing is installed then."""
        self._cancel.set()

    def run(self) -> None:
        try:
            path = self._run_import(self._cancel.is_set)
        except ModelImportCancelled as error:
            self.import_cancelled.emit(str(error))
        except ModelError as error:
            self.import_failed.emit(str(error))
        except OSError as error:
            reason = error.strerror or str(error)
            self.import_failed.emit(f"{error.filename or self.source}: {reason}. Nothing was installed.")
        except Exception as error:  # noqa: BLE001 - a worker thread must report, never die silently
            self.import_failed.emit(f"{self.source}: import failed ({type(error).__name__}: {error}).")
        else:
            self.import_finished.emit(path)
