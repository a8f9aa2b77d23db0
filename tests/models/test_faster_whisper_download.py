"""faster-whisper model folders downloaded from a server on 127.0.0.1 serving the real CTranslate2 tiny.en at the
Hugging Face hub's paths, then used by the real faster-whisper runner."""

from __future__ import annotations

import errno
import hashlib
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from metavis_gui.cli import model_manager_commands as cli_model_manager
from metavis_gui.engines.engine_command import TranscriptionSettings
from metavis_gui.engines.engine_table import create_engine_adapter, resolve_model_path
from metavis_gui.engines.model_availability import describe_models
from metavis_gui.models import resumable_fetch
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.errors import Ct2ModelInvalid, ModelNotInstalled
from metavis_gui.models.model_catalog import (
    MIRROR_VARIABLE,
    CatalogEntry,
    ModelKind,
    RemoteFile,
    catalog,
    find_entry,
    installed_path,
    is_installed,
    partial_path,
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
from metavis_gui.models.model_store import WHISPER_MODEL_NAMES
from tests.conftest import FASTER_WHISPER_TINY_EN_REPOSITORY, JFK_WAV
from tests.engines.test_engines_cross_check import run_engine_command
from tests.support.model_server import SERVER_CHUNK, ModelServer, corrupted

pytestmark = pytest.mark.usefixtures("direct_connections")

SHIPPED_FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")
HUB_PATH = f"{FASTER_WHISPER_TINY_EN_REPOSITORY}/resolve/main/"
WEIGHTS_PATH = HUB_PATH + "model.bin"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "models"


@pytest.fixture
def tiny_en() -> CatalogEntry:
    """The catalogue's own entry: its pinned SHA-256 of model.bin is that of the shipped folder."""
    return find_entry("tiny.en", EngineId.FASTER_WHISPER)


def without_pinned_weights(entry: CatalogEntry) -> CatalogEntry:
    """As large-v1 is listed: no size and no checksum for model.bin, so only the folder's structure is checked."""
    files = tuple(RemoteFile(name=file.name, remote_path=file.remote_path) for file in entry.files)
    return entry.model_copy(update={"files": files, "size_bytes": None})


def folder_listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def requested(server: ModelServer) -> list[tuple[str, str | None, int]]:
    return [(request.path.rsplit("/", 1)[-1], request.range_header, request.status) for request in server.requests]


# The catalogue ------------------------------------------------------------------------------------------------
def test_every_size_is_listed_from_the_repositories_faster_whisper_itself_uses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MIRROR_VARIABLE, raising=False)
    utils = pytest.importorskip("faster_whisper.utils")
    entries = catalog(EngineId.FASTER_WHISPER)
    assert [entry.name for entry in entries] == list(WHISPER_MODEL_NAMES)
    for entry in entries:
        assert entry.kind is ModelKind.CT2_FOLDER and entry.remote_path == utils._MODELS[entry.name]
        names = [file.name for file in entry.files]
        assert names[-1] == "model.bin", "the weights come last, after the small files have been checked"
        large_v3 = entry.name.startswith("large-v3")
        assert {"config.json", "tokenizer.json"} <= set(names)
        assert ("vocabulary.json" in names, "preprocessor_config.json" in names) == (large_v3, large_v3)
        assert ("vocabulary.txt" in names) == (not large_v3)
        for file in entry.files:
            assert entry.file_url(file) == f"https://huggingface.co/{entry.remote_path}/resolve/main/{file.name}"
        weights = entry.files[-1]
        assert entry.size_bytes == weights.size_bytes
        if entry.name != "large-v1":  # no two public sources agree on its checksum
            assert weights.checksum_algorithm is not None and len(weights.checksum or "") == 64
    turbo = find_entry("large-v3-turbo", EngineId.FASTER_WHISPER)
    assert turbo.remote_path == "mobiuslabsgmbh/faster-whisper-large-v3-turbo"


def test_the_pinned_tiny_en_weights_are_the_shipped_ones(tiny_en: CatalogEntry, shipped_ct2_folder: Path) -> None:
    weights = tiny_en.files[-1]
    data = (shipped_ct2_folder / "model.bin").read_bytes()
    assert (weights.size_bytes, weights.checksum) == (len(data), hashlib.sha256(data).hexdigest())
    assert sorted(file.name for file in tiny_en.files) == sorted(SHIPPED_FILES)


