"""What the window remembers between runs, in QSettings: choices, output folder, geometry, splitter sizes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION_NAME = "MetaVis"
APPLICATION_NAME = "MetaVis Transcribe"

ENGINE_KEY = "transcription/engine"
MODEL_KEY = "transcription/model"
LANGUAGE_KEY = "transcription/language"
ALIGN_KEY = "transcription/align"  # auto or off
COREML_COMPUTE_UNITS_KEY = "transcription/coremlComputeUnits"  # all, cpu_and_ne or cpu_only
OUTPUT_FOLDER_KEY = "output/folder"  # empty: next to each media file
GEOMETRY_KEY = "window/geometry"
SPLITTER_KEY = "window/splitter"


def read_text(settings: QSettings, key: str) -> str:
    value = settings.value(key, "")
    return value if isinstance(value, str) else ""


def read_bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def read_output_folder(settings: QSettings) -> Path | None:
    text = read_text(settings, OUTPUT_FOLDER_KEY)
    return Path(text) if text else None


def write_output_folder(settings: QSettings, folder: Path | None) -> None:
    settings.setValue(OUTPUT_FOLDER_KEY, str(folder) if folder is not None else "")
