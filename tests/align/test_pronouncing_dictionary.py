"""The pronouncing dictionary the aligner reads itself, so its decoder starts with no words."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from metavis_gui.align.acoustic_models import acoustic_model_for
from metavis_gui.align.pronouncing_dictionary import PronouncingDictionary

WORD_LETTERS = st.text(alphabet="abcde'.-", min_size=1, max_size=6)


def _bundled() -> Path:
    model = acoustic_model_for("en")
    assert model is not None and model.dictionary_sorted
    return model.dictionary_path


def _entries(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(name, " ".join(phones)) for name, *phones in (line.split() for line in lines if line.strip())]


def test_the_bundled_dictionary_is_in_the_order_bisection_needs_and_every_entry_is_found() -> None:
    path = _bundled()
    dictionary = PronouncingDictionary.read(path, sorted_by_word=True)
    entries = _entries(path)
    assert len(entries) > 100_000
    for name, phones in entries[::5] + entries[-3:]:
        assert dictionary.look_up(name) == phones, name


def test_words_and_variants_the_bundled_dictionary_lacks_are_none() -> None:
    dictionary = PronouncingDictionary.read(_bundled(), sorted_by_word=True)
    assert dictionary.look_up("the(2)") == "DH IY"
    for missing in ("the(5)", "zzzzqx", "", "Country", "a(0)", "okonkwo"):
        assert dictionary.look_up(missing) is None, missing


def test_an_unsorted_dictionary_is_indexed(tmp_path: Path) -> None:
    path = tmp_path / "words.dict"
    path.write_text(
        "## a comment line\nzebra Z IY B R AH\napple\tAE P AH L\n\nbanana B AH N AE N AH\napple(2) AA P AH L\n"
        "zebra Z EH B R AH\n",
        encoding="utf-8",
    )
    dictionary = PronouncingDictionary.read(path)
    assert dictionary.look_up("apple") == "AE P AH L"
    assert dictionary.look_up("apple(2)") == "AA P AH L"
    assert dictionary.look_up("zebra") == "Z IY B R AH"  # the first entry of a name, as pocketsphinx keeps it
    assert dictionary.look_up("cherry") is None


@settings(max_examples=200, deadline=None)
@given(
    words=st.dictionaries(WORD_LETTERS, st.integers(min_value=1, max_value=3), min_size=1, max_size=40),
    probes=st.lists(WORD_LETTERS, max_size=20),
)
def test_bisection_finds_what_a_full_index_finds(words: dict[str, int], probes: list[str]) -> None:
    names = [
        name if number == 1 else f"{name}({number})" for name in sorted(words) for number in range(1, words[name] + 1)
    ]
    text = "".join(f"{name} P{index} AH\n" for index, name in enumerate(names)).encode()
    sorted_dictionary = PronouncingDictionary(text, sorted_by_word=True)
    indexed = PronouncingDictionary(text, sorted_by_word=False)
    for name in [*names, *probes, *(f"{probe}(2)" for probe in probes)]:
        assert sorted_dictionary.look_up(name) == indexed.look_up(name), name
