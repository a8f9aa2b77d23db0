"""Finding whisper-cli, and the build script that makes it."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import ValidationError

from metavis_gui import app_paths
from metavis_gui.engines.errors import EngineError, EngineFailed, EngineNotFound
from metavis_gui.engines.whisper_cpp_binary import (
    PINNED_WHISPER_CPP_VERSION,
    WhisperCppBinary,
    build_key,
    locate_whisper_cpp_binary,
    wants_coreml,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = REPO_ROOT / "engines" / "build_whisper_cpp.py"


@pytest.fixture(scope="module")
def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_whisper_cpp", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def nowhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No bundle, an empty checkout; returns that checkout's root."""
    root = tmp_path / "checkout"
    (root / "engines").mkdir(parents=True)
    monkeypatch.setattr(app_paths, "bundled_resources_dir", lambda: None)
    monkeypatch.setattr(app_paths, "project_root", lambda: root)
    return root


def fake_binary(folder: Path, manifest: dict | None = None, executable: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    binary = folder / "whisper-cli"
    binary.write_text("#!/bin/sh\nexit 0\n")
    binary.chmod(0o755 if executable else 0o644)
    if manifest is not None:
        (folder / "build-info.json").write_text(json.dumps(manifest))
    return binary


def empty_path(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "empty-path"
    folder.mkdir(exist_ok=True)
    return {"PATH": str(folder)}


# ---------------------------------------------------------------- keys


def test_build_key_names_version_platform_and_accelerator() -> None:
    assert build_key("Linux", "x86_64") == "whisper.cpp-1.8.5-linux-x86_64-cpu"
    assert build_key("Darwin", "arm64") == "whisper.cpp-1.8.5-darwin-arm64-coreml"
    assert build_key("Darwin", "x86_64") == "whisper.cpp-1.8.5-darwin-x86_64-cpu"
    assert wants_coreml("Darwin", "arm64") and not wants_coreml("Linux", "aarch64")


@pytest.mark.parametrize(
    ("system", "machine"),
    [("Linux", "x86_64"), ("Linux", "aarch64"), ("Darwin", "arm64"), ("Darwin", "x86_64"), (None, None)],
)
def test_build_key_agrees_with_the_build_script(build_script: ModuleType, system, machine) -> None:
    assert build_key(system, machine) == build_script.build_key(system, machine)
    assert wants_coreml(system, machine) == build_script.wants_coreml(system, machine)
    assert build_script.PINNED_VERSION == PINNED_WHISPER_CPP_VERSION


# ---------------------------------------------------------------- locator


def test_whispercpp_bin_wins_and_its_manifest_is_read(nowhere: Path, tmp_path: Path) -> None:
    fake_binary(nowhere / "engines" / "bin" / build_key(), {"version": "1.8.5", "coreml": False})
    chosen = fake_binary(tmp_path / "mine", {"version": "9.9.9", "coreml": True})

    found = locate_whisper_cpp_binary({"WHISPERCPP_BIN": str(chosen), **empty_path(tmp_path)})

    assert found == WhisperCppBinary(path=chosen, version="9.9.9", coreml=True, origin="WHISPERCPP_BIN")


@pytest.mark.parametrize("state", ["not executable", "missing", "a folder"])
def test_whispercpp_bin_that_cannot_run_is_an_error_naming_it(nowhere: Path, tmp_path: Path, state: str) -> None:
    fake_binary(nowhere / "engines" / "bin" / build_key(), {"version": "1.8.5"})
    if state == "not executable":
        target = fake_binary(tmp_path / "mine", executable=False)
    elif state == "missing":
        target = tmp_path / "no-such-whisper-cli"
    else:
        target = tmp_path / "a-folder"
        target.mkdir()

    with pytest.raises(EngineNotFound) as raised:
        locate_whisper_cpp_binary({"WHISPERCPP_BIN": str(target), **empty_path(tmp_path)})

    assert str(target) in str(raised.value)
    assert "WHISPERCPP_BIN" in str(raised.value)


def test_repo_build_is_found_with_its_build_info(nowhere: Path, tmp_path: Path) -> None:
    built = fake_binary(nowhere / "engines" / "bin" / build_key(), {"version": "1.8.5", "coreml": True})

    found = locate_whisper_cpp_binary(empty_path(tmp_path))

    assert (found.path, found.origin, found.version, found.coreml) == (built, "built", "1.8.5", True)


def test_binary_without_build_info_has_no_version(nowhere: Path, tmp_path: Path) -> None:
    fake_binary(nowhere / "engines" / "bin" / build_key())

    found = locate_whisper_cpp_binary(empty_path(tmp_path))

    assert (found.origin, found.version, found.coreml) == ("built", None, False)


def test_unreadable_build_info_counts_as_absent(nowhere: Path, tmp_path: Path) -> None:
    folder = nowhere / "engines" / "bin" / build_key()
    fake_binary(folder)
    (folder / "build-info.json").write_text("{not json")

    assert locate_whisper_cpp_binary(empty_path(tmp_path)).version is None


def test_bundle_comes_before_the_repo_build(nowhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_binary(nowhere / "engines" / "bin" / build_key(), {"version": "1.8.5"})
    bundled = fake_binary(tmp_path / "bundle" / "engines", {"version": "1.8.5", "coreml": True})
    monkeypatch.setattr(app_paths, "bundled_resources_dir", lambda: tmp_path / "bundle")

    found = locate_whisper_cpp_binary(empty_path(tmp_path))

    assert (found.path, found.origin, found.coreml) == (bundled, "bundled", True)


def test_path_is_the_last_resort(nowhere: Path, tmp_path: Path) -> None:
    fake_binary(nowhere / "engines" / "bin" / build_key(), executable=False)
    on_path = fake_binary(tmp_path / "usr-bin")

    found = locate_whisper_cpp_binary({"PATH": str(tmp_path / "usr-bin")})

    assert (found.path, found.origin, found.version) == (on_path, "PATH", None)


def test_nothing_anywhere_tells_the_user_how_to_get_it(nowhere: Path, tmp_path: Path) -> None:
    with pytest.raises(EngineNotFound) as raised:
        locate_whisper_cpp_binary(empty_path(tmp_path))

    message = str(raised.value)
    assert "scripts/setup" in message and "engines/build_whisper_cpp.py" in message
    assert "WHISPERCPP_BIN" in message
    assert isinstance(raised.value, EngineError)


def test_installed_elsewhere_without_checkout_or_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(app_paths, "bundled_resources_dir", lambda: None)
    monkeypatch.setattr(app_paths, "project_root", lambda: None)

    with pytest.raises(EngineNotFound):
        locate_whisper_cpp_binary(empty_path(tmp_path))


def test_binary_description_is_frozen() -> None:
    found = WhisperCppBinary(path=Path("/x/whisper-cli"), version=None, coreml=False, origin="PATH")
    with pytest.raises(ValidationError):
        found.coreml = True  # type: ignore[misc]
    with pytest.raises(ValidationError):
        WhisperCppBinary(path=Path("/x"), version=None, coreml=False, origin="somewhere")  # type: ignore[arg-type]


def test_engine_failed_keeps_exit_code_and_stderr() -> None:
    failure = EngineFailed("whisper-cli could not read the audio.", exit_code=0, stderr_tail="error: failed to read")
    assert (str(failure), failure.exit_code, failure.stderr_tail) == (
        "whisper-cli could not read the audio.",
        0,
        "error: failed to read",
    )


# ---------------------------------------------------------------- build script


def add_file(archive: tarfile.TarFile, name: str, text: str = "") -> None:
    data = text.encode()
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def whisper_cmake_lists(version: str) -> str:
    return (
        f'cmake_minimum_required(VERSION 3.5)\nproject("whisper.cpp" C CXX)\nproject("whisper.cpp" VERSION {version})\n'
    )


@pytest.mark.parametrize(
    "evil",
    [
        ("file", "../escaped.txt"),
        ("file", "/tmp/absolute.txt"),
        ("symlink", "/etc/passwd"),
        ("symlink", "../../outside"),
    ],
)
def test_extraction_refuses_entries_escaping_the_folder(build_script: ModuleType, tmp_path: Path, evil) -> None:
    tarball = tmp_path / "evil.tar.gz"
    with tarfile.open(tarball, "w:gz") as archive:
        add_file(archive, "whisper.cpp-1.8.5/CMakeLists.txt", whisper_cmake_lists("1.8.5"))
        kind, target = evil
        if kind == "file":
            add_file(archive, target, "boom")
        else:
            link = tarfile.TarInfo("whisper.cpp-1.8.5/link")
            link.type = tarfile.SYMTYPE
            link.linkname = target
            archive.addfile(link)

    with pytest.raises(build_script.BuildError, match="Refusing to extract"):
        build_script.safe_extract(tarball, tmp_path / "out")
    assert not (tmp_path / "escaped.txt").exists()
    assert not (tmp_path / "out" / "whisper.cpp-1.8.5" / "CMakeLists.txt").exists()


@pytest.mark.parametrize(
    "layout", ["whisper.cpp-1.8.5/CMakeLists.txt", "pywhispercpp-1.5.1/whisper.cpp/CMakeLists.txt"]
)
def test_sdist_and_release_layouts_are_found_and_versions_checked(
    build_script: ModuleType, tmp_path: Path, layout: str
) -> None:
    for version in ("1.8.5", "1.7.6"):
        tarball = tmp_path / f"{version}.tar.gz"
        with tarfile.open(tarball, "w:gz") as archive:
            if layout.count("/") == 2:  # the sdist's own CMakeLists.txt is not whisper.cpp's
                add_file(archive, layout.split("/")[0] + "/CMakeLists.txt", "project(pywhispercpp)\n")
            add_file(archive, layout, whisper_cmake_lists(version))
        out = tmp_path / f"out-{version}"
        build_script.safe_extract(tarball, out)
        root = build_script.find_whisper_cpp_root(out)
        assert root == out / Path(layout).parent
        assert build_script.read_whisper_cpp_version(root) == version
    build_script.check_version(build_script.find_whisper_cpp_root(tmp_path / "out-1.8.5"), tarball)
    with pytest.raises(build_script.BuildError, match=r"1\.7\.6.*pins 1\.8\.5"):
        build_script.check_version(build_script.find_whisper_cpp_root(tmp_path / "out-1.7.6"), tarball)


def test_installed_build_is_reused_only_when_inputs_match(build_script: ModuleType, tmp_path: Path) -> None:
    wanted = build_script.wanted_inputs(native=True)
    install_dir = tmp_path / build_key()
    fake_binary(install_dir, {**wanted, "source_sha256": "abc"})
    assert build_script.installed_build_matches(install_dir, wanted)
    assert not build_script.installed_build_matches(install_dir, build_script.wanted_inputs(native=False))
    (install_dir / "whisper-cli").unlink()
    assert not build_script.installed_build_matches(install_dir, wanted)


def test_cmake_flags_are_static_release_and_coreml_only_on_apple(build_script: ModuleType) -> None:
    cpu = build_script.cmake_flags(coreml=False, native=True)
    assert {"-DBUILD_SHARED_LIBS=OFF", "-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=ON"} <= set(cpu)
    assert not any("COREML" in flag for flag in cpu)
    assert "-DWHISPER_COREML=1" in build_script.cmake_flags(coreml=True, native=True)


# ---------------------------------------------------------------- the real build


REAL_BUILD = REPO_ROOT / "engines" / "bin" / build_key()


@pytest.mark.skipif(
    not (REAL_BUILD / "whisper-cli").exists(),
    reason="whisper-cli is not built; run `python engines/build_whisper_cpp.py`",
)
def test_the_real_build_runs_and_is_the_pinned_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(app_paths, "bundled_resources_dir", lambda: None)
    found = locate_whisper_cpp_binary(empty_path(tmp_path))
    assert found.origin == "built"
    assert found.path == REAL_BUILD / "whisper-cli"
    assert found.version == PINNED_WHISPER_CPP_VERSION
    assert found.coreml == wants_coreml()

    manifest = json.loads((REAL_BUILD / "build-info.json").read_text())
    assert manifest["engine"] == "whisper.cpp"
    assert "-DBUILD_SHARED_LIBS=OFF" in manifest["cmake_flags"]
    assert len(manifest["source_sha256"]) == 64

    result = subprocess.run([str(found.path), "--help"], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "usage:" in result.stdout + result.stderr
    assert "--output-json-full" in result.stdout + result.stderr
