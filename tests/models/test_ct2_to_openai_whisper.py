"""The CTranslate2 -> openai-whisper converter, on the real shipped tiny.en, checked by openai-whisper itself."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch
import whisper

from metavis_gui.models.ct2_model_reader import read_ct2_whisper_model
from metavis_gui.models.ct2_to_openai_whisper import (
    convert_ct2_to_openai_whisper,
    default_ct2_model_dir,
    install_openai_whisper_model,
    main,
)
from metavis_gui.models.errors import ModelImportError
from metavis_gui.models.openai_whisper_store import is_official_checkpoint, openai_whisper_model_path

TINY_EN_DIMENSIONS = {
    "n_mels": 80, "n_audio_ctx": 1500, "n_audio_state": 384, "n_audio_head": 6, "n_audio_layer": 4,
    "n_vocab": 51864, "n_text_ctx": 448, "n_text_state": 384, "n_text_head": 6, "n_text_layer": 4,
}  # fmt: skip


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert_ct2_to_openai_whisper(default_ct2_model_dir(), tmp_path_factory.mktemp("pt") / "tiny.en.pt")


@pytest.fixture(scope="module")
def checkpoint(converted: Path) -> dict:
    return torch.load(converted, map_location="cpu", weights_only=True)


@pytest.fixture(scope="module")
def ct2_variables() -> dict:
    return dict(read_ct2_whisper_model(default_ct2_model_dir()).variables)


def test_dimensions_are_tiny_en(checkpoint: dict) -> None:
    assert checkpoint["dims"] == TINY_EN_DIMENSIONS
    assert all(type(value) is int for value in checkpoint["dims"].values())


def test_key_names_and_shapes_are_openai_whispers(checkpoint: dict) -> None:
    expected = whisper.model.Whisper(whisper.model.ModelDimensions(**TINY_EN_DIMENSIONS)).state_dict()
    state = checkpoint["model_state_dict"]
    assert set(state) == set(expected)
    for name, tensor in state.items():
        assert tuple(tensor.shape) == tuple(expected[name].shape), name


def test_tensor_values_are_the_ct2_ones(checkpoint: dict, ct2_variables: dict) -> None:
    state = {name: tensor.float().numpy() for name, tensor in checkpoint["model_state_dict"].items()}
    d = 384
    fused = ct2_variables["encoder/layer_2/self_attention/linear_0/weight"].astype(np.float32)
    np.testing.assert_array_equal(state["encoder.blocks.2.attn.query.weight"], fused[:d])
    np.testing.assert_array_equal(state["encoder.blocks.2.attn.key.weight"], fused[d : 2 * d])
    np.testing.assert_array_equal(state["encoder.blocks.2.attn.value.weight"], fused[2 * d :])
    cross_kv_bias = ct2_variables["decoder/layer_1/attention/linear_1/bias"].astype(np.float32)
    np.testing.assert_array_equal(state["decoder.blocks.1.cross_attn.value.bias"], cross_kv_bias[d:])
    np.testing.assert_array_equal(
        state["decoder.blocks.3.mlp.2.weight"], ct2_variables["decoder/layer_3/ffn/linear_1/weight"].astype(np.float32)
    )
    np.testing.assert_array_equal(state["encoder.conv1.bias"], ct2_variables["encoder/conv1/bias"].astype(np.float32))
    np.testing.assert_array_equal(
        state["decoder.token_embedding.weight"], ct2_variables["decoder/embeddings/weight"].astype(np.float32)
    )
    np.testing.assert_array_equal(state["decoder.ln.weight"], ct2_variables["decoder/layer_norm/gamma"])
    np.testing.assert_array_equal(
        state["encoder.positional_embedding"], ct2_variables["encoder/position_encodings/encodings"]
    )


def test_openai_whisper_loads_it_and_its_encoder_runs(converted: Path) -> None:
    model = whisper.load_model(str(converted), device="cpu")
    assert not model.is_multilingual
    mel = whisper.log_mel_spectrogram(np.zeros(whisper.audio.N_SAMPLES, dtype=np.float32)).unsqueeze(0)
    with torch.no_grad():
        features = model.encoder(mel)
    assert tuple(features.shape) == (1, 1500, 384)
    assert torch.isfinite(features).all()


def test_install_is_keyed_by_its_inputs(tmp_path: Path) -> None:
    source = default_ct2_model_dir()
    installed = install_openai_whisper_model(source, "tiny.en", tmp_path)
    assert installed == openai_whisper_model_path("tiny.en", tmp_path) == tmp_path / "openai-whisper" / "tiny.en.pt"
    sidecar = installed.with_name("tiny.en.pt.source.json")
    record = json.loads(sidecar.read_text(encoding="utf-8"))
    assert record["output_size_bytes"] == installed.stat().st_size
    assert set(record["source_sha256"]) >= {"model.bin", "vocabulary.txt"}
    assert not is_official_checkpoint(installed, "tiny.en")

    first_write = installed.stat().st_mtime_ns
    assert install_openai_whisper_model(source, "tiny.en", tmp_path) == installed
    assert installed.stat().st_mtime_ns == first_write, "an unchanged source must not be converted again"

    # A damaged checkpoint is noticed and replaced, even though the sidecar still matches its size.
    data = bytearray(installed.read_bytes())
    data[-200:] = bytes(200)
    installed.write_bytes(bytes(data))
    os.utime(installed, ns=(first_write, first_write))
    install_openai_whisper_model(source, "tiny.en", tmp_path)
    assert whisper.load_model(str(installed), device="cpu").dims.n_vocab == 51864


def test_a_bad_name_or_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelImportError, match="cannot be a model name"):
        install_openai_whisper_model(default_ct2_model_dir(), "../escape", tmp_path)
    with pytest.raises(ModelImportError, match="no such folder"):
        install_openai_whisper_model(tmp_path / "missing", "tiny.en", tmp_path)
    assert main(["--source", str(tmp_path / "missing"), "--models-dir", str(tmp_path)]) == 1
