#!/usr/bin/env python3
"""Build the packaged MetaVis Transcribe with PyInstaller, or reuse the last build when nothing changed.

Usage::

    .venv/bin/python packaging/build_bundle.py [--force] [--ffmpeg PATH] [--ffprobe PATH] [--whisper-dir DIR]

Needs the ``packaging`` extra (``pip install -e ".[packaging]"``; scripts/setup installs it) and the
whisper.cpp build (``engines/build_whisper_cpp.py``; add ``--portable`` for a bundle meant for other
machines). Results, both ignored by git:

- Linux: ``packaging/dist/metavis-transcribe-<version>-linux-<machine>/`` with the executables
  ``metavis-gui`` and ``metavis-transcribe`` beside ``_internal/`` (Python, Qt, whisper-cli, FFmpeg).
- macOS: ``packaging/dist/MetaVis Transcribe.app`` (``Contents/MacOS/metavis-gui`` is the app,
  ``Contents/MacOS/metavis-transcribe`` the headless command).
- ``packaging/dist/bundle-info.json``: the build key, what went in, the executables' paths, the size.

The build key hashes every input: the app's source (metavis_gui/, resources/, packaging/,
pyproject.toml), whisper-cli and its build-info.json, the ffmpeg and ffprobe binaries, and the versions
of Python, PyInstaller and the bundled packages. When bundle-info.json holds the same key and the
executables exist, the build is skipped. PyInstaller's own work folder is packaging/.build/.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

PACKAGING_DIR = Path(__file__).resolve().parent
ROOT = PACKAGING_DIR.parent
SPEC = PACKAGING_DIR / "metavis_transcribe.spec"
ICON_SVG = ROOT / "resources" / "icons" / "metavis-transcribe.svg"
DIST_DIR = PACKAGING_DIR / "dist"
WORK_ROOT = PACKAGING_DIR / ".build"
INFO_FILE = DIST_DIR / "bundle-info.json"
MACOS_APP_NAME = "MetaVis Transcribe.app"

sys.path.insert(0, str(ROOT / "engines"))
from build_whisper_cpp import build_key as whisper_build_key

# Source folders whose every file goes into the key; build output and caches are skipped.
HASHED_SOURCES = ("metavis_gui", "resources", "packaging")
HASHED_FILES = ("pyproject.toml",)
SKIPPED_NAMES = frozenset({"__pycache__", ".build", "dist", ".mypy_cache", ".ruff_cache"})
# Distributions whose code ends up in the bundle: a new version means a new build.
BUNDLED_DISTRIBUTIONS = (
    "pyinstaller", "pyinstaller-hooks-contrib", "PySide6-Essentials", "PySide6-Addons", "shiboken6", "qasync",
    "pydantic", "pydantic-core", "numpy", "platformdirs", "certifi", "typing-extensions", "annotated-types",
)


class BundleError(Exception):
    """A failure the user can act on; main() prints it without a traceback."""


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def platform_tag() -> tuple[str, str]:
    return platform.system().lower(), platform.machine().lower()


def bundle_name(version: str) -> str:
    system, machine = platform_tag()
    return f"metavis-transcribe-{version}-{system}-{machine}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_files() -> Iterator[Path]:
    for name in HASHED_FILES:
        yield ROOT / name
    for top in HASHED_SOURCES:
        for folder, subfolders, files in os.walk(ROOT / top):
            subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_NAMES)
            for name in sorted(files):
                if not name.endswith((".pyc", ".pyo")):
                    yield Path(folder) / name


def source_tree_sha256() -> str:
    digest = hashlib.sha256()
    for path in source_files():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(file_sha256(path).encode() + b"\n")
    return digest.hexdigest()


def distribution_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in BUNDLED_DISTRIBUTIONS:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def find_tool(name: str, chosen: Path | None) -> Path:
    if chosen is not None:
        path = chosen.expanduser().absolute()
    else:
        found = shutil.which(name)
        if found is None:
            raise BundleError(
                f"{name} is not on PATH. Install FFmpeg (Debian/Ubuntu: apt-get install ffmpeg) or pass --{name} PATH."
            )
        path = Path(found)
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise BundleError(f"{path} is not an executable {name}.")
    return path.resolve()  # Debian's /usr/bin/ffmpeg is a file; Homebrew's is a symlink into its Cellar


def find_whisper_dir(chosen: Path | None) -> Path:
    folder = (chosen or ROOT / "engines" / "bin" / whisper_build_key()).expanduser().absolute()
    if not (folder / "whisper-cli").is_file() or not (folder / "build-info.json").is_file():
        raise BundleError(
            f"No whisper.cpp build in {folder} (whisper-cli and build-info.json). Build it first: "
            "python engines/build_whisper_cpp.py --portable (portable: it must run on other machines' CPUs)."
        )
    return folder


def read_build_info(whisper_dir: Path) -> dict:
    info = json.loads((whisper_dir / "build-info.json").read_text(encoding="utf-8"))
    system, machine = platform_tag()
    if system == "darwin" and machine == "arm64" and info.get("coreml") is not True:
        raise BundleError(f"{whisper_dir} is not a Core ML build; the Mac app ships the Core ML whisper-cli.")
    return info


def build_inputs(whisper_dir: Path, ffmpeg: Path, ffprobe: Path, signing: dict[str, str | None]) -> dict:
    """Everything the bundle is made from; its hash is the build key."""
    system, machine = platform_tag()
    return {
        "version": project_version(),
        "platform": f"{system}-{machine}",
        "python": sys.version,
        "distributions": distribution_versions(),
        "source_tree_sha256": source_tree_sha256(),
        "spec_sha256": file_sha256(SPEC),
        "whisper_cli": {
            "folder": str(whisper_dir),
            "sha256": file_sha256(whisper_dir / "whisper-cli"),
            "build_info": read_build_info(whisper_dir),
        },
        "ffmpeg": {"path": str(ffmpeg), "sha256": file_sha256(ffmpeg)},
        "ffprobe": {"path": str(ffprobe), "sha256": file_sha256(ffprobe)},
        "signing": {
            "codesign-identity": signing["codesign-identity"],
            "entitlements-file": signing["entitlements-file"] and file_sha256(Path(signing["entitlements-file"])),
        },
    }


def build_key(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:24]


def executables(bundle: Path) -> dict[str, Path]:
    folder = bundle / "Contents" / "MacOS" if bundle.suffix == ".app" else bundle
    return {"gui": folder / "metavis-gui", "cli": folder / "metavis-transcribe"}


def folder_size(folder: Path) -> int:
    return sum(path.lstat().st_size for path in folder.rglob("*") if path.is_file() or path.is_symlink())


def existing_build(key: str) -> dict | None:
    try:
        info = json.loads(INFO_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if info.get("key") != key:
        return None
    bundle = DIST_DIR / info.get("bundle", "?")
    if not all(path.is_file() for path in executables(bundle).values()):
        return None
    return info


def render_icons(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, str(PACKAGING_DIR / "render_icons.py"), str(ICON_SVG), str(target)]
    if subprocess.run(command, check=False, env=environment).returncode != 0:
        raise BundleError(f"could not render the icons from {ICON_SVG}; the messages are above.")


def run_pyinstaller(
    whisper_dir: Path, ffmpeg: Path, ffprobe: Path, icons: Path, version: str, name: str, signing: dict[str, str | None]
) -> Path:
    staging = WORK_ROOT / "dist"
    if staging.exists():
        shutil.rmtree(staging)
    command = [
        sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--log-level", "WARN",
        "--distpath", str(staging), "--workpath", str(WORK_ROOT / "work"),
        "--",
        "--whisper-dir", str(whisper_dir), "--ffmpeg", str(ffmpeg), "--ffprobe", str(ffprobe),
        "--icons-dir", str(icons), "--version", version, "--name", name,
    ]
    for option, value in signing.items():
        if value:
            command += [f"--{option}", value]
    try:
        subprocess.run(command, check=True, cwd=ROOT)
    except FileNotFoundError as error:
        raise BundleError(f"cannot run PyInstaller ({error})") from error
    except subprocess.CalledProcessError as error:
        raise BundleError(f"PyInstaller failed (exit code {error.returncode}); its messages are above.") from error
    built = staging / MACOS_APP_NAME if sys.platform == "darwin" else staging / name
    if not built.is_dir():
        raise BundleError(f"PyInstaller finished but {built} is missing.")
    return built


def install(built: Path) -> Path:
    """Replace the previous bundle (of any version) by the new one. bundle-info.json is written after,
    so a half-moved bundle never counts as built."""
    if DIST_DIR.exists():
        shutil.rmtree(DIST_DIR)
    DIST_DIR.mkdir(parents=True)
    target = DIST_DIR / built.name
    built.rename(target)
    return target


def check_pyinstaller() -> None:
    try:
        importlib.metadata.version("pyinstaller")
    except importlib.metadata.PackageNotFoundError:
        raise BundleError(
            f"PyInstaller is not installed in {sys.executable}. Install the packaging extra: "
            "pip install -e '.[packaging]' (scripts/setup does)."
        ) from None


def build(
    force: bool = False,
    ffmpeg: Path | None = None,
    ffprobe: Path | None = None,
    whisper_dir: Path | None = None,
    codesign_identity: str | None = None,
    entitlements_file: Path | None = None,
) -> dict:
    """Build (or reuse) the bundle; returns the contents of bundle-info.json."""
    check_pyinstaller()
    whisper_dir = find_whisper_dir(whisper_dir)
    ffmpeg, ffprobe = find_tool("ffmpeg", ffmpeg), find_tool("ffprobe", ffprobe)
    if entitlements_file is not None and not entitlements_file.is_file():
        raise BundleError(f"--entitlements-file {entitlements_file} does not exist.")
    signing = {
        "codesign-identity": codesign_identity,
        "entitlements-file": str(entitlements_file.absolute()) if entitlements_file else None,
    }
    inputs = build_inputs(whisper_dir, ffmpeg, ffprobe, signing)
    key = build_key(inputs)
    WORK_ROOT.mkdir(parents=True, exist_ok=True)
    with (WORK_ROOT / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second build waits, then finds the first one's result
        if not force and (info := existing_build(key)) is not None:
            print(f"Bundle up to date (key {key}): {DIST_DIR / info['bundle']}")
            return info
        started = time.monotonic()
        version = inputs["version"]
        icons = WORK_ROOT / "icons"
        render_icons(icons)
        built = run_pyinstaller(whisper_dir, ffmpeg, ffprobe, icons, version, bundle_name(version), signing)
        bundle = install(built)
        info = {
            "key": key,
            "bundle": bundle.name,
            "executables": {role: str(path.relative_to(DIST_DIR)) for role, path in executables(bundle).items()},
            "size_bytes": folder_size(bundle),
            "build_seconds": round(time.monotonic() - started, 1),
            "inputs": inputs,
        }
        if inputs["whisper_cli"]["build_info"].get("ggml_native"):
            info["warning"] = (
                "whisper-cli was built with GGML_NATIVE=ON: it may crash (SIGILL) on CPUs older than this one. "
                "For a bundle to hand out, rebuild it with engines/build_whisper_cpp.py --portable --force."
            )
        INFO_FILE.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        write_third_party_licenses()
    print(f"Built {bundle} in {info['build_seconds']} s: {info['size_bytes'] / 1e6:.0f} MB (key {key}).")
    if "warning" in info:
        print(f"warning: {info['warning']}", file=sys.stderr)
    return info


def write_third_party_licenses() -> None:
    """THIRD_PARTY_LICENSES from what the new bundle holds, at the repository's root and inside the bundle."""
    sys.path.insert(0, str(PACKAGING_DIR))
    import third_party_licenses

    inventory = third_party_licenses.write(third_party_licenses.default_bundle())
    for name in (*inventory.unlisted_files, *inventory.unlisted_modules):
        print(f"warning: {name} in the bundle has no licence entry in packaging/third_party_licenses.py",
              file=sys.stderr)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the packaged MetaVis Transcribe (PyInstaller).")
    parser.add_argument("--force", action="store_true", help="build even when the last build has the same inputs")
    parser.add_argument("--ffmpeg", type=Path, help="the ffmpeg to bundle (default: the one on PATH)")
    parser.add_argument("--ffprobe", type=Path, help="the ffprobe to bundle (default: the one on PATH)")
    parser.add_argument("--whisper-dir", type=Path, help="a whisper.cpp build folder (default: engines/bin/<key>/)")
    parser.add_argument(
        "--codesign-identity",
        help='macOS: sign with this identity, e.g. "Developer ID Application: NAME (TEAM)" (default: ad-hoc)',
    )
    parser.add_argument("--entitlements-file", type=Path, help="macOS: entitlements for the hardened runtime")
    arguments = parser.parse_args(argv)
    try:
        build(
            arguments.force, arguments.ffmpeg, arguments.ffprobe, arguments.whisper_dir,
            arguments.codesign_identity, arguments.entitlements_file,
        )
    except BundleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
