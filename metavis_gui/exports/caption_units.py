"""Where a caption may break: words grouped into units no break splits (names, numbers), and the hard breaks.

A name is a run of capitalised words with no punctuation between them ("John F. Kennedy", "Mr. Smith");
a number is a run of digits or number words ("3 million", "twenty five"). A unit that could not fit one
line or one caption on its own is split back into words: the line and duration rules come first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from metavis_gui.exports.export_words import ExportWord

SENTENCE_ENDINGS = (".", "!", "?", "…")
# Words whose final "." does not end a sentence.
_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "st.", "prof.", "sr.", "jr.", "vs.", "mt.", "no."})
_INITIAL = re.compile(r"^[A-Z]\.$")
# fmt: off
_NUMBER_WORDS = frozenset({
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
    "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion", "trillion",
    "percent", "point",
})
# fmt: on
_TRAILING_PUNCTUATION = ",;:.!?…\"')]»"


@dataclass(frozen=True, slots=True)
class CaptionUnit:
    """Words `first`..`last` (indices into the word list), kept on one line of one caption."""

    first: int
    last: int
    starts_sentence_or_pause: bool  # a hard break before it: a caption must start here


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip("\"')]»")
    if not stripped.endswith(SENTENCE_ENDINGS):
        return False
    return stripped.lower() not in _ABBREVIATIONS and not _INITIAL.match(stripped)


def caption_units(
    words: Sequence[ExportWord], break_at_sentence_end: bool, pause_break_ticks: int
) -> list[CaptionUnit]:
    units: list[CaptionUnit] = []
    for index, word in enumerate(words):
        previous = words[index - 1] if index else None
        hard = previous is None or _hard_break(previous, word, break_at_sentence_end, pause_break_ticks)
        if not hard and units and _joined(previous, word):  # type: ignore[arg-type]
            units[-1] = CaptionUnit(units[-1].first, index, units[-1].starts_sentence_or_pause)
        else:
            units.append(CaptionUnit(index, index, hard))
    return units


def split_unit(unit: CaptionUnit) -> list[CaptionUnit]:
    """The unit's words as units of one word each (the first keeps the unit's hard break)."""
    return [
        CaptionUnit(index, index, unit.starts_sentence_or_pause and index == unit.first)
        for index in range(unit.first, unit.last + 1)
    ]


def _hard_break(previous: ExportWord, word: ExportWord, at_sentence_end: bool, pause_ticks: int) -> bool:
    return (
        (at_sentence_end and ends_sentence(previous.text))
        or word.start_ticks - previous.end_ticks > pause_ticks
        or word.speaker_label != previous.speaker_label
    )


def _joined(previous: ExportWord, word: ExportWord) -> bool:
    if _is_number(previous.text) and _is_number(word.text):
        return not previous.text.endswith(tuple(",;:.!?"))
    if previous.text.lower() in _ABBREVIATIONS or _INITIAL.match(previous.text):
        return _is_capitalised(word.text)
    if previous.text.endswith(tuple(_TRAILING_PUNCTUATION)):
        return False
    return _is_capitalised(previous.text) and _is_capitalised(word.text) and word.text != "I"


def _is_capitalised(text: str) -> bool:
    return text[:1].isupper() and text != "I"


def _is_number(text: str) -> bool:
    core = text.strip(_TRAILING_PUNCTUATION + "$€£%").lower()
    return bool(core) and (any(character.isdigit() for character in core) or core in _NUMBER_WORDS)