def test_folders_go_where_the_adapter_looks_and_a_mirror_replaces_the_hub(
    tiny_en: CatalogEntry, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert installed_path(tiny_en, store) == store / "faster-whisper" / "tiny.en"
    assert partial_path(tiny_en, store) == store / "faster-whisper" / "tiny.en.part"
    monkeypatch.setenv(MIRROR_VARIABLE, "http://mirror.local/hub")
    assert tiny_en.file_url(tiny_en.files[-1]) == "http://mirror.local/hub/" + WEIGHTS_PATH


# Downloads ----------------------------------------------------------------------------------------------------
def test_the_folder_is_downloaded_checked_installed_and_transcribes_real_speech(
    ct2_model_server: ModelServer,
    tiny_en: CatalogEntry,
    store: Path,
    shipped_ct2_folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    progress: list[tuple[int, int]] = []
    path = download_model(
        tiny_en, store, progress=lambda done, total: progress.append((done, total)), base_url=ct2_model_server.url
    )
    folder = store / "faster-whisper"
    assert path == folder / "tiny.en" and folder_listing(folder) == ["tiny.en"]
    assert folder_listing(path) == sorted(SHIPPED_FILES)
    for name in SHIPPED_FILES:
        assert (path / name).read_bytes() == (shipped_ct2_folder / name).read_bytes(), name
    assert requested(ct2_model_server) == [
        ("config.json", None, 200), ("tokenizer.json", None, 200), ("vocabulary.txt", None, 200),
        ("model.bin", None, 200),
    ]  # fmt: skip
    total = sum((path / name).stat().st_size for name in SHIPPED_FILES)
    assert progress[-1] == (total, total)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert any(0 < done < total for done, known in progress if known == total), "progress moves during model.bin"

    monkeypatch.setenv("METAVIS_MODELS_DIR", str(store))
    assert resolve_model_path(EngineId.FASTER_WHISPER, "tiny.en") == path
    listed = {model.name: model for model in describe_models(store, engine=EngineId.FASTER_WHISPER)}
    assert listed["tiny.en"].installed and listed["tiny.en"].path == path

    adapter = create_engine_adapter(EngineId.FASTER_WHISPER)
    settings = TranscriptionSettings(audio_path=JFK_WAV, model_path=path, threads=2)
    command, completed = run_engine_command(adapter, settings, tmp_path)
    assert completed.returncode == 0, completed.stderr
    words = [word.text.lower().strip(".,") for word in adapter.read_result(command, 0, completed.stderr).words]
    assert "country" in words and words[:3] == ["and", "so", "my"], words


def test_an_interrupted_download_resumes_only_the_unfinished_file(
    ct2_model_server: ModelServer, tiny_en: CatalogEntry, store: Path, served_ct2_files: dict[str, bytes]
) -> None:
    cut = 20_000_123
    ct2_model_server.drop_once_after[WEIGHTS_PATH] = cut
    with pytest.raises(DownloadInterrupted, match="resume"):
        download_model(tiny_en, store, base_url=ct2_model_server.url)
    part = store / "faster-whisper" / "tiny.en.part"
    assert folder_listing(part) == ["config.json", "model.bin.part", "tokenizer.json", "vocabulary.txt"]
    assert (part / "model.bin.part").read_bytes() == served_ct2_files[WEIGHTS_PATH][:cut]
    assert not is_installed(tiny_en, store) and partial_size(tiny_en, store) > cut
    assert "tiny.en.part" not in {model.name for model in describe_models(store, engine=EngineId.FASTER_WHISPER)}

    seen = len(ct2_model_server.requests)
    path = download_model(tiny_en, store, base_url=ct2_model_server.url)
    assert requested(ct2_model_server)[seen:] == [("model.bin", f"bytes={cut}-", 206)]
    assert (path / "model.bin").read_bytes() == served_ct2_files[WEIGHTS_PATH]
    assert folder_listing(store / "faster-whisper") == ["tiny.en"]


def test_a_missing_file_fails_before_the_weights_and_installs_nothing(
    ct2_model_server: ModelServer, tiny_en: CatalogEntry, store: Path
) -> None:
    del ct2_model_server.files[HUB_PATH + "tokenizer.json"]
    with pytest.raises(ModelNotAvailable) as caught:
        download_model(tiny_en, store, base_url=ct2_model_server.url)
    message = str(caught.value)
    assert "404" in message and f"{ct2_model_server.url}{HUB_PATH}tokenizer.json" in message, message
    assert "model.bin" not in [name for name, _, _ in requested(ct2_model_server)]
    assert not is_installed(tiny_en, store)
    assert folder_listing(partial_path(tiny_en, store)) == ["config.json"], "kept: a retry fetches only the rest"


def test_corrupt_weights_fail_their_checksum_and_are_deleted(
    ct2_model_server: ModelServer, tiny_en: CatalogEntry, store: Path, served_ct2_files: dict[str, bytes]
) -> None:
    ct2_model_server.files[WEIGHTS_PATH] = corrupted(served_ct2_files[WEIGHTS_PATH])
    with pytest.raises(ChecksumMismatch) as caught:
        download_model(tiny_en, store, base_url=ct2_model_server.url)
    message = str(caught.value)
    assert "model.bin of faster-whisper-tiny.en" in message and tiny_en.files[-1].checksum in message, message
    assert "nothing was installed" in message
    assert not is_installed(tiny_en, store)
    assert "model.bin.part" not in folder_listing(partial_path(tiny_en, store))


@pytest.mark.parametrize(
    ("damage", "file", "reason"),
    [
        (lambda data: data[: len(data) // 3], "model.bin", "truncated"),
        (lambda data: b"\x07" + data[1:], "model.bin", "not a CTranslate2 model of binary version 6"),
        (lambda data: b"<!DOCTYPE html><title>Sign in</title>", "tokenizer.json", "not readable JSON"),
        (lambda data: b"[1, 2]", "config.json", "expected a JSON object"),
    ],
)
def test_a_folder_that_is_no_model_is_refused_by_its_structure_and_the_bad_file_deleted(
    ct2_model_server: ModelServer, tiny_en: CatalogEntry, store: Path, served_ct2_files, damage, file, reason
) -> None:
    entry = without_pinned_weights(tiny_en)
    ct2_model_server.files[HUB_PATH + file] = damage(served_ct2_files[HUB_PATH + file])
    with pytest.raises(Ct2ModelInvalid) as caught:
        download_model(entry, store, base_url=ct2_model_server.url)
    message = str(caught.value)
    assert f"the downloaded {file} is not usable" in message and reason in message, message
    assert "nothing was installed" in message and "Traceback" not in message
    assert not is_installed(entry, store)
    kept = folder_listing(partial_path(entry, store))
    assert file not in kept and len(kept) == len(SHIPPED_FILES) - 1, kept
    assert not [m.name for m in describe_models(store, engine=EngineId.FASTER_WHISPER) if m.name.endswith(".part")]


def test_weights_of_another_size_are_refused(ct2_model_server: ModelServer, store: Path) -> None:
    base = without_pinned_weights(find_entry("base", EngineId.FASTER_WHISPER))
    for path, data in list(ct2_model_server.files.items()):
        ct2_model_server.files[path.replace("faster-whisper-tiny.en", "faster-whisper-base")] = data
    with pytest.raises(Ct2ModelInvalid, match="the weights are those of tiny.en, not base"):
        download_model(base, store, base_url=ct2_model_server.url)
    assert not is_installed(base, store)


def test_cancel_keeps_the_part_folder_and_delete_removes_it(
    ct2_model_server: ModelServer, tiny_en: CatalogEntry, store: Path
) -> None:
    cancel = threading.Event()
    weights_size = tiny_en.files[-1].size_bytes or 0

    def cancel_during_the_weights(done: int, total: int) -> None:
        # Once the small files are in, the weights start: the server turns slow and the user cancels.
        if total and done >= total - weights_size and not ct2_model_server.chunk_delay:
            ct2_model_server.chunk_delay = 5.0
            threading.Timer(0.3, cancel.set).start()

    started = time.monotonic()
    with pytest.raises(DownloadCancelled, match="kept in .*tiny.en.part"):
        download_model(
            tiny_en, store, progress=cancel_during_the_weights, cancelled=cancel, base_url=ct2_model_server.url
        )
    assert time.monotonic() - started < 5
    part = partial_path(tiny_en, store)
    assert (part / "model.bin.part").stat().st_size >= SERVER_CHUNK and not is_installed(tiny_en, store)

    assert delete_model("tiny.en", store, engine=EngineId.FASTER_WHISPER) == [part]
    assert folder_listing(store / "faster-whisper") == []
    with pytest.raises(ModelNotInstalled, match="No faster-whisper model 'tiny.en'"):
        delete_model("tiny.en", store, engine=EngineId.FASTER_WHISPER)


def test_a_full_disk_is_reported_and_the_download_resumes_later(
    ct2_model_server: ModelServer, tiny_en: CatalogEntry, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, written = 10_000_000, [0]
    real_write = resumable_fetch._write_chunk

    def write_until_full(descriptor: int, data: bytes) -> None:
        accepted = data[: max(0, room - written[0])]
        real_write(descriptor, accepted)
        written[0] += len(accepted)
        if len(accepted) < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(resumable_fetch, "_write_chunk", write_until_full)
    with pytest.raises(DiskFull) as caught:
        download_model(tiny_en, store, base_url=ct2_model_server.url)
    part = partial_path(tiny_en, store)
    assert "full" in str(caught.value) and "tiny.en was not installed" in str(caught.value)
    assert str(part) in str(caught.value) and partial_size(tiny_en, store) == room

    monkeypatch.undo()
    assert download_model(tiny_en, store, base_url=ct2_model_server.url) == installed_path(tiny_en, store)


def test_offline_is_said_in_plain_words(tiny_en: CatalogEntry, store: Path) -> None:
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        with pytest.raises(NetworkUnavailable) as caught:
            download_model(tiny_en, store, base_url=f"http://127.0.0.1:{closed_port.getsockname()[1]}/")
    assert "refused" in str(caught.value) and "offline" in str(caught.value)
    assert not store.joinpath("faster-whisper").exists() or folder_listing(store / "faster-whisper") == []


def test_an_installed_folder_is_never_replaced(
    ct2_model_server: ModelServer, tiny_en: CatalogEntry, store: Path
) -> None:
    installed = installed_path(tiny_en, store)
    installed.mkdir(parents=True)
    with pytest.raises(DownloadFailed, match="already exists"):
        download_model(tiny_en, store, base_url=ct2_model_server.url)
    assert ct2_model_server.requests == []


# The command line ---------------------------------------------------------------------------------------------
def test_cli_downloads_lists_and_deletes_a_faster_whisper_model(
    ct2_model_server: ModelServer, store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(store))
    engine = ["--engine", EngineId.FASTER_WHISPER]
    assert cli_model_manager.main(["download", "tiny.en", *engine, "--mirror", ct2_model_server.url]) == 0
    captured = capsys.readouterr()
    installed = store / "faster-whisper" / "tiny.en"
    assert captured.out.strip() == str(installed) and "100.0%" in captured.err
    assert cli_model_manager.main(["download", "tiny.en", *engine, "--mirror", ct2_model_server.url]) == 0
    assert "models delete tiny.en --engine faster-whisper" in capsys.readouterr().err

    assert cli_model_manager.main(["available", *engine]) == 0
    rows = capsys.readouterr().out.splitlines()
    row = next(line for line in rows if " tiny.en " in line)
    assert row.split()[:5] == ["faster-whisper", "ct2-folder", "tiny.en", "75.5", "MB"] and "yes" in row
    assert all(line.startswith("faster-whisper") for line in rows[1:13])

    assert cli_model_manager.main(["delete", "tiny.en", *engine]) == 0
    assert capsys.readouterr().out.strip() == f"deleted {installed}"
    assert not installed.exists()


def test_cli_reports_a_missing_file_without_a_traceback(
    ct2_model_server: ModelServer, store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(store))
    del ct2_model_server.files[HUB_PATH + "vocabulary.txt"]
    arguments = ["download", "tiny.en", "--engine", EngineId.FASTER_WHISPER, "--mirror", ct2_model_server.url]
    assert cli_model_manager.main(arguments) == cli_model_manager.EXIT_FAILED
    message = capsys.readouterr().err
    assert "vocabulary.txt: not found on the server (HTTP 404)" in message and "Traceback" not in message
