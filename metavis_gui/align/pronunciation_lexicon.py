"""One aligner word per transcript word: its name in the align text and the pronunciations to add for it.

A transcript word that is a plain dictionary word is aligned as itself, with every pronunciation the
dictionary gives it ("the" and "the(2)") to add: the decoder starts with no words of its own. Anything
else ("1989", "well-known", "FBI", a name) becomes one made-up dictionary word whose pronunciations are
its readings' phones run together, so each transcript word is exactly one aligner word and the result
maps back one to one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from metavis_gui.align.grapheme_to_phoneme import predicted_phones
from metavis_gui.align.spoken_readings import Reading, spoken_readings

LookUpPhones = Callable[[str], str | None]
PredictPhones = Callable[[str], tuple[str, ...]]

MAX_DICTIONARY_VARIANTS = 4
MAX_PRONUNCIATIONS = 6
MAX_COMBINATIONS_PER_READING = 3
LETTER_PHONES = {
    "a": "EY", "b": "B IY", "c": "S IY", "d": "D IY", "e": "IY", "f": "EH F", "g": "JH IY", "h": "EY CH",
    "i": "AY", "j": "JH EY", "k": "K EY", "l": "EH L", "m": "EH M", "n": "EH N", "o": "OW", "p": "P IY",
    "q": "K Y UW", "r": "AA R", "s": "EH S", "t": "T IY", "u": "Y UW", "v": "V IY", "w": "D AH B AH L Y UW",
    "x": "EH K S", "y": "W AY", "z": "Z IY",
}  # fmt: skip
_SIBILANTS = {"S", "Z", "SH", "ZH", "CH", "JH"}
_VOICELESS = {"P", "T", "K", "F", "TH", "HH"}
_CLITIC_PHONES = {"n't": "N T", "'ll": "L", "'re": "ER", "'ve": "V", "'d": "D", "'m": "M"}


def no_prediction(_: str) -> tuple[str, ...]:
    """For acoustic models without grapheme-to-phoneme: words the dictionary lacks stay unaligned."""
    return ()


@dataclass(frozen=True)
class AlignerWord:
    """`name` goes into the align text; `added_pronunciations` (phone strings) must be added under it first,
    the first as `name`, the next as `name(2)`, ..."""

    name: str
    added_pronunciations: tuple[str, ...] = ()
    predicted: bool = False  # some of its phones came from grapheme-to-phoneme, not the dictionary


class PronunciationLexicon:
    def __init__(self, look_up: LookUpPhones, predict: PredictPhones = predicted_phones) -> None:
        self._look_up = look_up
        self._predict = predict
        self._predicted_tokens: set[str] = set()

    def is_known(self, token: str) -> bool:
        return self._look_up(token) is not None

    def aligner_word(self, text: str) -> AlignerWord | None:
        """None when the word has nothing to pronounce (punctuation, "[Music]")."""
        readings = spoken_readings(text, self.is_known)
        if len(readings) == 1 and len(readings[0]) == 1 and self.is_known(readings[0][0]):
            return AlignerWord(readings[0][0], tuple(self._dictionary_variants(readings[0][0], every=True)))
        pronunciations: list[str] = []
        kept: list[Reading] = []
        for reading in readings:
            phones = self._reading_pronunciations(reading)
            if phones:
                kept.append(reading)
                pronunciations.extend(phones)
        if not pronunciations:
            return None
        name = "|".join("+".join(reading) for reading in kept)
        predicted = any(token in self._predicted_tokens for reading in kept for token in reading)
        return AlignerWord(name, tuple(dict.fromkeys(pronunciations))[:MAX_PRONUNCIATIONS], predicted)

    def token_pronunciations(self, token: str) -> list[str]:
        if token.endswith(".") and token[:-1] in LETTER_PHONES:
            return [LETTER_PHONES[token[:-1]]]
        known = self._dictionary_variants(token)
        if known:
            return known
        for clitic, phones in (("'s", None), *_CLITIC_PHONES.items()):
            base = token.removesuffix(clitic)
            if base != token and base and (base_variants := self._dictionary_variants(base)):
                return [f"{variant} {phones or _possessive_phones(variant)}" for variant in base_variants]
        predicted = self._predict(token)
        if predicted:
            self._predicted_tokens.add(token)
            return [" ".join(predicted)]
        return []

    def _reading_pronunciations(self, reading: Reading) -> list[str]:
        per_token = [self.token_pronunciations(token) for token in reading]
        if not all(per_token):
            return []
        combinations = itertools.islice(itertools.product(*per_token), MAX_COMBINATIONS_PER_READING)
        return [" ".join(combination) for combination in combinations]

    def _dictionary_variants(self, token: str, *, every: bool = False) -> list[str]:
        """The dictionary's pronunciations of `token`: the first MAX_DICTIONARY_VARIANTS, or `every` one."""
        first = self._look_up(token)
        if first is None:
            return []
        variants = [first]
        for number in itertools.count(2) if every else range(2, MAX_DICTIONARY_VARIANTS + 1):
            variant = self._look_up(f"{token}({number})")
            if variant is None:
                break
            variants.append(variant)
        return variants


def _possessive_phones(base_phones: str) -> str:
    last = base_phones.split()[-1]
    if last in _SIBILANTS:
        return "IH Z"
    return "S" if last in _VOICELESS else "Z"
