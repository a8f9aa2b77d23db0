"""A pocketsphinx pronouncing dictionary read by this process, so the decoder holds only the words it aligns.

Loading CMUdict's 135,000 words into a decoder costs about 0.1 s of a core, spent while the engine needs
both cores; a transcript uses a few hundred of them. The file is read whole as bytes (3 MB) and searched
there: by bisection when its lines are sorted by word and then variant number, as the bundled CMUdict's
are ("a", "a(2)", "a's"), else through an index built once. Lines are "word phones...", alternate
pronunciations named "word(2)", "word(3)", ...
"""

from __future__ import annotations

import re
from pathlib import Path

_VARIANT = re.compile(rb"^(.*)\((\d+)\)$")
_COMMENT_PREFIXES = (b"##", b";;")


def _key(name: bytes) -> tuple[bytes, int]:
    """The order of a sorted dictionary: the word, then its variant number ("a" is variant 1)."""
    variant = _VARIANT.match(name)
    return (variant.group(1), int(variant.group(2))) if variant else (name, 1)


class PronouncingDictionary:
    def __init__(self, text: bytes, *, sorted_by_word: bool) -> None:
        self._text = text
        self._index: dict[bytes, bytes] | None = None if sorted_by_word else _indexed(text)

    @classmethod
    def read(cls, path: Path, *, sorted_by_word: bool = False) -> PronouncingDictionary:
        return cls(path.read_bytes(), sorted_by_word=sorted_by_word)

    def look_up(self, name: str) -> str | None:
        """The phones of `name` ("the", "the(2)"), space-separated, or None when the dictionary lacks it."""
        wanted = name.encode("utf-8")
        if self._index is not None:
            phones = self._index.get(wanted)
        else:
            phones = self._bisected(wanted)
        return None if phones is None else phones.decode("utf-8", errors="replace")

    def _bisected(self, wanted: bytes) -> bytes | None:
        text, target = self._text, _key(wanted)
        low, high = 0, len(text)  # line starts: every line before low sorts below target, none from high on
        while low < high:
            middle = (low + high) // 2
            start = text.rfind(b"\n", low, middle) + 1 or low
            end = text.find(b"\n", start)
            end = len(text) if end < 0 else end
            if _key(_split(text[start:end])[0]) < target:
                low = end + 1
            else:
                high = start
        end = text.find(b"\n", low)
        name, phones = _split(text[low : len(text) if end < 0 else end])
        return phones if name == wanted else None


def _split(line: bytes) -> tuple[bytes, bytes]:
    name, *phones = line.split() or [b""]
    return name, b" ".join(phones)


def _indexed(text: bytes) -> dict[bytes, bytes]:
    index: dict[bytes, bytes] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith(_COMMENT_PREFIXES):
            continue
        name, phones = _split(line)
        index.setdefault(name, phones)
    return index
