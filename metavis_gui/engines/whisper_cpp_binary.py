"""Find the whisper-cli binary the app runs, and what it was built as.

Looked for in this order:

1. ``$WHISPERCPP_BIN`` (an explicit choice: a wrong value is an error, not a fall-through);
2. the frozen app's bundle: ``<bundled_resources_dir()>/engines/whisper-cli``;
3. this checkout's build: ``<project_root()>/engines/bin/<build_key()>/whisper-cli``,
   made by ``engines/build_whisper_cpp.py``;
4. ``whisper-cli`` on ``PATH``.

No process is started here. whisper-cli v1.8.5 has no ``--version`` flag and
prints its Core ML state (``system_info: ... COREML = 1``) only while
transcribing, so the version and Core ML facts come from the
``build-info.json`` the build script writes beside the binary; a binary without
one reports ``version=None, coreml=False``.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from metavis_gui import app_paths
from metavis_gui.engines.errors import EngineNotFound

PINNED_WHISPER_CPP_VERSION = "1.8.5"
BINARY_VARIABLE = "WHISPERCPP_BIN"
BINARY_NAME = "whisper-cli"
MANIFEST_NAME = "build-info.json"

BinaryOrigin = Literal["WHISPERCPP_BIN", "bundled", "built", "PATH"]


def wants_coreml(system: str | None = None, machine: str | None = None) -> bool:
    """Core ML only pays off (and only builds) on Apple Silicon Macs."""
    system = (system or platform.system()).lower()
    machine = (machine or platform.machine()).lower()
    return system == "darwin" and machine in ("arm64", "aarch64")


def build_key(system: str | None = None, machine: str | None = None) -> str:
    """The build folder name; must match ``build_key`` in ``engines/build_whisper_cpp.py``."""
    system = (system or platform.system()).lower()
    machine = (machine or platform.machine()).lower()
    accelerator = "coreml" if wants_coreml(system, machine) else "cpu"
    return f"whisper.cpp-{PINNED_WHISPER_CPP_VERSION}-{system}-{machine}-{accelerator}"


class WhisperCppBinary(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: Path
    version: str | None
    coreml: bool
    origin: BinaryOrigin


def is_executable_file(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def read_build_info(binary: Path) -> tuple[str | None, bool]:
    """(version, coreml) from the build-info.json beside the binary or beside its symlink target."""
    for folder in dict.fromkeys((binary.parent, binary.resolve().parent)):
        try:
            manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(manifest, dict):
            version = manifest.get("version")
            return (version if isinstance(version, str) else None), manifest.get("coreml") is True
    return None, False


def described(path: Path, origin: BinaryOrigin) -> WhisperCppBinary:
    version, coreml = read_build_info(path)
    return WhisperCppBinary(path=path, version=version, coreml=coreml, origin=origin)


def binary_from_variable(value: str) -> WhisperCppBinary:
    path = Path(value).expanduser()
    if not path.exists():
        problem = "does not exist"
    elif not path.is_file():
        problem = "is not a file"
    elif not os.access(path, os.X_OK):
        problem = "is not executable (try `chmod +x` on it)"
    else:
        return described(path, "WHISPERCPP_BIN")
    raise EngineNotFound(
        f"{BINARY_VARIABLE} is set to {path}, which {problem}. "
        f"Point {BINARY_VARIABLE} at a whisper-cli binary, or unset it to use the bundled one."
    )


def candidate_paths() -> list[tuple[Path, BinaryOrigin]]:
    candidates: list[tuple[Path, BinaryOrigin]] = []
    bundle = app_paths.bundled_resources_dir()
    if bundle is not None:
        candidates.append((bundle / "engines" / BINARY_NAME, "bundled"))
    root = app_paths.project_root()
    if root is not None:
        candidates.append((root / "engines" / "bin" / build_key() / BINARY_NAME, "built"))
    return candidates


def locate_whisper_cpp_binary(environ: Mapping[str, str] | None = None) -> WhisperCppBinary:
    """The whisper-cli to run, or EngineNotFound telling the user how to get one."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(BINARY_VARIABLE)
    if explicit:
        return binary_from_variable(explicit)
    for path, origin in candidate_paths():
        if is_executable_file(path):
            return described(path, origin)
    on_path = shutil.which(BINARY_NAME, path=environ.get("PATH", os.defpath))
    if on_path is not None:
        return described(Path(on_path), "PATH")
    raise EngineNotFound(
        f"The whisper.cpp engine (whisper-cli {PINNED_WHISPER_CPP_VERSION}) is not installed. "
        "Run the set-up (`scripts/setup`) or build it with `python engines/build_whisper_cpp.py`, "
        f"or set {BINARY_VARIABLE} to the path of a whisper-cli binary."
    )
