"""Model errors carry a message a user can act on, always naming the file concerned."""

from __future__ import annotations

from pathlib import Path


class ModelError(Exception):
    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


class ModelImportError(ModelError):
    """A model could not be read, converted or checked."""


class Ct2ModelInvalid(ModelImportError):
    """A CTranslate2 model folder is incomplete, truncated or not a CTranslate2 model."""


class WhisperKitModelInvalid(ModelImportError):
    """A WhisperKit model folder is incomplete, or holds something other than its Core ML models."""


class Ct2ModelUnsupported(ModelImportError):
    """A readable CTranslate2 model that this converter cannot turn into a whisper.cpp model."""


class GgmlModelInvalid(ModelImportError):
    """A file that whisper.cpp would refuse to load: wrong magic, truncated, or not a Whisper model."""


class ModelSourceMissing(ModelImportError):
    """The package that ships the default model is not installed."""


class ModelImportCancelled(ModelImportError):
    """The user stopped an import; nothing was installed."""


class ModelNotInstalled(ModelError):
    """A whisper.cpp model asked for by name or path is not on this machine."""

    def __init__(self, path: Path, message: str, name: str | None = None) -> None:
        super().__init__(path, message)
        self.name = name
