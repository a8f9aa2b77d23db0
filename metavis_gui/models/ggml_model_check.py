"""Check a whisper.cpp ggml model file before handing it to whisper-cli.

whisper-cli reports a bad model only as exit code 3 and a log line; checking
here first lets the app say which file is wrong and what to do about it.
"""

from __future__ import annotations

import mmap
import stat
import struct
from dataclasses import astuple, dataclass
from pathlib import Path

from metavis_gui.models.errors import GgmlModelInvalid
from metavis_gui.models.ggml_header import GGML_MAGIC, WhisperHparams

_HEADER = struct.Struct("<i11i")
# whisper.cpp folds a quantization version into ftype as ftype + 1000 * version.
_QUANTIZATION_VERSION_FACTOR = 1000
_MAX_TENSOR_NAME_LENGTH = 256
# ggml type id -> (elements per block, bytes per block), for the types whisper.cpp models use.
_TYPE_BLOCKS: dict[int, tuple[int, int]] = {
    0: (1, 4),  # f32
    1: (1, 2),  # f16
    2: (32, 18),  # q4_0
    3: (32, 20),  # q4_1
    6: (32, 22),  # q5_0
    7: (32, 24),  # q5_1
    8: (32, 34),  # q8_0
    9: (32, 36),  # q8_1
    10: (256, 84),  # q2_K
    11: (256, 110),  # q3_K
    12: (256, 144),  # q4_K
    13: (256, 176),  # q5_K
    14: (256, 210),  # q6_K
    15: (256, 292),  # q8_K
    30: (1, 2),  # bf16
}
_SIZES_BY_LAYERS = {(4, 384): "tiny", (6, 512): "base", (12, 768): "small", (24, 1024): "medium", (32, 1280): "large"}
_ENGLISH_ONLY_VOCAB = 51864
_MULTILINGUAL_VOCAB = 51865
_LARGE_V3_VOCAB = 51866


@dataclass(frozen=True)
class GgmlModelInfo:
    path: Path
    magic: int
    hparams: WhisperHparams
    size_bytes: int
    # None when the shapes match no published Whisper model (a fine-tune with other sizes, a distilled model).
    model_name: str | None

    @property
    def is_multilingual(self) -> bool:
        return self.hparams.n_vocab >= _MULTILINGUAL_VOCAB


def infer_whisper_model_name(n_audio_layer: int, n_audio_state: int, n_vocab: int, n_text_layer: int) -> str | None:
    """The published model these shapes belong to. large-v1 and large-v2 share every shape: both read as large-v2."""
    size = _SIZES_BY_LAYERS.get((n_audio_layer, n_audio_state))
    if size is None:
        return None
    if size == "large":
        if n_vocab == _LARGE_V3_VOCAB:
            return {32: "large-v3", 4: "large-v3-turbo"}.get(n_text_layer)
        return "large-v2" if n_vocab == _MULTILINGUAL_VOCAB and n_text_layer == 32 else None
    if n_text_layer != n_audio_layer:
        return None
    if n_vocab == _ENGLISH_ONLY_VOCAB:
        return f"{size}.en"
    return size if n_vocab == _MULTILINGUAL_VOCAB else None


def read_ggml_header(path: Path) -> GgmlModelInfo:
    path = Path(path)
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            # Opening a FIFO waits for a writer forever, and a device never ends: refuse without opening.
            raise GgmlModelInvalid(
                path,
                f"{path}: is not a regular file (a folder, a FIFO or a device), so it is not a model file. "
                "Pass the .bin model file itself.",
            )
        size = status.st_size
        with path.open("rb") as handle:
            header = handle.read(_HEADER.size)
    except FileNotFoundError:
        raise GgmlModelInvalid(path, f"{path}: no such file.") from None
    except OSError as error:
        raise GgmlModelInvalid(path, f"{path}: cannot be read ({error.strerror or error}).") from error
    _check_magic(path, header)
    if len(header) < _HEADER.size:
        raise GgmlModelInvalid(path, f"{path}: truncated inside the model header ({size} bytes). {_REDO}")
    magic, *values = _HEADER.unpack(header)
    hparams = WhisperHparams(*values)
    if min(astuple(hparams)[:10]) <= 0 or hparams.ftype < 0:
        raise GgmlModelInvalid(path, f"{path}: the model header holds impossible sizes {astuple(hparams)}. {_REDO}")
    name = infer_whisper_model_name(hparams.n_audio_layer, hparams.n_audio_state, hparams.n_vocab, hparams.n_text_layer)
    return GgmlModelInfo(path=path, magic=magic, hparams=hparams, size_bytes=size, model_name=name)


