"""The download catalogue: every size, checksums as whisper.cpp and openai-whisper publish them, mirror URLs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.model_catalog import (
    HUGGING_FACE_BASE_URL,
    MIRROR_VARIABLE,
    ChecksumAlgorithm,
    ModelKind,
    UnknownModel,
    catalog,
    find_entry,
    installed_path,
    partial_path,
)
from metavis_gui.models.model_store import WHISPER_MODEL_NAMES, ggml_model_path, installed_ggml_models

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_mirror(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MIRROR_VARIABLE, raising=False)


def test_every_whisper_size_has_a_verifiable_ggml_download() -> None:
    for name in WHISPER_MODEL_NAMES:
        entry = find_entry(name, EngineId.WHISPER_CPP)
        assert entry.checksum_algorithm is ChecksumAlgorithm.SHA1
        assert re.fullmatch(r"[0-9a-f]{40}", entry.checksum or "")
        assert entry.size_bytes and entry.size_bytes > 70_000_000
        assert entry.url() == f"https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-{name}.bin"


def test_sizes_follow_the_model_sizes() -> None:
    sizes = [find_entry(name).size_bytes or 0 for name in ("tiny", "base", "small", "medium", "large-v3")]
    assert sizes == sorted(sizes)
    assert 3_000_000_000 < sizes[-1] < 3_200_000_000


def test_sha1_list_matches_whisper_cpp_readme() -> None:
    readmes = sorted(REPO_ROOT.glob("engines/.build/sources/*/pywhispercpp-*/whisper.cpp/models/README.md"))
    if not readmes:
        pytest.skip("the whisper.cpp source is unpacked by the engine build; it has not run here")
    published = dict(re.findall(r"^\| (\S+)\s+\| [^|]+\| `([0-9a-f]{40})` \|", readmes[-1].read_text(), re.MULTILINE))
    listed = {entry.name: entry.checksum for entry in catalog(EngineId.WHISPER_CPP, include_coreml=False)}
    assert set(WHISPER_MODEL_NAMES) <= set(published)
    assert listed == {name: sha1 for name, sha1 in published.items() if name in listed}
    assert set(listed) == set(published) - {"small.en-tdrz"}  # tinydiarize lives in another repository


def test_openai_whisper_urls_carry_their_sha256() -> None:
    entries = catalog(EngineId.OPENAI_WHISPER)
    assert {entry.name for entry in entries} == set(WHISPER_MODEL_NAMES)
    for entry in entries:
        assert entry.checksum_algorithm is ChecksumAlgorithm.SHA256 and re.fullmatch(r"[0-9a-f]{64}", entry.checksum)
        assert entry.url() == f"https://openaipublic.azureedge.net/main/whisper/models/{entry.checksum}/{entry.name}.pt"
    assert find_entry("tiny.en", EngineId.OPENAI_WHISPER).checksum.startswith("d3dd57d32accea0b")


def test_openai_whisper_files_go_where_its_model_dir_option_looks(tmp_path: Path) -> None:
    entry = find_entry("base.en", EngineId.OPENAI_WHISPER)
    assert installed_path(entry, tmp_path) == tmp_path / "openai-whisper" / "base.en.pt"


def test_coreml_encoders_are_checked_by_structure_and_named_as_whisper_cpp_looks_for_them(tmp_path: Path) -> None:
    encoders = catalog(EngineId.WHISPER_CPP, include_coreml=True)
    encoders = [entry for entry in encoders if entry.kind is ModelKind.COREML_ENCODER]
    assert {entry.name for entry in encoders} == set(WHISPER_MODEL_NAMES)
    for entry in encoders:
        assert entry.checksum is None and "structure" in entry.note
        assert entry.url() == f"{HUGGING_FACE_BASE_URL}ggml-{entry.name}-encoder.mlmodelc.zip"
        # whisper.cpp: the model path cut at its last '.', plus "-encoder.mlmodelc".
        model = ggml_model_path(entry.name, tmp_path)
        assert installed_path(entry, tmp_path) == Path(str(model).rsplit(".", 1)[0] + "-encoder.mlmodelc")


def test_coreml_encoders_are_listed_only_when_asked_or_on_apple_silicon() -> None:
    assert not any(entry.kind is ModelKind.COREML_ENCODER for entry in catalog(include_coreml=False))
    assert any(entry.kind is ModelKind.COREML_ENCODER for entry in catalog(include_coreml=True))


def test_mirror_from_the_environment_and_from_a_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = find_entry("tiny.en")
    monkeypatch.setenv(MIRROR_VARIABLE, "http://mirror.local/whisper")
    assert entry.url() == "http://mirror.local/whisper/ggml-tiny.en.bin"
    assert entry.url("file:///srv/models/") == "file:///srv/models/ggml-tiny.en.bin"
    openai = find_entry("tiny", EngineId.OPENAI_WHISPER)
    assert openai.url() == f"http://mirror.local/whisper/{openai.checksum}/tiny.pt"


def test_unknown_names_list_the_known_ones() -> None:
    with pytest.raises(UnknownModel, match="huge.*Known: tiny, tiny.en, base"):
        find_entry("huge")


def test_unfinished_downloads_are_not_listed_as_installed_models(tmp_path: Path) -> None:
    part = partial_path(find_entry("tiny.en"), tmp_path)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(b"half a model")
    assert part.name == "ggml-tiny.en.bin.part"
    assert installed_ggml_models(tmp_path) == []
