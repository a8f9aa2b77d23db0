"""File names as text that UTF-8 and JSON can hold.

On Linux a file name is bytes and need not be UTF-8 (b'take\\xff.wav'); Python reads such bytes as lone
surrogates ('take\\udcff.wav'), which no UTF-8 encoder or JSON writer accepts. Where such a name is written
as text (the summary's `input`, the command's JSON events), each byte that is not UTF-8 becomes U+FFFD:
'take\\ufffd.wav'. The file itself keeps its real name; only its description is lossy.
"""

from __future__ import annotations


def file_name_text(name: str) -> str:
    """`name` with every undecodable byte replaced by U+FFFD; valid names come back unchanged."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte: keep what can be kept
        return name.encode("utf-8", "replace").decode("utf-8")
    return raw.decode("utf-8", "replace")