_REDO = "Download or convert the model again."


def _check_magic(path: Path, header: bytes) -> None:
    if len(header) >= 4 and struct.unpack_from("<I", header)[0] == GGML_MAGIC:
        return
    if header[:4] == b"GGUF":
        found = "a GGUF file, a format whisper.cpp does not load"
    elif not header:
        found = "an empty file"
    else:
        found = f"a file starting with {header[:8]!r}"
    raise GgmlModelInvalid(
        path, f"{path}: not a whisper.cpp model ({found}); expected a ggml-*.bin Whisper model. {_REDO}"
    )


def validate_ggml_model(path: Path) -> GgmlModelInfo:
    """The header, plus a walk over every tensor: all present, the right shapes, and all their bytes in the file."""
    info = read_ggml_header(path)
    path = info.path
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        walker = _Walker(data, path, _HEADER.size)
        n_mel, n_fft = walker.unpack("2i", "the mel filterbank size")
        if n_mel != info.hparams.n_mels or n_fft <= 0:
            raise GgmlModelInvalid(
                path, f"{path}: mel filterbank is {n_mel}x{n_fft}, expected {info.hparams.n_mels} rows."
            )
        walker.skip(4 * n_mel * n_fft, "the mel filterbank")
        (n_tokens,) = walker.unpack("i", "the vocabulary size")
        if not 0 <= n_tokens <= info.hparams.n_vocab:
            raise GgmlModelInvalid(path, f"{path}: vocabulary of {n_tokens} tokens for n_vocab {info.hparams.n_vocab}.")
        for token in range(n_tokens):
            (length,) = walker.unpack("I", f"the length of token {token}")
            walker.skip(length, f"token {token}")
        found = walker.tensors()
    _check_tensor_set(path, found, _expected_tensor_shapes(info.hparams))
    return info


class _Walker:
    def __init__(self, data: mmap.mmap, path: Path, offset: int) -> None:
        self.data = data
        self.path = path
        self.offset = offset

    def skip(self, count: int, what: str) -> None:
        if count < 0 or self.offset + count > len(self.data):
            raise GgmlModelInvalid(
                self.path,
                f"{self.path}: truncated: {what} needs {count} bytes at byte {self.offset}, "
                f"but the file ends at {len(self.data)}. {_REDO}",
            )
        self.offset += count

    def unpack(self, fmt: str, what: str) -> tuple[int, ...]:
        size = struct.calcsize("<" + fmt)
        start = self.offset
        self.skip(size, what)
        return struct.unpack_from("<" + fmt, self.data, start)

    def tensors(self) -> dict[str, tuple[int, ...]]:
        found: dict[str, tuple[int, ...]] = {}
        while self.offset < len(self.data):
            n_dims, name_length, tensor_type = self.unpack("3i", f"the header of tensor {len(found)}")
            if not 1 <= n_dims <= 4 or not 0 < name_length <= _MAX_TENSOR_NAME_LENGTH:
                raise GgmlModelInvalid(
                    self.path, f"{self.path}: damaged tensor header at byte {self.offset - 12}. {_REDO}"
                )
            shape = self.unpack(f"{n_dims}i", f"the shape of tensor {len(found)}")
            start = self.offset
            self.skip(name_length, f"the name of tensor {len(found)}")
            name = bytes(self.data[start : self.offset]).decode("utf-8", errors="replace")
            if name in found:
                raise GgmlModelInvalid(self.path, f"{self.path}: tensor '{name}' appears twice. {_REDO}")
            self.skip(self._byte_count(name, shape, tensor_type), f"the data of tensor '{name}'")
            found[name] = shape + (1,) * (4 - n_dims)
        return found

    def _byte_count(self, name: str, shape: tuple[int, ...], tensor_type: int) -> int:
        block = _TYPE_BLOCKS.get(tensor_type)
        if block is None or min(shape) <= 0 or shape[0] % block[0]:
            raise GgmlModelInvalid(
                self.path, f"{self.path}: tensor '{name}' has unknown type {tensor_type} or shape {shape}. {_REDO}"
            )
        elements = 1
        for dim in shape:
            elements *= dim
        return elements // block[0] * block[1]


