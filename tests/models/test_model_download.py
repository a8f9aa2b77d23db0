"""Model downloads against an HTTP server started here on 127.0.0.1, serving the real tiny.en ggml model."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from metavis_gui.cli import model_manager_commands as cli_model_manager
from metavis_gui.models import resumable_fetch
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.errors import ModelNotInstalled
from metavis_gui.models.ggml_model_check import validate_ggml_model
from metavis_gui.models.model_catalog import (
    CatalogEntry,
    ChecksumAlgorithm,
    ModelKind,
    find_entry,
    is_installed,
    partial_size,
)
from metavis_gui.models.model_download import (
    ChecksumMismatch,
    DiskFull,
    DownloadCancelled,
    DownloadFailed,
    DownloadInterrupted,
    ModelNotAvailable,
    NetworkUnavailable,
    delete_model,
    download_model,
)
from metavis_gui.models.model_store import installed_ggml_models, resolve_whisper_cpp_model
from metavis_gui.models.safe_unzip import ArchiveInvalid, UnsafeArchive, safe_unzip
from tests.support.model_server import MODEL_FILE, SERVER_CHUNK, ModelServer, corrupted, sha1

ENCODER_ZIP = "ggml-tiny.en-encoder.mlmodelc.zip"
ENCODER_FOLDER = "ggml-tiny.en-encoder.mlmodelc"

pytestmark = pytest.mark.usefixtures("direct_connections")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "models"


def store_listing(store: Path) -> list[str]:
    return sorted(path.name for path in store.iterdir()) if store.exists() else []


def test_full_download_is_verified_and_installed(
    model_server: ModelServer, served_entry: CatalogEntry, store: Path, served_model_bytes: bytes
) -> None:
    progress: list[tuple[int, int]] = []
    path = download_model(
        served_entry, store, progress=lambda done, total: progress.append((done, total)), base_url=model_server.url
    )
    assert path == store / MODEL_FILE
    assert sha1(path.read_bytes()) == sha1(served_model_bytes)
    assert validate_ggml_model(path).model_name == "tiny.en"
    assert resolve_whisper_cpp_model("tiny.en", store) == path
    assert store_listing(store) == [MODEL_FILE]
    assert progress[-1] == (len(served_model_bytes), len(served_model_bytes))
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert [(request.range_header, request.status) for request in model_server.requests] == [(None, 200)]


def test_interrupted_download_resumes_with_a_range_request(
    model_server: ModelServer, served_entry: CatalogEntry, store: Path, served_model_bytes: bytes
) -> None:
    cut = 20_000_123
    model_server.drop_first_after = cut
    with pytest.raises(DownloadInterrupted, match="resume"):
        download_model(served_entry, store, base_url=model_server.url)
    part = store / (MODEL_FILE + ".part")
    assert part.read_bytes() == served_model_bytes[:cut]
    assert not (store / MODEL_FILE).exists()

    path = download_model(served_entry, store, base_url=model_server.url)
    resumed = model_server.requests[1]
    assert (resumed.range_header, resumed.status) == (f"bytes={cut}-", 206)
    assert resumed.bytes_sent == len(served_model_bytes) - cut
    assert sha1(path.read_bytes()) == sha1(served_model_bytes)
    assert store_listing(store) == [MODEL_FILE]


def test_server_that_ignores_range_restarts_from_the_beginning(
    model_server: ModelServer, served_entry: CatalogEntry, store: Path, served_model_bytes: bytes
) -> None:
    store.mkdir()
    (store / (MODEL_FILE + ".part")).write_bytes(b"stale bytes from another file" * 1000)
    model_server.mode = "ignore-range"
    path = download_model(served_entry, store, base_url=model_server.url)
    assert [(request.range_header, request.status) for request in model_server.requests] == [("bytes=29000-", 200)]
    assert sha1(path.read_bytes()) == sha1(served_model_bytes)


def test_complete_part_of_unknown_size_is_finished_after_a_416(
    model_server: ModelServer, served_entry: CatalogEntry, store: Path, served_model_bytes: bytes
) -> None:
    store.mkdir()
    (store / (MODEL_FILE + ".part")).write_bytes(served_model_bytes)
    path = download_model(served_entry.model_copy(update={"size_bytes": None}), store, base_url=model_server.url)
    assert [request.status for request in model_server.requests] == [416]
    assert sha1(path.read_bytes()) == sha1(served_model_bytes)


def test_wrong_bytes_are_refused_and_nothing_is_installed(
    model_server: ModelServer, served_entry: CatalogEntry, store: Path, served_model_bytes: bytes
) -> None:
    model_server.mode = "wrong-bytes"
    with pytest.raises(ChecksumMismatch) as caught:
        download_model(served_entry, store, base_url=model_server.url)
    message = str(caught.value)
    assert (
        MODEL_FILE in message and sha1(served_model_bytes) in message and sha1(corrupted(served_model_bytes)) in message
    )
    assert (caught.value.expected, caught.value.actual) == (
        sha1(served_model_bytes),
        sha1(corrupted(served_model_bytes)),
    )
    assert store_listing(store) == []


def test_truncated_file_served_as_complete_is_never_used(
    model_server: ModelServer, served_entry: CatalogEntry, store: Path, served_model_bytes: bytes
) -> None:
    model_server.files[MODEL_FILE] = served_model_bytes[: len(served_model_bytes) // 3]
    with pytest.raises(ChecksumMismatch):
        download_model(served_entry.model_copy(update={"size_bytes": None}), store, base_url=model_server.url)
    assert store_listing(store) == []
    with pytest.raises(DownloadFailed, match="offers"):
        download_model(served_entry, store, base_url=model_server.url)
    assert store_listing(store) == []


def test_missing_file_is_reported_as_not_available(
    model_server: ModelServer, served_entry: CatalogEntry, store: Path
) -> None:
    model_server.mode = "404"
    with pytest.raises(ModelNotAvailable) as caught:
        download_model(served_entry, store, base_url=model_server.url)
    assert "404" in str(caught.value) and f"{model_server.url}{MODEL_FILE}" in str(caught.value)
    assert store_listing(store) == []


def test_slow_server_download_is_cancelled_within_a_second(
    model_server: ModelServer, served_entry: CatalogEntry, store: Path
) -> None:
    model_server.chunk_delay = 5.0  # each chunk is followed by a long silence: the client is stuck in a read
    cancel = threading.Event()
    cancelled_at: list[float] = []

    def cancel_soon(done: int, total: int) -> None:
        if done and not cancelled_at:
            cancelled_at.append(0.0)
            threading.Timer(0.3, lambda: (cancelled_at.__setitem__(0, time.monotonic()), cancel.set())).start()

    with pytest.raises(DownloadCancelled, match="kept"):
        download_model(served_entry, store, progress=cancel_soon, cancelled=cancel, base_url=model_server.url)
    assert time.monotonic() - cancelled_at[0] < 2.0
    assert (store / (MODEL_FILE + ".part")).stat().st_size >= SERVER_CHUNK
    assert not (store / MODEL_FILE).exists()


def test_stalled_server_is_reported_and_the_part_kept(
    model_server: ModelServer, served_entry: CatalogEntry, store: Path
) -> None:
    model_server.chunk_delay = 5.0
    started = time.monotonic()
    with pytest.raises(DownloadInterrupted, match=r"stalled for 0\.5 s after \d+ bytes.*resume"):
        download_model(served_entry, store, base_url=model_server.url, timeout=0.5)
    assert time.monotonic() - started < 3.0
    assert (store / (MODEL_FILE + ".part")).stat().st_size >= SERVER_CHUNK


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_offline_gives_a_clear_message_and_installed_models_keep_working(
    served_entry: CatalogEntry, store: Path, default_model_path: Path
) -> None:
    store.mkdir()
    installed = store / MODEL_FILE
    installed.write_bytes(default_model_path.read_bytes())
    before = installed.stat()
    with pytest.raises(NetworkUnavailable) as caught:
        download_model(served_entry, store, base_url=f"http://127.0.0.1:{free_port()}/")
    message = str(caught.value)
    assert "refused" in message and "offline" in message and "Installed models still work" in message
    assert resolve_whisper_cpp_model("tiny.en", store) == installed
    assert (installed.stat().st_size, installed.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert store_listing(store) == [MODEL_FILE]


def test_unknown_host_is_reported_as_offline(
    served_entry: CatalogEntry, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_dns(*arguments: object, **options: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(NetworkUnavailable, match="models.example: its name could not be resolved"):
        download_model(served_entry, store, base_url="http://models.example/")


def test_server_that_never_answers_times_out(served_entry: CatalogEntry, store: Path) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        started = time.monotonic()
        with pytest.raises(NetworkUnavailable, match="did not answer in time"):
            download_model(served_entry, store, base_url=f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=0.5)
        assert time.monotonic() - started < 3.0


def test_full_disk_is_reported_and_nothing_is_installed(
    model_server: ModelServer,
    served_entry: CatalogEntry,
    store: Path,
    served_model_bytes: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    room = 8_000_000 + 1234
    real_write = resumable_fetch._write_chunk
    written = [0]

    def write_until_full(descriptor: int, data: bytes) -> None:
        # Like the kernel: the bytes that fit are accepted, then ENOSPC.
        accepted = data[: max(0, room - written[0])]
        real_write(descriptor, accepted)
        written[0] += len(accepted)
        if len(accepted) < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(resumable_fetch, "_write_chunk", write_until_full)
    with pytest.raises(DiskFull) as caught:
        download_model(served_entry, store, base_url=model_server.url)
    part = store / (MODEL_FILE + ".part")
    assert "full" in str(caught.value) and "was not installed" in str(caught.value) and str(part) in str(caught.value)
    assert store_listing(store) == [part.name]
    assert part.read_bytes() == served_model_bytes[:room]
    assert partial_size(served_entry, store) == room and not is_installed(served_entry, store)

    monkeypatch.undo()
    path = download_model(served_entry, store, base_url=model_server.url)
    assert model_server.requests[-1].range_header == f"bytes={room}-"
    assert sha1(path.read_bytes()) == sha1(served_model_bytes)


def encoder_zip(extra: dict[str, bytes] | None = None, symlink: str | None = None, stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as bundle:
        for name, content in {
            f"{ENCODER_FOLDER}/coremldata.bin": os.urandom(2000),
            f"{ENCODER_FOLDER}/model.mil": b"program(1.0)\n",
            f"{ENCODER_FOLDER}/weights/weight.bin": os.urandom(50_000),
            f"__MACOSX/{ENCODER_FOLDER}/._coremldata.bin": b"resource fork",
            **(extra or {}),
        }.items():
            bundle.writestr(name, content)
        if symlink:
            link = zipfile.ZipInfo(f"{ENCODER_FOLDER}/link")
            link.external_attr = (stat.S_IFLNK | 0o777) << 16
            bundle.writestr(link, symlink)
    return buffer.getvalue()


def test_coreml_encoder_is_downloaded_checked_and_unzipped(model_server: ModelServer, store: Path) -> None:
    archive = encoder_zip()
    model_server.files[ENCODER_ZIP] = archive
    folder = download_model(find_entry("tiny.en", kind=ModelKind.COREML_ENCODER), store, base_url=model_server.url)
    assert folder == store / ENCODER_FOLDER
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        assert (folder / "weights" / "weight.bin").read_bytes() == bundle.read(f"{ENCODER_FOLDER}/weights/weight.bin")
    assert store_listing(store) == [ENCODER_FOLDER]


def test_coreml_encoder_with_an_escaping_entry_is_refused(
    model_server: ModelServer, store: Path, tmp_path: Path
) -> None:
    model_server.files[ENCODER_ZIP] = encoder_zip({f"{ENCODER_FOLDER}/../../evil.txt": b"owned"})
    with pytest.raises(UnsafeArchive, match=r"\.\./\.\./evil\.txt"):
        download_model(find_entry("tiny.en", kind=ModelKind.COREML_ENCODER), store, base_url=model_server.url)
    assert store_listing(store) == []
    assert not list(tmp_path.rglob("evil.txt"))


@pytest.mark.parametrize(
    ("archive", "error", "message"),
    [
        (lambda: encoder_zip({"../evil.txt": b"owned"}), UnsafeArchive, "outside its folder"),
        (lambda: encoder_zip({"/tmp/evil.txt": b"owned"}), UnsafeArchive, "outside its folder"),
        (lambda: encoder_zip({"C:/evil.txt": b"owned"}), UnsafeArchive, "outside its folder"),
        (lambda: encoder_zip(symlink="/etc/passwd"), UnsafeArchive, "symbolic link"),
        (lambda: encoder_zip({"other-folder/coremldata.bin": b"x"}), ArchiveInvalid, "outside the expected folder"),
        (lambda: b"this is not a zip", ArchiveInvalid, "not a readable zip"),
        (lambda: encoder_zip(stored=True).replace(b"program(1.0)", b"program(6.6)"), ArchiveInvalid, "not a readable"),
    ],
)
def test_unsafe_or_damaged_zips_are_refused_before_anything_is_written(
    tmp_path: Path,
    archive,
    error: type[Exception],
    message: str,
) -> None:
    source = tmp_path / ENCODER_ZIP
    source.write_bytes(archive())
    parent = tmp_path / "store"
    parent.mkdir()
    with pytest.raises(error, match=message):
        safe_unzip(source, parent, ENCODER_FOLDER, required_files=("coremldata.bin",))
    assert store_listing(parent) == []
    assert not list(tmp_path.rglob("evil.txt")) and not Path("/tmp/evil.txt").exists()


def test_zip_without_the_required_files_is_refused(tmp_path: Path) -> None:
    source = tmp_path / ENCODER_ZIP
    with zipfile.ZipFile(source, "w") as bundle:
        bundle.writestr(f"{ENCODER_FOLDER}/model.mil", b"program")
    with pytest.raises(ArchiveInvalid, match="coremldata.bin"):
        safe_unzip(source, tmp_path / "store", ENCODER_FOLDER, required_files=("coremldata.bin",))
    assert store_listing(tmp_path / "store") == []


def test_unzip_replaces_an_older_folder_whole(tmp_path: Path) -> None:
    source = tmp_path / ENCODER_ZIP
    source.write_bytes(encoder_zip())
    old = tmp_path / "store" / ENCODER_FOLDER
    old.mkdir(parents=True)
    (old / "stale.bin").write_bytes(b"old")
    assert safe_unzip(source, tmp_path / "store", ENCODER_FOLDER) == old
    assert sorted(path.name for path in old.iterdir()) == ["coremldata.bin", "model.mil", "weights"]
    assert store_listing(tmp_path / "store") == [ENCODER_FOLDER]


def test_delete_removes_the_model_its_encoder_and_unfinished_downloads(store: Path) -> None:
    store.mkdir()
    for name in (MODEL_FILE, MODEL_FILE + ".source.json", ENCODER_ZIP + ".part", "ggml-base.bin"):
        (store / name).write_bytes(b"x")
    (store / ENCODER_FOLDER).mkdir()
    (store / ENCODER_FOLDER / "coremldata.bin").write_bytes(b"x")
    removed = delete_model("tiny.en", store)
    assert sorted(path.name for path in removed) == sorted(
        [MODEL_FILE, MODEL_FILE + ".source.json", ENCODER_ZIP + ".part", ENCODER_FOLDER]
    )
    assert store_listing(store) == ["ggml-base.bin"]
    with pytest.raises(ModelNotInstalled, match="tiny.en"):
        delete_model("tiny.en", store)
    with pytest.raises(ModelNotInstalled, match="not a model name"):
        delete_model("../models/ggml-base", store)


def test_cli_download_installs_and_lists_the_model(
    model_server: ModelServer,
    served_entry: CatalogEntry,
    store: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(store))
    monkeypatch.setattr(cli_model_manager, "find_entry", lambda name, engine, kind: served_entry)
    assert cli_model_manager.main(["download", "tiny.en", "--mirror", model_server.url]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(store / MODEL_FILE)
    assert "100.0%" in captured.err
    assert cli_model_manager.main(["download", "tiny.en", "--mirror", model_server.url]) == 0
    assert "already installed" in capsys.readouterr().err and len(model_server.requests) == 1
    assert cli_model_manager.main(["available", "--engine", EngineId.WHISPER_CPP]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if " tiny.en " in line)
    assert row.split()[:5] == ["whisper.cpp", "ggml", "tiny.en", "77.7", "MB"] and "yes" in row
    assert cli_model_manager.main(["delete", "tiny.en"]) == 0
    assert installed_ggml_models(store) == []


def test_cli_refuses_a_mirror_file_that_is_not_the_published_one(
    model_server: ModelServer, store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(store))
    assert cli_model_manager.main(["download", "tiny.en", "--mirror", model_server.url]) == 1
    message = capsys.readouterr().err
    assert "offers 77704698 bytes, not the 77704715 published" in message and "Traceback" not in message
    assert installed_ggml_models(store) == []


def test_cli_ctrl_c_cancels_and_keeps_the_part(
    model_server: ModelServer, store: Path, served_model_bytes: bytes
) -> None:
    published = find_entry("tiny.en")
    model_server.files[MODEL_FILE] = served_model_bytes.ljust(
        published.size_bytes, b"\0"
    )  # the published size, to get streaming
    model_server.chunk_delay = 5.0
    command = [
        sys.executable,
        "-c",
        "import sys; from metavis_gui.cli.model_manager_commands import main; sys.exit(main())",
        "download",
        "tiny.en",
        "--mirror",
        model_server.url,
    ]
    environment = {**os.environ, "METAVIS_MODELS_DIR": str(store), "no_proxy": "127.0.0.1"}
    child = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        part = store / (MODEL_FILE + ".part")
        deadline = time.monotonic() + 30
        while not (part.is_file() and part.stat().st_size) and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert part.is_file(), child.communicate(timeout=5)
        interrupted = time.monotonic()
        child.send_signal(signal.SIGINT)
        _, errors = child.communicate(timeout=10)
        assert time.monotonic() - interrupted < 3.0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == cli_model_manager.EXIT_INTERRUPTED, errors
    assert "cancelled" in errors and "kept" in errors and "Traceback" not in errors
    assert part.stat().st_size >= SERVER_CHUNK and not (store / MODEL_FILE).exists()


def test_checksum_algorithms_match_the_catalogue_strings() -> None:
    assert {algorithm.value for algorithm in ChecksumAlgorithm} <= set(hashlib.algorithms_available)
