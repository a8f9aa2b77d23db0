"""WhisperKit model folders downloaded file by file from a server on 127.0.0.1 that serves a tiny folder of the
published shape at the Hugging Face hub's paths; resumed, checked by structure, and installed by one rename.

The served Core ML files are stand-ins (no Core ML runs on Linux): a real program header, real JSON, bytes for
the weights. What is tested is the download, not WhisperKit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metavis_gui.engines.engine_table import resolve_model_path
from metavis_gui.engines.model_availability import describe_models
from metavis_gui.engines.whisperkit_adapter import check_whisperkit_model_folder
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.errors import WhisperKitModelInvalid
from metavis_gui.models.model_catalog import (
    CatalogEntry,
    ModelKind,
    catalog,
    find_entry,
    installed_path,
    is_installed,
    partial_path,
)
from metavis_gui.models.model_download import DownloadInterrupted, download_model
from metavis_gui.models.whisperkit_sources import CORE_ML_MODELS
from tests.support.model_server import ModelServer

pytestmark = pytest.mark.usefixtures("direct_connections")

TINY_EN_SHAPES = {"d_model": 384, "encoder_layers": 4, "decoder_layers": 4, "vocab_size": 51864}
REPOSITORY_FOLDER = "argmaxinc/whisperkit-coreml/resolve/main/openai_whisper-tiny.en/"
ENCODER_WEIGHTS = REPOSITORY_FOLDER + "AudioEncoder.mlmodelc/weights/weight.bin"
ENCODER_PROGRAM = REPOSITORY_FOLDER + "AudioEncoder.mlmodelc/model.mil"


@pytest.fixture
def tiny_en() -> CatalogEntry:
    return find_entry("tiny.en", EngineId.WHISPERKIT)


def stand_in_bytes(file: str) -> bytes:
    """What the tiny served folder holds for one file of the model."""
    if file == "config.json":
        return json.dumps({"model_type": "whisper", **TINY_EN_SHAPES}).encode()
    if file.endswith(".json"):
        return b"[]" if file.endswith("metadata.json") else b"{}"
    if file.endswith("model.mil"):
        return b"program(1.0)\n[buildInfo = dict<string, string>({})]\n{\n}\n"
    if file.endswith("weight.bin"):
        return bytes(range(256)) * 800  # 200 kB: enough to be cut mid-file
    return b"\x01coremldata"


@pytest.fixture
def served(tiny_en: CatalogEntry) -> dict[str, bytes]:
    return {remote.remote_path: stand_in_bytes(remote.name) for remote in tiny_en.files}


@pytest.fixture
def server(served: dict[str, bytes]):  # type: ignore[no-untyped-def]
    model_server = ModelServer(dict(served)).start()
    yield model_server
    model_server.stop()


def requested_paths(server: ModelServer) -> list[str]:
    return [request.path.lstrip("/") for request in server.requests]


def test_the_catalogue_lists_the_folders_whisperkit_offers_at_the_hub_paths(tiny_en: CatalogEntry) -> None:
    names = [entry.name for entry in catalog(EngineId.WHISPERKIT, include_coreml=True)]
    assert names == ["tiny", "tiny.en", "base", "base.en", "small", "small.en", "large-v2", "large-v3"]
    assert catalog(EngineId.WHISPERKIT, include_coreml=False) == [], "Core ML models only where Core ML runs"
    assert tiny_en.kind is ModelKind.WHISPERKIT_FOLDER
    urls = {remote.name: tiny_en.file_url(remote) for remote in tiny_en.files}
    hub = "https://huggingface.co/"
    assert urls["AudioEncoder.mlmodelc/weights/weight.bin"] == hub + ENCODER_WEIGHTS
    assert urls["tokenizer.json"] == hub + "openai/whisper-tiny.en/resolve/main/tokenizer.json"
    assert {f"{model}/coremldata.bin" for model in CORE_ML_MODELS} <= set(urls)
    assert [name.endswith("weight.bin") for name in urls].count(True) == 3
    assert all(name.endswith("weight.bin") for name in list(urls)[-3:]), "the weights come last"


def test_the_folder_is_downloaded_checked_and_installed_where_the_adapter_looks(
    server: ModelServer,
    tiny_en: CatalogEntry,
    served: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = tmp_path / "models"
    progress: list[tuple[int, int]] = []
    path = download_model(
        tiny_en, store, base_url=server.url, progress=lambda done, total: progress.append((done, total))
    )
    assert path == store / "whisperkit" / "tiny.en" == installed_path(tiny_en, store)
    assert sorted(p.name for p in (store / "whisperkit").iterdir()) == ["tiny.en"], "no .part left"
    for remote in tiny_en.files:
        assert (path / remote.name).read_bytes() == served[remote.remote_path], remote.name
    assert requested_paths(server) == [remote.remote_path for remote in tiny_en.files], "each file once, in order"
    total = sum(len(data) for data in served.values())
    assert progress[-1] == (total, total)
    check_whisperkit_model_folder(path)
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(store))
    assert resolve_model_path(EngineId.WHISPERKIT, "tiny.en") == path
    listed = {model.name: model for model in describe_models(store, engine=EngineId.WHISPERKIT)}
    assert listed["tiny.en"].installed and listed["tiny.en"].path == path


def test_an_interrupted_download_resumes_only_the_unfinished_file(
    server: ModelServer, tiny_en: CatalogEntry, served: dict[str, bytes], tmp_path: Path
) -> None:
    store, cut = tmp_path / "models", 70_001
    server.drop_once_after[ENCODER_WEIGHTS] = cut
    with pytest.raises(DownloadInterrupted, match="resume"):
        download_model(tiny_en, store, base_url=server.url)
    part = partial_path(tiny_en, store)
    assert part == store / "whisperkit" / "tiny.en.part" and not is_installed(tiny_en, store)
    unfinished = part / "AudioEncoder.mlmodelc" / "weights" / "weight.bin.part"
    assert unfinished.read_bytes() == served[ENCODER_WEIGHTS][:cut]
    assert (part / "TextDecoder.mlmodelc" / "model.mil").is_file(), "the small files came first and are kept"

    seen = len(server.requests)
    path = download_model(tiny_en, store, base_url=server.url)
    resumed = [(request.path.lstrip("/"), request.range_header) for request in server.requests[seen:]]
    assert resumed[0] == (ENCODER_WEIGHTS, f"bytes={cut}-")
    assert [name for name, _ in resumed] == [
        ENCODER_WEIGHTS,
        REPOSITORY_FOLDER + "TextDecoder.mlmodelc/weights/weight.bin",
    ]
    assert (path / "AudioEncoder.mlmodelc" / "weights" / "weight.bin").read_bytes() == served[ENCODER_WEIGHTS]


@pytest.mark.parametrize(
    ("served_path", "bad_bytes", "named"),
    [
        (ENCODER_PROGRAM, b"<!DOCTYPE html><html>Rate limited</html>", "AudioEncoder.mlmodelc/model.mil"),
        (ENCODER_WEIGHTS, b"version https://git-lfs.github.com/spec/v1\noid sha256:00\n", "weights/weight.bin"),
        (
            REPOSITORY_FOLDER + "config.json",
            json.dumps({**TINY_EN_SHAPES, "vocab_size": 51865}).encode(),
            "config.json",
        ),
    ],
)
def test_a_file_that_is_no_part_of_the_model_is_deleted_and_nothing_installed(
    served_path: str, bad_bytes: bytes, named: str, server: ModelServer, tiny_en: CatalogEntry,
    served: dict[str, bytes], tmp_path: Path,
) -> None:  # fmt: skip
    store = tmp_path / "models"
    server.files[served_path] = bad_bytes
    with pytest.raises(WhisperKitModelInvalid, match=named) as caught:
        download_model(tiny_en, store, base_url=server.url)
    assert "deleted and nothing was installed" in str(caught.value)
    assert not is_installed(tiny_en, store)
    at_fault = partial_path(tiny_en, store) / served_path.removeprefix(REPOSITORY_FOLDER)
    assert not at_fault.exists(), "the bad file is gone, the good ones stay for the retry"

    server.files[served_path] = served[served_path]
    seen = len(server.requests)
    path = download_model(tiny_en, store, base_url=server.url)
    assert requested_paths(server)[seen:] == [served_path]
    check_whisperkit_model_folder(path)
