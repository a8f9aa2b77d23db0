"""Reading contract files with limits, so a hostile or broken file is a `TranscriptFileInvalid`, never a crash.

Limits (a file past one is refused with the limit named; a words-file line past one is that line's problem):
- a words file holds at most `MAX_WORDS_FILE_BYTES` (recovery files and edit journals twice that), a
  summary `MAX_DOCUMENT_BYTES`;
- a words-file line holds at most `MAX_LINE_CHARACTERS` (a word record is a few hundred);
- JSON nests at most `MAX_JSON_NESTING` levels (a record nests one, a summary three);
- integers have at most `MAX_INTEGER_DIGITS` digits (Python's own limit on int parsing).
Only regular files are read: a FIFO or a device would block the reader forever.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from metavis_gui.contract.errors import TranscriptFileInvalid

MAX_WORDS_FILE_BYTES = 256 * 1024 * 1024  # about 800 000 words, some 80 hours of speech
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
MAX_LINE_CHARACTERS = 64 * 1024
MAX_JSON_NESTING = 32
MAX_INTEGER_DIGITS = sys.get_int_max_str_digits() or 4300

_BRACKETS_AND_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
_LONG_INTEGER = re.compile(rf"[0-9]{{{MAX_INTEGER_DIGITS + 1},}}")


class JsonRefused(ValueError):
    """Text that is not JSON this reader accepts; `line` counts from 1 within the parsed text."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def read_contract_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file no larger than `max_bytes`; else `TranscriptFileInvalid` saying why."""
    path = Path(path)
    try:
        status = os.stat(path)
        if stat.S_ISDIR(status.st_mode):
            raise TranscriptFileInvalid(path, "is a folder, not a transcript file")
        if not stat.S_ISREG(status.st_mode):
            raise TranscriptFileInvalid(path, "is not a regular file (a pipe or a device?); give a saved file")
        if status.st_size > max_bytes:
            raise TranscriptFileInvalid(path, f"is {status.st_size} bytes, over the limit of {max_bytes}")
        with open(path, "rb") as file:
            data = file.read(max_bytes + 1)
    except FileNotFoundError:
        raise TranscriptFileInvalid(path, "file not found") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise TranscriptFileInvalid(path, f"cannot be read: {reason}") from None
    if len(data) > max_bytes:  # it grew while we looked
        raise TranscriptFileInvalid(path, f"is over the limit of {max_bytes} bytes")
    return data


def decode_contract_text(path: Path, data: bytes) -> str:
    """UTF-8 text; an invalid byte is reported with its offset and line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_number = data[: error.start].count(b"\n") + 1
        reason = f"is not UTF-8 text (invalid byte at offset {error.start}, line {line_number})"
        raise TranscriptFileInvalid(Path(path), reason) from None


def loads_bounded(
    text: str,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
    parse_constant: Callable[[str], Any] | None = None,
) -> Any:
    """`json.loads` that raises `JsonRefused` (with a line) for anything it cannot or should not hold.

    Errors other than `JsonRefused` raised by the hooks pass through unchanged.
    """
    deep_line = _first_line_nested_too_deep(text)
    if deep_line is not None:
        raise JsonRefused(f"nested more than {MAX_JSON_NESTING} levels deep", deep_line)
    for long_number in _LONG_INTEGER.finditer(text):
        if _outside_strings(text, long_number.start()):
            line = _line_at(text, long_number.start())
            raise JsonRefused(f"a number has more than {MAX_INTEGER_DIGITS} digits", line)
    try:
        return json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=parse_constant)
    except json.JSONDecodeError as error:
        raise JsonRefused(f"not valid JSON: {error.msg} at column {error.colno}", error.lineno) from None
    except ValueError as error:
        if type(error) is not ValueError:
            raise  # the hooks' own errors
        raise JsonRefused(f"not valid JSON: {error}", 1) from None
    except RecursionError:  # the scan above should make this unreachable; never let it out
        raise JsonRefused("nested too deeply", 1) from None


def _first_line_nested_too_deep(text: str) -> int | None:
    if text.count("[") + text.count("{") <= MAX_JSON_NESTING:
        return None  # the usual case, decided without a scan
    depth = 0
    for match in _BRACKETS_AND_STRINGS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_NESTING:
                return _line_at(text, match.start())
        elif token in "]}":
            depth = max(depth - 1, 0)
    return None


def _outside_strings(text: str, position: int) -> bool:
    for match in _BRACKETS_AND_STRINGS.finditer(text, 0, position + 1):
        if match.group().startswith('"') and match.start() < position < match.end():
            return False
    return True


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1
