"""Read a CTranslate2 (faster-whisper) Whisper model folder without CTranslate2.

`model.bin` is the format written by ctranslate2's `specs/model_spec.py`, binary
version 6, little-endian, no padding:

    uint32 binary version (6)
    string spec name ("WhisperSpec"), uint32 spec revision
    uint32 variable count, then per variable:
        string name, uint8 rank, uint32 dims[rank], uint8 dtype id,
        uint32 byte count, raw row-major data
    uint32 alias count, then per alias: string alias, string target name

where a string is a uint16 length (counting a trailing NUL), the UTF-8 bytes
and the NUL. The tensors stay memory-mapped: a large model is not copied into
memory just to be read once while converting.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from metavis_gui.models.ct2_file_names import CONFIG_FILE_NAME, MODEL_FILE_NAME
from metavis_gui.models.errors import Ct2ModelInvalid, Ct2ModelUnsupported

VOCABULARY_FILE_NAMES = ("vocabulary.txt", "vocabulary.json")
SUPPORTED_BINARY_VERSION = 6
WHISPER_SPEC_NAME = "WhisperSpec"

_BFLOAT16_ID = 5
# ctranslate2's DataType enum order; bfloat16 has no numpy type and is widened on read.
_DTYPES_BY_ID: dict[int, np.dtype[Any]] = {
    0: np.dtype("<f4"),
    1: np.dtype("i1"),
    2: np.dtype("<i2"),
    3: np.dtype("<i4"),
    4: np.dtype("<f2"),
    _BFLOAT16_ID: np.dtype("<u2"),
}


@dataclass(frozen=True)
class Ct2WhisperModel:
    source_dir: Path
    model_file: Path
    binary_version: int
    spec_name: str
    spec_revision: int
    config: Mapping[str, Any]
    # Aliases are resolved: an alias maps to the same array as its target.
    variables: Mapping[str, np.ndarray]
    aliases: Mapping[str, str]
    vocabulary: tuple[str, ...]

    def variable(self, name: str) -> np.ndarray:
        try:
            return self.variables[name]
        except KeyError:
            raise Ct2ModelUnsupported(
                self.model_file,
                f"{self.model_file}: variable '{name}' is missing; this is not a complete Whisper model.",
            ) from None

    def scalar(self, name: str, default: int | None = None) -> int | None:
        value = self.variables.get(name)
        if value is None or value.size != 1:
            return default
        return int(value.reshape(()))


class _Cursor:
    """Reads little-endian fields from the model file and reports truncation by name."""

    def __init__(self, buffer: np.ndarray, path: Path) -> None:
        self.buffer = buffer
        self.view = buffer.data
        self.path = path
        self.offset = 0

    def _need(self, count: int, what: str) -> None:
        if self.offset + count > len(self.buffer):
            raise Ct2ModelInvalid(
                self.path,
                f"{self.path}: the file is truncated ({len(self.buffer)} bytes) while reading {what} "
                f"at byte {self.offset}. Copy or download the model again.",
            )

    def unpack(self, fmt: str, what: str) -> tuple[int, ...]:
        size = struct.calcsize("<" + fmt)
        self._need(size, what)
        values = struct.unpack_from("<" + fmt, self.view, self.offset)
        self.offset += size
        return values

    def string(self, what: str) -> str:
        (length,) = self.unpack("H", what)
        if length == 0:
            raise Ct2ModelInvalid(self.path, f"{self.path}: {what} at byte {self.offset} has length 0.")
        self._need(length, what)
        raw = bytes(self.view[self.offset : self.offset + length - 1])
        self.offset += length
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Ct2ModelInvalid(self.path, f"{self.path}: {what} is not valid UTF-8; the file is damaged.") from None

    def take(self, count: int, what: str) -> np.ndarray:
        self._need(count, what)
        view = self.buffer[self.offset : self.offset + count]
        self.offset += count
        return view


def read_ct2_whisper_model(source_dir: Path) -> Ct2WhisperModel:
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise Ct2ModelInvalid(source_dir, f"{source_dir}: no such folder; pick the folder that holds model.bin.")
    model_file = source_dir / MODEL_FILE_NAME
    config = _read_config(source_dir / CONFIG_FILE_NAME)
    vocabulary = _read_vocabulary(source_dir)
    version, spec_name, revision, variables, aliases = _read_model_file(model_file)
    return Ct2WhisperModel(
        source_dir=source_dir,
        model_file=model_file,
        binary_version=version,
        spec_name=spec_name,
        spec_revision=revision,
        config=config,
        variables=variables,
        aliases=aliases,
        vocabulary=vocabulary,
    )


def _read_config(path: Path) -> dict[str, Any]:
    return read_json_object(path, "a CTranslate2 model folder needs its config.json")


def read_json_object(path: Path, needed_because: str) -> dict[str, Any]:
    """A model folder's JSON file as a dict; `Ct2ModelInvalid` (saying `needed_because` when it is missing) if not."""
    if not path.is_file():
        raise Ct2ModelInvalid(path, f"{path}: missing; {needed_because}.")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Ct2ModelInvalid(path, f"{path}: not readable JSON ({error}).") from error
    if not isinstance(document, dict):
        raise Ct2ModelInvalid(path, f"{path}: expected a JSON object, found {type(document).__name__}.")
    return document


