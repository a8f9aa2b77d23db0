"""Importing a local whisper.cpp ggml file into the model store, with the real tiny.en model."""

from __future__ import annotations

import dataclasses
import errno
import os
import shutil
import struct
from pathlib import Path

import pytest

from metavis_gui.cli import model_manager_commands as cli_model_manager
from metavis_gui.models import ggml_import
from metavis_gui.models.errors import GgmlModelInvalid, ModelImportCancelled, ModelImportError
from metavis_gui.models.ggml_import import import_ggml_model, inferred_model_name
from metavis_gui.models.ggml_model_check import read_ggml_header, validate_ggml_model
from metavis_gui.models.model_store import installed_ggml_models, resolve_whisper_cpp_model
from tests.conftest import JFK_WAV


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "models"


def store_listing(store: Path) -> list[str]:
    return sorted(path.name for path in store.iterdir()) if store.exists() else []


def test_valid_model_is_copied_in_under_its_inferred_name(
    tmp_path: Path, store: Path, default_model_path: Path
) -> None:
    source = tmp_path / "downloads" / "whisper tiny english.bin"
    source.parent.mkdir()
    shutil.copyfile(default_model_path, source)
    installed = import_ggml_model(source, store)
    assert installed == store / "ggml-tiny.en.bin"
    assert installed.read_bytes() == source.read_bytes()
    assert validate_ggml_model(installed).model_name == "tiny.en"
    assert resolve_whisper_cpp_model("tiny.en", store) == installed
    assert store_listing(store) == ["ggml-tiny.en.bin"]


def test_a_given_name_is_used_and_replaces_the_old_conversion_record(store: Path, default_model_path: Path) -> None:
    store.mkdir()
    (store / "ggml-tiny.en-custom.bin.source.json").write_text("{}")
    installed = import_ggml_model(default_model_path, store, name="tiny.en-custom")
    assert [model.name for model in installed_ggml_models(store)] == ["tiny.en-custom"]
    assert store_listing(store) == [installed.name]


def test_a_published_name_that_is_not_the_model_is_refused(store: Path, default_model_path: Path) -> None:
    with pytest.raises(ModelImportError, match=r"is a tiny\.en model; importing it as 'base'"):
        import_ggml_model(default_model_path, store, name="base")
    assert store_listing(store) == []


def test_a_cancelled_import_stops_mid_copy_and_installs_nothing(store: Path, default_model_path: Path) -> None:
    asked = []

    def cancelled() -> bool:  # no after the checks, yes once the copy has written a chunk
        asked.append(True)
        return len(asked) > 2

    with pytest.raises(ModelImportCancelled, match="cancelled; nothing was installed"):
        import_ggml_model(default_model_path, store, cancelled=cancelled)
    assert len(asked) == 3, "asked after the check, then before each chunk of the copy"
    assert store_listing(store) == [], "no model and no partial copy"


def test_truncated_model_is_refused_naming_the_file(tmp_path: Path, store: Path, default_model_path: Path) -> None:
    truncated = tmp_path / "ggml-tiny.en (partial).bin"
    with default_model_path.open("rb") as handle:
        truncated.write_bytes(handle.read(30_000_000))
    with pytest.raises(GgmlModelInvalid) as caught:
        import_ggml_model(truncated, store)
    assert str(truncated) in str(caught.value) and "truncated" in str(caught.value)
    assert store_listing(store) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (lambda: JFK_WAV.read_bytes(), "not a whisper.cpp model"),
        (lambda: b"", "an empty file"),
        (lambda: b"GGUF" + bytes(60), "GGUF"),
        (lambda: struct.pack("<I", 0x67676D6C) + bytes(8), "truncated inside the model header"),
    ],
)
def test_files_that_are_no_model_are_refused(tmp_path: Path, store: Path, content, expected: str) -> None:
    source = tmp_path / "not a model.bin"
    source.write_bytes(content())
    with pytest.raises(GgmlModelInvalid, match=expected) as caught:
        import_ggml_model(source, store)
    assert str(source) in str(caught.value)
    assert store_listing(store) == []


def test_full_disk_while_copying_leaves_nothing(
    store: Path, default_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = []

    def write_until_full(output, chunk: bytes) -> None:
        if written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(output.write(chunk))

    monkeypatch.setattr(ggml_import, "_write_chunk", write_until_full)
    with pytest.raises(ModelImportError, match="the disk is full. Nothing was installed"):
        import_ggml_model(default_model_path, store)
    assert store_listing(store) == []


def test_quantized_models_get_whisper_cpp_style_names(default_model_path: Path) -> None:
    info = read_ggml_header(default_model_path)
    q5_0 = dataclasses.replace(info, hparams=dataclasses.replace(info.hparams, ftype=1008))
    assert inferred_model_name(info) == "tiny.en"
    assert inferred_model_name(q5_0) == "tiny.en-q5_0"


def test_cli_import_prints_the_installed_path_or_a_clear_refusal(
    tmp_path: Path,
    store: Path,
    default_model_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(store))
    assert cli_model_manager.main(["import-ggml", str(default_model_path), "--name", "tiny.en"]) == 0
    assert capsys.readouterr().out.strip() == str(store / "ggml-tiny.en.bin")
    assert cli_model_manager.main(["import-ggml", str(JFK_WAV)]) == 1
    message = capsys.readouterr().err
    assert str(JFK_WAV) in message and "Traceback" not in message
    assert store_listing(store) == ["ggml-tiny.en.bin"]
