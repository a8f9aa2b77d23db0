"""Write a CTranslate2 Whisper model as a whisper.cpp ggml model, with numpy only.

The layout is the one whisper.cpp's `models/convert-pt-to-ggml.py` writes and
`whisper_model_load` reads: int32 magic, 11 int32 hparams, the mel filterbank,
the byte-level BPE vocabulary without the special tokens (whisper.cpp makes
those itself), then the tensors under openai-whisper's state-dict names.
"""

from __future__ import annotations

import contextlib
import os
import re
import struct
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import astuple
from pathlib import Path
from typing import BinaryIO

import numpy as np

from metavis_gui.contract.atomic_write import fsync_directory
from metavis_gui.models.ct2_model_reader import Ct2WhisperModel
from metavis_gui.models.errors import Ct2ModelUnsupported, ModelImportCancelled
from metavis_gui.models.ggml_header import GGML_MAGIC, WhisperHparams

GGML_TYPE_F32 = 0
GGML_TYPE_F16 = 1

SAMPLE_RATE = 16000
N_FFT = 400
END_OF_TEXT_TOKEN = "<|endoftext|>"

_LAYER_INDEX = re.compile(r"^(encoder|decoder)/layer_(\d+)/")


def layer_count(model: Ct2WhisperModel, stack: str) -> int:
    # A regex, not a prefix test: "encoder/layer_norm" also starts with "encoder/layer_".
    indices = {int(m.group(2)) for name in model.variables if (m := _LAYER_INDEX.match(name)) and m.group(1) == stack}
    return max(indices) + 1 if indices else 0


def whisper_hparams(model: Ct2WhisperModel) -> WhisperHparams:
    conv1 = model.variable("encoder/conv1/weight")
    token_embedding = model.variable("decoder/embeddings/weight")
    audio_positions = model.variable("encoder/position_encodings/encodings")
    text_positions = model.variable("decoder/position_encodings/encodings")
    n_audio_state, n_mels = int(conv1.shape[0]), int(conv1.shape[1])
    n_text_state = int(token_embedding.shape[1])
    if n_audio_state != n_text_state:
        raise Ct2ModelUnsupported(
            model.model_file,
            f"{model.model_file}: encoder width {n_audio_state} differs from decoder width {n_text_state}; "
            "whisper.cpp needs them equal.",
        )
    # Whisper heads are 64 wide; the spec stores the count, older conversions may not.
    return WhisperHparams(
        n_vocab=int(token_embedding.shape[0]),
        n_audio_ctx=int(audio_positions.shape[0]),
        n_audio_state=n_audio_state,
        n_audio_head=model.scalar("encoder/num_heads", n_audio_state // 64) or n_audio_state // 64,
        n_audio_layer=layer_count(model, "encoder"),
        n_text_ctx=int(text_positions.shape[0]),
        n_text_state=n_text_state,
        n_text_head=model.scalar("decoder/num_heads", n_text_state // 64) or n_text_state // 64,
        n_text_layer=layer_count(model, "decoder"),
        n_mels=n_mels,
    )


def slaney_mel_filters(n_mels: int, sample_rate: int = SAMPLE_RATE, n_fft: int = N_FFT) -> np.ndarray:
    """librosa.filters.mel(sr, n_fft, n_mels) with its defaults (Slaney scale and area norm), as openai-whisper uses."""
    fft_frequencies = np.fft.rfftfreq(n_fft, d=1.0 / sample_rate)
    mel_points = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(sample_rate / 2.0), n_mels + 2))
    widths = np.diff(mel_points)
    ramps = np.subtract.outer(mel_points, fft_frequencies)
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_points[2:] - mel_points[:-2]))[:, None]
    filters: np.ndarray = weights.astype(np.float32)
    return filters


_F_SP = 200.0 / 3
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOG_STEP = np.log(6.4) / 27.0


def _hz_to_mel(frequency: float) -> float:
    if frequency < _MIN_LOG_HZ:
        return frequency / _F_SP
    return float(_MIN_LOG_MEL + np.log(frequency / _MIN_LOG_HZ) / _LOG_STEP)


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    linear = _F_SP * mels
    logarithmic = _MIN_LOG_HZ * np.exp(_LOG_STEP * (mels - _MIN_LOG_MEL))
    return np.where(mels >= _MIN_LOG_MEL, logarithmic, linear)


