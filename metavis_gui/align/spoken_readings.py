"""What a transcript word sounds like, as tokens an aligner can look up: "$5" -> five dollars, "FBI" -> f. b. i.

One word of the transcript gives a list of readings (each a tuple of lower-case tokens), the most likely
first; the aligner gets all of them as alternative pronunciations of the one word, so it never has to
guess how "1500" or "US" was said, and the word stays one word. A token ending in "." is a spelled
letter ("f."). An empty list means nothing to pronounce ("--", "[Music]"): such a word keeps its
engine times.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable

from metavis_gui.align.number_words import (
    cardinal_words,
    decimal_readings,
    integer_readings,
    ordinal_words,
)

Reading = tuple[str, ...]
IsKnownWord = Callable[[str], bool]

MAX_READINGS = 4
_EDGE_PUNCTUATION = "\"“”„«»‘’'`()[]{}<>,.;:!?¡¿…—–-*_/\\|~^"
_NON_SPEECH = re.compile(r"^[\[(♪*].*[\])♪*]$")
_PART_SEPARATORS = re.compile(r"[-–—/]+")
_CURRENCY_NAMES = {"$": ("dollar", "dollars"), "£": ("pound", "pounds"), "€": ("euro", "euros")}
_SYMBOL_WORDS = {"&": ("and",), "+": ("plus",), "@": ("at",), "=": ("equals",), "%": ("percent",), "#": ("number",)}
_INTEGER = re.compile(r"^\d+$")
_GROUPED_INTEGER = re.compile(r"^\d{1,3}(,\d{3})+$")
_DECIMAL = re.compile(r"^(\d*)\.(\d+)$")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_DECADE = re.compile(r"^'?(\d{2}|\d{4})'?s$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_LETTERS_AND_DIGITS = re.compile(r"[a-z']+|\d+")
_DOTTED_LETTERS = re.compile(r"^([a-z]\.)+[a-z]?$")
_PLURAL_OF_NUMBER_WORD = {"six": "sixes", "hundred": "hundreds", "thousand": "thousands"}


def spoken_readings(text: str, is_known: IsKnownWord) -> list[Reading]:
    """The readings of one transcript word; `is_known` says whether the pronouncing dictionary has a token."""
    cleaned = _plain_text(text)
    if not cleaned or _NON_SPEECH.match(cleaned):
        return []
    core = cleaned.strip(_EDGE_PUNCTUATION)
    if not core:
        return []
    parts = [part for part in _PART_SEPARATORS.split(core) if part]
    part_readings = [_part_readings(part, is_known) for part in parts]
    part_readings = [readings for readings in part_readings if readings]
    if not part_readings:
        return []
    combined = [tuple(itertools.chain.from_iterable(choice)) for choice in itertools.product(*part_readings)]
    joined = "".join(part.lower() for part in parts)
    if len(parts) > 1 and joined.isalpha() and is_known(joined):
        combined.insert(0, (joined,))  # "Ameri-cans": a word the engine split, said as one
    return list(dict.fromkeys(combined))[:MAX_READINGS]


def _plain_text(text: str) -> str:
    """NFKC, typographic apostrophes made plain, accents dropped ("café" -> "cafe")."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("ʼ", "'").strip()
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(character for character in decomposed if unicodedata.category(character) != "Mn")


def _part_readings(part: str, is_known: IsKnownWord) -> list[Reading]:
    """Readings of one piece between hyphens or slashes."""
    part = part.strip(_EDGE_PUNCTUATION)
    if not part:
        return []
    if part in _SYMBOL_WORDS:
        return [_SYMBOL_WORDS[part]]
    if part[0] in _CURRENCY_NAMES:
        return _money_readings(part[0], part[1:])
    if part.endswith("%"):
        return [reading + ("percent",) for reading in _number_readings(part[:-1])] or []
    numbers = _number_readings(part.lower())
    if numbers:
        return numbers
    if _DOTTED_LETTERS.match(part.lower()):
        return [_spelled(part)]
    if _is_acronym(part):
        word = part.lower()
        return [(word,), _spelled(part)] if is_known(word) and _has_vowel(word) else [_spelled(part)]
    return _word_readings(part.lower(), is_known)


def _word_readings(word: str, is_known: IsKnownWord) -> list[Reading]:
    if is_known(word):
        return [(word,)]
    pieces = _LETTERS_AND_DIGITS.findall(word)
    if not pieces:
        return []
    if len(pieces) == 1:
        return [(pieces[0],)]  # out of the dictionary: the lexicon gives it a pronunciation
    readings_per_piece = [_number_readings(piece)[:1] or [_piece_reading(piece, is_known)] for piece in pieces]
    return [tuple(itertools.chain.from_iterable(choice)) for choice in itertools.product(*readings_per_piece)]


def _number_readings(text: str) -> list[Reading]:
    text = text.lstrip("#")
    if _INTEGER.match(text):
        return integer_readings(text)
    if _GROUPED_INTEGER.match(text):
        return [cardinal_words(int(text.replace(",", "")))]
    if match := _DECIMAL.match(text.replace(",", "")):
        return decimal_readings(match.group(1), match.group(2))
    if match := _ORDINAL.match(text):
        return [ordinal_words(int(match.group(1)))]
    if match := _DECADE.match(text):
        return [_decade(reading) for reading in integer_readings(match.group(1))[:1]]
    if match := _CLOCK.match(text):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if minutes == 0:
            return [cardinal_words(hours) + ("o'clock",), cardinal_words(hours) + ("hundred",), cardinal_words(hours)]
        middle = ("oh",) if minutes < 10 else ()
        return [cardinal_words(hours) + middle + cardinal_words(minutes)]
    return []


def _money_readings(symbol: str, amount: str) -> list[Reading]:
    singular, plural = _CURRENCY_NAMES[symbol]
    amount = amount.replace(",", "")
    if match := _DECIMAL.match(amount):
        whole = cardinal_words(int(match.group(1) or "0"))
        cents = cardinal_words(int(match.group(2)[:2].ljust(2, "0")))
        unit = singular if whole == ("one",) else plural
        return [whole + (unit,) + cents, whole + (unit, "and") + cents + ("cents",), whole + cents]
    if _INTEGER.match(amount):
        number = int(amount)
        # The unit goes last when a scale word follows ("$5 million" is said "five million dollars").
        return [cardinal_words(number) + (singular if number == 1 else plural,), cardinal_words(number)]
    return [(plural,)] if not amount else []


def _decade(reading: Reading) -> Reading:
    *head, last = reading
    if last in _PLURAL_OF_NUMBER_WORD:
        return (*head, _PLURAL_OF_NUMBER_WORD[last])
    if last.endswith("y"):
        return (*head, last[:-1] + "ies")
    return (*head, last + "s")


def _piece_reading(piece: str, is_known: IsKnownWord) -> Reading:
    """A letter run inside "mp3" or "4k": a word if it is one, else spelled when it has no vowel."""
    return (piece,) if is_known(piece) or _has_vowel(piece) else _spelled(piece)


def _has_vowel(word: str) -> bool:
    return any(letter in "aeiouy" for letter in word)


def _is_acronym(part: str) -> bool:
    return 2 <= len(part) <= 6 and part.isalpha() and part.isupper()


def _spelled(part: str) -> Reading:
    return tuple(f"{letter}." for letter in part.lower() if letter.isalpha())