def _check_tensor_set(path: Path, found: dict[str, tuple[int, ...]], expected: dict[str, tuple[int, ...]]) -> None:
    missing = sorted(expected.keys() - found.keys())
    unknown = sorted(found.keys() - expected.keys())
    if missing or unknown:
        detail = f"missing {missing[:3]}" if missing else f"unexpected {unknown[:3]}"
        raise GgmlModelInvalid(path, f"{path}: not a complete Whisper model: {detail}. {_REDO}")
    for name, shape in expected.items():
        if found[name] != shape + (1,) * (4 - len(shape)):
            raise GgmlModelInvalid(
                path, f"{path}: tensor '{name}' has shape {list(found[name])}, expected {list(shape)}. {_REDO}"
            )


def _expected_tensor_shapes(hparams: WhisperHparams) -> dict[str, tuple[int, ...]]:
    """whisper.cpp's tensors, with shapes in ggml order (fastest-varying dimension first)."""
    audio, text = hparams.n_audio_state, hparams.n_text_state
    shapes: dict[str, tuple[int, ...]] = {
        "encoder.positional_embedding": (audio, hparams.n_audio_ctx),
        "encoder.conv1.weight": (3, hparams.n_mels, audio),
        "encoder.conv1.bias": (1, audio),
        "encoder.conv2.weight": (3, audio, audio),
        "encoder.conv2.bias": (1, audio),
        "encoder.ln_post.weight": (audio,),
        "encoder.ln_post.bias": (audio,),
        "decoder.positional_embedding": (text, hparams.n_text_ctx),
        "decoder.token_embedding.weight": (text, hparams.n_vocab),
        "decoder.ln.weight": (text,),
        "decoder.ln.bias": (text,),
    }
    for layer in range(hparams.n_audio_layer):
        shapes.update(_block_shapes(f"encoder.blocks.{layer}", audio, cross=False))
    for layer in range(hparams.n_text_layer):
        shapes.update(_block_shapes(f"decoder.blocks.{layer}", text, cross=True))
    return shapes


def _block_shapes(prefix: str, state: int, cross: bool) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {
        f"{prefix}.mlp_ln.weight": (state,),
        f"{prefix}.mlp_ln.bias": (state,),
        f"{prefix}.mlp.0.weight": (state, 4 * state),
        f"{prefix}.mlp.0.bias": (4 * state,),
        f"{prefix}.mlp.2.weight": (4 * state, state),
        f"{prefix}.mlp.2.bias": (state,),
    }
    for attention in ("attn", "cross_attn") if cross else ("attn",):
        shapes.update(
            {
                f"{prefix}.{attention}_ln.weight": (state,),
                f"{prefix}.{attention}_ln.bias": (state,),
                f"{prefix}.{attention}.query.weight": (state, state),
                f"{prefix}.{attention}.query.bias": (state,),
                f"{prefix}.{attention}.key.weight": (state, state),
                f"{prefix}.{attention}.value.weight": (state, state),
                f"{prefix}.{attention}.value.bias": (state,),
                f"{prefix}.{attention}.out.weight": (state, state),
                f"{prefix}.{attention}.out.bias": (state,),
            }
        )
    return shapes