def _byte_decoder() -> dict[str, int]:
    """Inverse of GPT-2's bytes_to_unicode: the printable character that stands for each byte."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    characters = printable[:]
    shifted = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            characters.append(256 + shifted)
            shifted += 1
    return {chr(character): byte for byte, character in zip(printable, characters, strict=True)}


def ggml_vocabulary(vocabulary: Sequence[str], path: Path) -> list[bytes]:
    """The raw bytes of every ordinary token, ids 0 up to the end-of-text token (excluded)."""
    try:
        end_of_text = vocabulary.index(END_OF_TEXT_TOKEN)
    except ValueError:
        raise Ct2ModelUnsupported(
            path, f"{path}: the vocabulary has no {END_OF_TEXT_TOKEN} token; it is not a Whisper vocabulary."
        ) from None
    decoder = _byte_decoder()
    tokens = []
    for token in vocabulary[:end_of_text]:
        try:
            tokens.append(bytes(decoder[character] for character in token))
        except KeyError:
            tokens.append(token.encode("utf-8"))
    return tokens


def ggml_tensors(model: Ct2WhisperModel, hparams: WhisperHparams) -> Iterator[tuple[str, np.ndarray]]:
    """Every tensor whisper.cpp loads, under its name, in the dtype it expects (f16 matrices, f32 otherwise)."""
    state = hparams.n_audio_state
    yield "encoder.positional_embedding", _f32(model, "encoder/position_encodings/encodings")
    for conv in ("conv1", "conv2"):
        yield f"encoder.{conv}.weight", _f16(model, f"encoder/{conv}/weight")
        yield f"encoder.{conv}.bias", _f32(model, f"encoder/{conv}/bias").reshape(-1, 1)
    for layer in range(hparams.n_audio_layer):
        source, target = f"encoder/layer_{layer}", f"encoder.blocks.{layer}"
        yield from _fused_self_attention(model, f"{source}/self_attention", f"{target}.attn", state)
        yield from _layer_norm(model, f"{source}/self_attention/layer_norm", f"{target}.attn_ln")
        yield from _feed_forward(model, f"{source}/ffn", target)
    yield from _layer_norm(model, "encoder/layer_norm", "encoder.ln_post")

    yield "decoder.positional_embedding", _f32(model, "decoder/position_encodings/encodings")
    yield "decoder.token_embedding.weight", _f16(model, "decoder/embeddings/weight")
    for layer in range(hparams.n_text_layer):
        source, target = f"decoder/layer_{layer}", f"decoder.blocks.{layer}"
        yield from _fused_self_attention(model, f"{source}/self_attention", f"{target}.attn", state)
        yield from _layer_norm(model, f"{source}/self_attention/layer_norm", f"{target}.attn_ln")
        yield from _cross_attention(model, f"{source}/attention", f"{target}.cross_attn", state)
        yield from _layer_norm(model, f"{source}/attention/layer_norm", f"{target}.cross_attn_ln")
        yield from _feed_forward(model, f"{source}/ffn", target)
    yield from _layer_norm(model, "decoder/layer_norm", "decoder.ln")


def _fused_self_attention(
    model: Ct2WhisperModel, source: str, target: str, state: int
) -> Iterator[tuple[str, np.ndarray]]:
    # linear_0 is [query; key; value] stacked by rows; linear_1 is the output projection.
    weight = _f16(model, f"{source}/linear_0/weight")
    bias = _f32(model, f"{source}/linear_0/bias")
    _require_shape(model, f"{source}/linear_0/weight", weight, (3 * state, state))
    _require_zero_key_bias(model, f"{source}/linear_0/bias", bias[state : 2 * state])
    yield f"{target}.query.weight", weight[:state]
    yield f"{target}.query.bias", bias[:state]
    yield f"{target}.key.weight", weight[state : 2 * state]
    yield f"{target}.value.weight", weight[2 * state :]
    yield f"{target}.value.bias", bias[2 * state :]
    yield from _linear(model, f"{source}/linear_1", f"{target}.out")


def _cross_attention(model: Ct2WhisperModel, source: str, target: str, state: int) -> Iterator[tuple[str, np.ndarray]]:
    # linear_0 is the query, linear_1 is [key; value] stacked by rows, linear_2 the output projection.
    yield from _linear(model, f"{source}/linear_0", f"{target}.query")
    weight = _f16(model, f"{source}/linear_1/weight")
    bias = _f32(model, f"{source}/linear_1/bias")
    _require_shape(model, f"{source}/linear_1/weight", weight, (2 * state, state))
    _require_zero_key_bias(model, f"{source}/linear_1/bias", bias[:state])
    yield f"{target}.key.weight", weight[:state]
    yield f"{target}.value.weight", weight[state:]
    yield f"{target}.value.bias", bias[state:]
    yield from _linear(model, f"{source}/linear_2", f"{target}.out")


def _feed_forward(model: Ct2WhisperModel, source: str, target: str) -> Iterator[tuple[str, np.ndarray]]:
    yield from _layer_norm(model, f"{source}/layer_norm", f"{target}.mlp_ln")
    yield from _linear(model, f"{source}/linear_0", f"{target}.mlp.0")
    yield from _linear(model, f"{source}/linear_1", f"{target}.mlp.2")


def _linear(model: Ct2WhisperModel, source: str, target: str) -> Iterator[tuple[str, np.ndarray]]:
    yield f"{target}.weight", _f16(model, f"{source}/weight")
    yield f"{target}.bias", _f32(model, f"{source}/bias")


def _layer_norm(model: Ct2WhisperModel, source: str, target: str) -> Iterator[tuple[str, np.ndarray]]:
    yield f"{target}.weight", _f32(model, f"{source}/gamma")
    yield f"{target}.bias", _f32(model, f"{source}/beta")


def _f16(model: Ct2WhisperModel, name: str) -> np.ndarray:
    return _dequantized(model, name).astype("<f2", copy=False)


def _f32(model: Ct2WhisperModel, name: str) -> np.ndarray:
    return _dequantized(model, name).astype("<f4", copy=False)


def _dequantized(model: Ct2WhisperModel, name: str) -> np.ndarray:
    array = model.variable(name)
    if array.dtype.kind == "f":
        return array
    scale = model.variables.get(f"{name}_scale")
    if scale is None or array.dtype.kind != "i":
        raise Ct2ModelUnsupported(
            model.model_file,
            f"{model.model_file}: variable '{name}' is stored as {array.dtype} without a scale; "
            "convert the model again with a float16 or int8 quantization.",
        )
    # ctranslate2 stores round(weight * scale) with one scale per output row (int8) or one overall (int16).
    scale = scale.astype(np.float32)
    if scale.size > 1:
        scale = scale.reshape(-1, *([1] * (array.ndim - 1)))
    weight: np.ndarray = array.astype(np.float32) / scale
    return weight


def _require_shape(model: Ct2WhisperModel, name: str, array: np.ndarray, shape: tuple[int, ...]) -> None:
    if array.shape != shape:
        raise Ct2ModelUnsupported(
            model.model_file,
            f"{model.model_file}: variable '{name}' has shape {list(array.shape)}, expected {list(shape)}.",
        )


def _require_zero_key_bias(model: Ct2WhisperModel, name: str, key_bias: np.ndarray) -> None:
    # Whisper's key projection has no bias and whisper.cpp has no slot for one: dropping it must lose nothing.
    if np.any(key_bias != 0):
        raise Ct2ModelUnsupported(
            model.model_file,
            f"{model.model_file}: the key part of '{name}' is not zero; this is not an openai-whisper architecture.",
        )


def write_ggml_whisper(
    model: Ct2WhisperModel, destination: Path, cancelled: Callable[[], bool] | None = None
) -> WhisperHparams:
    """Convert and write atomically: a half-written model never exists under `destination`.

    `cancelled` is asked before each tensor; when it says yes, ModelImportCancelled is raised and nothing is kept.
    """
    hparams = whisper_hparams(model)
    if len(model.vocabulary) != hparams.n_vocab:
        raise Ct2ModelUnsupported(
            model.source_dir,
            f"{model.source_dir}: the vocabulary has {len(model.vocabulary)} tokens "
            f"but the model's embedding has {hparams.n_vocab} rows.",
        )
    vocabulary = ggml_vocabulary(model.vocabulary, model.source_dir)
    filters = slaney_mel_filters(hparams.n_mels)
    with atomic_binary_output(Path(destination)) as handle:
        handle.write(struct.pack("<i11i", GGML_MAGIC, *astuple(hparams)))
        handle.write(struct.pack("<2i", *filters.shape))
        handle.write(filters.astype("<f4").tobytes())
        handle.write(struct.pack("<i", len(vocabulary)))
        handle.write(b"".join(struct.pack("<i", len(token)) + token for token in vocabulary))
        for name, array in ggml_tensors(model, hparams):
            if cancelled is not None and cancelled():
                message = f"Import of {model.source_dir} cancelled; nothing was installed."
                raise ModelImportCancelled(destination, message)
            _write_tensor(handle, name, array)
    return hparams


def _write_tensor(handle: BinaryIO, name: str, array: np.ndarray) -> None:
    encoded = name.encode("utf-8")
    tensor_type = GGML_TYPE_F16 if array.dtype == np.dtype("<f2") else GGML_TYPE_F32
    handle.write(struct.pack("<3i", array.ndim, len(encoded), tensor_type))
    handle.write(struct.pack(f"<{array.ndim}i", *reversed(array.shape)))
    handle.write(encoded)
    handle.write(np.ascontiguousarray(array).data)


@contextlib.contextmanager
def atomic_binary_output(destination: Path) -> Iterator[BinaryIO]:
    """A file handle whose content appears under `destination` only once it is complete and on disk."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    # The dot and the suffix keep an unfinished file out of the store's "ggml-*.bin" listing.
    descriptor, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if os.name == "posix":
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the model from other tools run as another user.
        os.replace(temporary, destination)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    fsync_directory(destination.parent)