def _read_vocabulary(source_dir: Path) -> tuple[str, ...]:
    text_path, json_path = (source_dir / name for name in VOCABULARY_FILE_NAMES)
    if text_path.is_file():
        try:
            text = text_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise Ct2ModelInvalid(text_path, f"{text_path}: not readable UTF-8 text ({error}).") from error
        # Split on "\n" only: str.splitlines() would also cut at characters such as U+2028 inside tokens.
        tokens = text.split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()
        path = text_path
    elif json_path.is_file():
        try:
            tokens = json.loads(json_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise Ct2ModelInvalid(json_path, f"{json_path}: not readable JSON ({error}).") from error
        if not isinstance(tokens, list) or not all(isinstance(token, str) for token in tokens):
            raise Ct2ModelInvalid(json_path, f"{json_path}: expected a JSON list of token strings.")
        path = json_path
    else:
        raise Ct2ModelInvalid(
            text_path, f"{text_path}: missing; a CTranslate2 Whisper model folder needs its vocabulary file."
        )
    if not tokens:
        raise Ct2ModelInvalid(path, f"{path}: the vocabulary is empty.")
    return tuple(tokens)


def _read_model_file(
    path: Path,
) -> tuple[int, str, int, dict[str, np.ndarray], dict[str, str]]:
    if not path.is_file():
        raise Ct2ModelInvalid(path, f"{path}: missing; a CTranslate2 model folder needs its model.bin.")
    if path.stat().st_size < 4:
        raise Ct2ModelInvalid(path, f"{path}: the file is truncated ({path.stat().st_size} bytes).")
    cursor = _Cursor(np.memmap(path, dtype=np.uint8, mode="r"), path)

    (version,) = cursor.unpack("I", "the binary version")
    if version != SUPPORTED_BINARY_VERSION:
        raise Ct2ModelInvalid(
            path,
            f"{path}: not a CTranslate2 model of binary version {SUPPORTED_BINARY_VERSION} "
            f"(found {version}). Convert it again with a current ctranslate2, or it is not a model file.",
        )
    spec_name = cursor.string("the spec name")
    (revision,) = cursor.unpack("I", "the spec revision")
    if spec_name != WHISPER_SPEC_NAME:
        raise Ct2ModelUnsupported(path, f"{path}: a '{spec_name}' model, not a Whisper model ({WHISPER_SPEC_NAME}).")

    (count,) = cursor.unpack("I", "the variable count")
    variables: dict[str, np.ndarray] = {}
    for index in range(count):
        name = cursor.string(f"the name of variable {index}")
        variables[name] = _read_variable(cursor, name)

    (alias_count,) = cursor.unpack("I", "the alias count")
    aliases: dict[str, str] = {}
    for _ in range(alias_count):
        alias = cursor.string("an alias name")
        target = cursor.string(f"the target of alias '{alias}'")
        if target not in variables:
            raise Ct2ModelInvalid(path, f"{path}: alias '{alias}' points to unknown variable '{target}'.")
        aliases[alias] = target
        variables[alias] = variables[target]

    if cursor.offset != len(cursor.buffer):
        raise Ct2ModelInvalid(
            path,
            f"{path}: {len(cursor.buffer) - cursor.offset} unexpected bytes after the last alias; the file is damaged.",
        )
    return version, spec_name, revision, variables, aliases


def _read_variable(cursor: _Cursor, name: str) -> np.ndarray:
    path = cursor.path
    (rank,) = cursor.unpack("B", f"the rank of '{name}'")
    dims = cursor.unpack(f"{rank}I", f"the shape of '{name}'") if rank else ()
    dtype_id, byte_count = cursor.unpack("BI", f"the type of '{name}'")
    dtype = _DTYPES_BY_ID.get(dtype_id)
    if dtype is None:
        raise Ct2ModelUnsupported(path, f"{path}: variable '{name}' has unknown data type id {dtype_id}.")
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if byte_count != expected:
        raise Ct2ModelInvalid(
            path,
            f"{path}: variable '{name}' declares {byte_count} bytes but its shape {list(dims)} needs {expected}.",
        )
    array = cursor.take(byte_count, f"the data of '{name}'").view(dtype).reshape(dims)
    if dtype_id == _BFLOAT16_ID:
        # bfloat16 is the top half of a float32.
        array = (array.astype("<u4") << 16).view("<f4")
    return array
