"""What the aligner is told a word sounds like: numbers, symbols, acronyms, hyphens, contractions, names."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metavis_gui.align.acoustic_models import acoustic_model_for
from metavis_gui.align.grapheme_to_phoneme import checkpoint_path, predicted_phones
from metavis_gui.align.number_words import cardinal_words, ordinal_words, year_words
from metavis_gui.align.pronunciation_lexicon import PronunciationLexicon
from metavis_gui.align.spoken_readings import spoken_readings

ARPABET = {
    "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH",
    "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
}  # fmt: skip


@cache
def dictionary() -> dict[str, str]:
    """The en-us pronouncing dictionary as pocketsphinx reads it (word, or word(2), to phones)."""
    model = acoustic_model_for("en")
    assert model is not None
    entries = {}
    for line in Path(model.dictionary_path).read_text(encoding="utf-8").splitlines():
        word, _, phones = line.partition(" ")
        entries[word] = phones.strip()
    return entries


def lexicon() -> PronunciationLexicon:
    return PronunciationLexicon(dictionary().get)


@pytest.mark.parametrize(
    ("text", "first_reading"),
    [
        ("1989,", ("nineteen", "eighty", "nine")),
        ("2005", ("two", "thousand", "five")),
        ("1900", ("nineteen", "hundred")),
        ("3.5", ("three", "point", "five")),
        ("21st", ("twenty", "first")),
        ("$5", ("five", "dollars")),
        ("$1", ("one", "dollar")),
        ("40%", ("forty", "percent")),
        ("1,000", ("one", "thousand")),
        ("10:30", ("ten", "thirty")),
        ("1990s", ("nineteen", "nineties")),
        ("RNLI", ("r.", "n.", "l.", "i.")),
        ("U.S.", ("u.", "s.")),
        ("well-known", ("well", "known")),
        ("Ameri-cans,", ("americans",)),
        ("don't", ("don't",)),
        ("“Hello!”", ("hello",)),
        ("café", ("cafe",)),
        ("&", ("and",)),
    ],
)
def test_readings(text: str, first_reading: tuple[str, ...]) -> None:
    assert spoken_readings(text, lambda token: token in dictionary())[0] == first_reading


@pytest.mark.parametrize("text", ["--", "...", "[Music]", "(laughs)", "♪", "—"])
def test_nothing_to_pronounce(text: str) -> None:
    assert spoken_readings(text, lambda token: token in dictionary()) == []
    assert lexicon().aligner_word(text) is None


def test_a_number_read_two_ways_gets_both_pronunciations() -> None:
    word = lexicon().aligner_word("1500")
    assert word is not None
    assert word.name == "fifteen+hundred|one+thousand+five+hundred"
    assert word.added_pronunciations[0] == "F IH F T IY N HH AH N D R AH D"
    assert any(phones.startswith("W AH N TH AW Z AH N D") for phones in word.added_pronunciations)


def test_a_dictionary_word_is_aligned_as_itself_with_every_pronunciation_the_dictionary_gives() -> None:
    word = lexicon().aligner_word("Country,")
    assert word is not None and (word.name, word.added_pronunciations) == ("country", ("K AH N T R IY",))
    the = lexicon().aligner_word("The")
    assert the is not None and (the.name, the.added_pronunciations) == ("the", ("DH AH", "DH IY"))


def test_an_unknown_name_gets_a_predicted_pronunciation() -> None:
    word = lexicon().aligner_word("Okonkwo-Hale")
    assert word is not None and word.predicted
    assert word.added_pronunciations[0].endswith("HH EY L")
    assert set(" ".join(word.added_pronunciations).split()) <= ARPABET


def test_an_acronym_the_dictionary_knows_may_be_said_either_way() -> None:
    assert spoken_readings("FBI", lambda token: token in dictionary()) == [("fbi",), ("f.", "b.", "i.")]
    assert spoken_readings("NASA", lambda token: token in dictionary())[0] == ("nasa",)


def test_clitics_of_a_known_word_follow_its_last_sound() -> None:
    known = {"lake": "L EY K", "horse": "HH AO R S", "dog": "D AO G"}
    reads = PronunciationLexicon(known.get, predict=lambda _: ()).token_pronunciations
    assert reads("lake's") == ["L EY K S"]
    assert reads("horse's") == ["HH AO R S IH Z"]
    assert reads("dog's") == ["D AO G Z"]
    assert reads("dog'll") == ["D AO G L"]
    assert reads("cat's") == []  # neither known nor predictable here


def test_grapheme_to_phoneme_runs_from_the_wheel_without_nltk() -> None:
    assert checkpoint_path().name == "checkpoint20.npz"
    assert predicted_phones("Vanterpool") == ("V", "AE", "N", "T", "ER", "P", "AO", "L")
    assert predicted_phones("123") == ()
    import sys

    assert "nltk" not in sys.modules and "g2p_en" not in sys.modules


def test_number_words() -> None:
    assert cardinal_words(0) == ("zero",)
    assert cardinal_words(101) == ("one", "hundred", "one")
    assert cardinal_words(2_000_017) == ("two", "million", "seventeen")
    assert ordinal_words(12) == ("twelfth",)
    assert ordinal_words(40) == ("fortieth",)
    assert year_words(2023) == ("twenty", "twenty", "three")
    assert year_words(1905) == ("nineteen", "oh", "five")
    assert year_words(999) is None


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=24))
def test_any_text_gives_a_usable_aligner_word_or_none(text: str) -> None:
    word = lexicon().aligner_word(text)
    if word is None:
        return
    assert word.name and not any(character.isspace() or character in "()" for character in word.name)
    for phones in word.added_pronunciations:
        assert phones and set(phones.split()) <= ARPABET
