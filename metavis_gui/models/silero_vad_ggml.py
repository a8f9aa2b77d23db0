"""Silero VAD as whisper.cpp's `--vad-model` file, converted from the ONNX model faster-whisper ships.

whisper.cpp's own converter needs PyTorch and the `silero-vad` package; faster-whisper (already a
dependency) carries the same network as `assets/silero_vad_v6.onnx`, so the weights are read from
that with `onnx` and written in the layout `whisper_vad_init_with_params` reads: int32 magic, the model
type string, version, window and context sizes, the layer sizes, then named tensors (convolutions
float16, the rest float32), names as in silero-vad's PyTorch state dict.
"""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np

from metavis_gui.models.errors import ModelError
from metavis_gui.models.ggml_whisper_writer import GGML_MAGIC, atomic_binary_output
from metavis_gui.models.model_store import store_dir

SOURCE_ASSET = "silero_vad_v6.onnx"
SILERO_VERSION = (6, 0, 0)
VAD_MODEL_FILE_NAME = "silero-vad-v6.0.0-ggml.bin"

_WINDOW_SAMPLES = 512
_CONTEXT_SAMPLES = 64
_ENCODER_CHANNELS = ((129, 128), (128, 64), (64, 64), (64, 128))
_KERNEL_SIZE = 3
_LSTM_SIZE = 128

# ONNX stacks an LSTM's gates as input, output, forget, cell; PyTorch (and whisper.cpp) as input, forget, cell, output.
_ONNX_TO_TORCH_GATES = (0, 2, 3, 1)


class VadModelUnavailable(ModelError):
    """The Silero VAD model cannot be made: the ONNX source or the `onnx` reader is missing."""


def vad_model_path(models_dir: Path | None = None) -> Path:
    """Where the converted model lives: a subfolder, so the store never lists it as a Whisper model."""
    return store_dir(models_dir) / "vad" / VAD_MODEL_FILE_NAME


def faster_whisper_vad_asset() -> Path:
    spec = importlib.util.find_spec("faster_whisper")
    if spec is None or not spec.submodule_search_locations:
        raise VadModelUnavailable(
            Path(SOURCE_ASSET),
            "faster-whisper is not installed, and its Silero VAD model is the source: run scripts/setup.",
        )
    asset = Path(next(iter(spec.submodule_search_locations))) / "assets" / SOURCE_ASSET
    if not asset.is_file():
        raise VadModelUnavailable(asset, f"{asset} is missing: reinstall faster-whisper (scripts/setup).")
    return asset


def read_onnx_weights(onnx_path: Path) -> dict[str, np.ndarray]:
    """The network's weights by whisper.cpp's tensor names, LSTM gates reordered to PyTorch's order."""
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError as error:
        raise VadModelUnavailable(onnx_path, "the `onnx` package is missing: run scripts/setup.") from error
    graph = onnx.load(str(onnx_path)).graph
    initializers = {tensor.name: numpy_helper.to_array(tensor) for tensor in graph.initializer}
    lstm = next((node for node in graph.node if node.op_type == "LSTM"), None)
    if lstm is None or "encoder.feature_extractor.forward_basis_buffer" not in initializers:
        raise VadModelUnavailable(onnx_path, f"{onnx_path} is not the Silero VAD network this converter knows.")
    input_weights, hidden_weights, biases = (initializers[name] for name in lstm.input[1:4])
    weights = {"_model.stft.forward_basis_buffer": initializers["encoder.feature_extractor.forward_basis_buffer"]}
    for index in range(len(_ENCODER_CHANNELS)):
        weights[f"_model.encoder.{index}.reparam_conv.weight"] = initializers[f"encoder.conv_layers.{index}.weight"]
        weights[f"_model.encoder.{index}.reparam_conv.bias"] = initializers[f"encoder.conv_layers.{index}.bias"]
    input_bias, hidden_bias = np.split(biases.reshape(-1), 2)
    weights["_model.decoder.rnn.weight_ih"] = _torch_gate_order(input_weights[0])
    weights["_model.decoder.rnn.weight_hh"] = _torch_gate_order(hidden_weights[0])
    weights["_model.decoder.rnn.bias_ih"] = _torch_gate_order(input_bias)
    weights["_model.decoder.rnn.bias_hh"] = _torch_gate_order(hidden_bias)
    weights["_model.decoder.decoder.2.weight"] = initializers["decoder.conv1d.weight"].reshape(1, _LSTM_SIZE)
    weights["_model.decoder.decoder.2.bias"] = initializers["decoder.conv1d.bias"]
    return weights


def _torch_gate_order(stacked: np.ndarray) -> np.ndarray:
    gates = np.split(stacked, 4, axis=0)
    return np.concatenate([gates[index] for index in _ONNX_TO_TORCH_GATES], axis=0)


def write_vad_model(weights: dict[str, np.ndarray], destination: Path) -> None:
    with atomic_binary_output(destination) as handle:
        model_type = b"silero-16k"
        handle.write(struct.pack("<2i", GGML_MAGIC, len(model_type)))
        handle.write(model_type)
        handle.write(struct.pack("<5i", *SILERO_VERSION, _WINDOW_SAMPLES, _CONTEXT_SAMPLES))
        handle.write(struct.pack("<i", len(_ENCODER_CHANNELS)))
        for in_channels, out_channels in _ENCODER_CHANNELS:
            handle.write(struct.pack("<3i", in_channels, out_channels, _KERNEL_SIZE))
        handle.write(struct.pack("<4i", _LSTM_SIZE, _LSTM_SIZE, _LSTM_SIZE, 1))
        for name, array in weights.items():
            _write_vad_tensor(handle, name, array)


def _write_vad_tensor(handle: BinaryIO, name: str, array: np.ndarray) -> None:
    is_convolution = name.endswith(".weight") and ".rnn." not in name or name.endswith("forward_basis_buffer")
    data = np.ascontiguousarray(array, dtype="<f2" if is_convolution else "<f4")
    encoded = name.encode("utf-8")
    handle.write(struct.pack("<3i", data.ndim, len(encoded), 1 if is_convolution else 0))
    handle.write(struct.pack(f"<{data.ndim}i", *reversed(data.shape)))
    handle.write(encoded)
    handle.write(data.tobytes())


def ensure_vad_model(models_dir: Path | None = None) -> Path:
    """The converted model, made once from faster-whisper's ONNX file (a second or so)."""
    destination = vad_model_path(models_dir)
    if not destination.is_file():
        write_vad_model(read_onnx_weights(faster_whisper_vad_asset()), destination)
    return destination
