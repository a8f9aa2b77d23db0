"""Where the app keeps its files: per-user data, overridable for tests and CI."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "MetaVis Transcribe"
APP_AUTHOR = "MetaVis"

MODELS_DIR_VARIABLE = "METAVIS_MODELS_DIR"
DATA_DIR_VARIABLE = "METAVIS_DATA_DIR"


def user_data_dir() -> Path:
    override = os.environ.get(DATA_DIR_VARIABLE)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def models_dir() -> Path:
    override = os.environ.get(MODELS_DIR_VARIABLE)
    if override:
        return Path(override)
    return user_data_dir() / "models"


def project_root() -> Path | None:
    """The source checkout this package runs from, or None when installed elsewhere or frozen."""
    if getattr(sys, "frozen", False):
        return None
    candidate = Path(__file__).resolve().parent.parent
    if (candidate / "pyproject.toml").is_file() and (candidate / "engines").is_dir():
        return candidate
    return None


def bundled_resources_dir() -> Path | None:
    """The folder a frozen app (PyInstaller) unpacks its data files into."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else None
