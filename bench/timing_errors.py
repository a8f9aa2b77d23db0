"""Matching recognized words to known words, and how far their times are off."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from bench_common import mean, median, percentile
from known_boundary_speech import TruthWord

_NOT_WORD_CHARACTERS = re.compile(r"[^a-z0-9']+")
_CURRENCY_SIGNS = ("$", "\u00a3", "\u20ac")
_CURRENCY_WORDS = {"dollar", "dollars", "pound", "pounds", "euro", "euros"}


@dataclass(frozen=True)
class TimedWord:
    text: str
    start_seconds: float
    end_seconds: float


@dataclass(frozen=True)
class MatchedWord:
    truth_index: int
    truth: TruthWord
    recognized: TimedWord

    @property
    def start_error_ms(self) -> float:
        return (self.recognized.start_seconds - self.truth.start_seconds) * 1000

    @property
    def end_error_ms(self) -> float:
        return (self.recognized.end_seconds - self.truth.end_seconds) * 1000


@dataclass(frozen=True)
class ErrorSummary:
    count: int
    median_abs_ms: float
    p95_abs_ms: float
    mean_signed_ms: float


def normalized_word(text: str) -> str:
    """Lower case, punctuation dropped (an apostrophe inside a word stays): 'Evening,' -> 'evening'."""
    return _NOT_WORD_CHARACTERS.sub("", text.lower().replace("\u2019", "'")).strip("'")


def match_words(truth: Sequence[TruthWord], recognized: Sequence[TimedWord]) -> list[MatchedWord]:
    """Pairs of equal words in the longest matching blocks of the two word lists; the rest is left out.

    An amount written with its currency sign ("$120.") says the currency word too: where the text has the
    two ("120 dollars."), the pair's truth spans both, as the recognized word's sound does."""
    kept = [word for word in recognized if normalized_word(word.text)]
    matcher = SequenceMatcher(
        None,
        [normalized_word(word.text) for word in truth],
        [normalized_word(word.text) for word in kept],
        autojunk=False,
    )
    pairs: list[MatchedWord] = []
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            index = block.a + offset
            pairs.append(MatchedWord(truth_index=index, truth=truth[index], recognized=kept[block.b + offset]))
    matched = {pair.truth_index for pair in pairs}
    return [_with_said_currency(pair, truth, matched) for pair in pairs]


def _with_said_currency(pair: MatchedWord, truth: Sequence[TruthWord], matched: set[int]) -> MatchedWord:
    following = pair.truth_index + 1
    if (
        not pair.recognized.text.lstrip("\"'(").startswith(_CURRENCY_SIGNS)
        or following >= len(truth)
        or following in matched
        or normalized_word(truth[following].text) not in _CURRENCY_WORDS
    ):
        return pair
    said = TruthWord(
        f"{pair.truth.text} {truth[following].text}", pair.truth.start_seconds, truth[following].end_seconds
    )
    return MatchedWord(pair.truth_index, said, pair.recognized)


def summarize(errors_ms: Sequence[float]) -> ErrorSummary:
    magnitudes = [abs(error) for error in errors_ms]
    return ErrorSummary(
        count=len(errors_ms),
        median_abs_ms=median(magnitudes),
        p95_abs_ms=percentile(magnitudes, 0.95),
        mean_signed_ms=mean(errors_ms),
    )


def pause_before(truth: Sequence[TruthWord], index: int) -> float:
    """Seconds of silence before truth[index] (from the file's start for the first word)."""
    return truth[index].start_seconds - (truth[index - 1].end_seconds if index > 0 else 0.0)


def pause_after(truth: Sequence[TruthWord], index: int) -> float:
    """Seconds of silence after truth[index] (infinite for the last word: the file ends in silence)."""
    return truth[index + 1].start_seconds - truth[index].end_seconds if index + 1 < len(truth) else float("inf")
