"""Alternative ways to turn whisper-cli's -ojf tokens into word times, tried against the app's parser.

The app's rules live in metavis_gui/engines/whisper_cpp_json.py (modes token and dtw).
These are candidates computed from the same JSON, so a better rule can be shown before it is adopted.
Each rule takes the words of one file (tokens grouped as the app groups them) and returns TimedWords.

What whisper.cpp's t_dtw means (src/whisper.cpp, whisper_exp_compute_token_level_timestamps_dtw):
the DTW matrix rows are [no-timestamps, text_1 .. text_n] (the SOT sequence and EOT are cut off), and
row r is the decoder step that *predicts* text token r+1. Walking the DTW path, the first time the path
enters row v (v = 1..n) is written to text token v, so t_dtw(token v) = the frame where the step after
it begins = the end of token v and the start of token v+1. OpenAI's timing.py reads the same path the
same way (jump_times[k] = start of token k+1).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from bench_common import median
from timing_errors import TimedWord

_END_OF_TEXT = {False: 50256, True: 50257}


@dataclass
class TokenTimes:
    text: str
    token_start_seconds: float
    token_end_seconds: float
    dtw_seconds: float | None


@dataclass
class TokenWord:
    segment_index: int
    segment_start_seconds: float
    segment_end_seconds: float
    tokens: list[TokenTimes] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(token.text for token in self.tokens).strip()

    @property
    def token_start(self) -> float:
        return self.tokens[0].token_start_seconds

    @property
    def token_end(self) -> float:
        return self.tokens[-1].token_end_seconds

    @property
    def dtw_first(self) -> float | None:
        return self.tokens[0].dtw_seconds

    @property
    def dtw_last(self) -> float | None:
        return self.tokens[-1].dtw_seconds

    @property
    def dtw_last_spoken(self) -> float | None:
        """t_dtw of the last token with a letter or digit: a trailing ',' or '.' token is not heard, and
        its t_dtw is where the *next* word's first token starts."""
        spoken = [token for token in self.tokens if any(character.isalnum() for character in token.text)]
        return (spoken or self.tokens)[-1].dtw_seconds


def read_token_words(json_path: Path) -> list[TokenWord]:
    """Words as the app groups them: a token starting with a space starts a word; specials dropped."""
    document = json.loads(json_path.read_bytes().decode("utf-8", "replace"), strict=False)
    end_of_text = _END_OF_TEXT[bool((document.get("model") or {}).get("multilingual", False))]
    words: list[TokenWord] = []
    for segment_index, segment in enumerate(document["transcription"]):
        offsets = segment.get("offsets") or {}
        current: TokenWord | None = None
        for token in segment.get("tokens") or []:
            text = str(token.get("text", ""))
            if int(token.get("id", 0)) >= end_of_text or text.startswith("[_"):
                continue
            if current is None or text.startswith(" "):
                current = TokenWord(segment_index, offsets.get("from", 0) / 1000, offsets.get("to", 0) / 1000)
                words.append(current)
            dtw = float(token.get("t_dtw", -1))
            current.tokens.append(
                TokenTimes(
                    text=text,
                    token_start_seconds=token["offsets"]["from"] / 1000,
                    token_end_seconds=token["offsets"]["to"] / 1000,
                    dtw_seconds=dtw / 100 if dtw >= 0 else None,
                )
            )
    return [word for word in words if word.text]


def _monotonic(words: list[TokenWord], spans: list[tuple[float, float]]) -> list[TimedWord]:
    """Starts never before the previous end, ends never before the start (as the app enforces)."""
    timed: list[TimedWord] = []
    previous_end = 0.0
    for word, (start, end) in zip(words, spans, strict=True):
        start = max(start, previous_end)
        end = max(end, start)
        timed.append(TimedWord(word.text, start, end))
        previous_end = end
    return timed


def dtw_as_token_start(words: list[TokenWord]) -> list[TimedWord]:
    """The other reading of t_dtw: a token's start. A word ends where the next word of its segment starts;
    the last word of a segment ends at its token-heuristic end."""
    spans = []
    for index, word in enumerate(words):
        start = word.dtw_first if word.dtw_first is not None else word.token_start
        following = words[index + 1] if index + 1 < len(words) else None
        if following is not None and following.segment_index == word.segment_index and following.dtw_first is not None:
            end = following.dtw_first
        else:
            end = max(start, word.token_end)
        spans.append((start, end))
    return _monotonic(words, spans)


@dataclass(frozen=True)
class DtwRule:
    """Plain DTW (end = the word's last t_dtw; start = the previous word's end in the same segment,
    else the token heuristic's start) with optional changes; the app's rule is
    DtwRule(spoken_only=True, end_ceiling="token", pause_edges="punctuation"):

    - shift_seconds: every t_dtw moved by this much (negative: earlier);
    - spoken_only: the end is the t_dtw of the word's last token with a letter or digit, so a trailing
      punctuation token (whose t_dtw is where the next word starts) is not counted;
    - start_floor: 'token' raises a start to the token heuristic's start;
      'cap' keeps a word no longer than twice the median word (as OpenAI's timing.py caps);
    - end_ceiling: 'token' lowers an end to the token heuristic's end when that lies after the start;
    - pause_edges: apply the token floor and ceiling only at pauses: 'punctuation' (the word before
      ends in , . ; : ! ? or its segment ends) or 'token-gap' (the token heuristic, which snaps to the
      signal's energy, leaves at least pause_gap_seconds between the two words, or the segment ends).
    """

    shift_seconds: float = 0.0
    spoken_only: bool = False
    start_floor: str | None = None
    end_ceiling: str | None = None
    pause_edges: str | None = None
    pause_gap_seconds: float = 0.0

    def __call__(self, words: list[TokenWord]) -> list[TimedWord]:
        ends = [self._dtw_end(word) for word in words]
        starts: list[float] = []
        for index, word in enumerate(words):
            same_segment = index > 0 and words[index - 1].segment_index == word.segment_index
            starts.append(ends[index - 1] if same_segment else word.token_start)
        if self.start_floor == "token":
            starts = [max(start, min(word.token_start, end)) for start, word, end in zip(starts, words, ends)]
        elif self.start_floor == "cap":
            typical = median([end - start for start, end in zip(starts, ends) if end > start]) or 0.0
            starts = [max(start, end - 2 * typical) for start, end in zip(starts, ends)]
        if self.end_ceiling == "token":
            ends = [min(end, word.token_end) if word.token_end > start else end
                    for start, end, word in zip(starts, ends, words)]  # fmt: skip
        if self.pause_edges is not None:
            for index, word in enumerate(words):
                if not self._pause_after(words, index):
                    continue
                if word.token_end > starts[index]:
                    ends[index] = min(ends[index], word.token_end)
                following = index + 1
                if following < len(words) and words[following].segment_index == word.segment_index:
                    token_start = min(words[following].token_start, ends[following])
                    starts[following] = max(starts[following], token_start)
        return _monotonic(words, list(zip(starts, ends)))

    def _pause_after(self, words: list[TokenWord], index: int) -> bool:
        word = words[index]
        if index + 1 == len(words) or words[index + 1].segment_index != word.segment_index:
            return True
        if self.pause_edges == "punctuation":
            return word.text[-1] in ",.;:!?"
        return words[index + 1].token_start - word.token_end >= self.pause_gap_seconds - 1e-9

    def _dtw_end(self, word: TokenWord) -> float:
        dtw = word.dtw_last_spoken if self.spoken_only else word.dtw_last
        return dtw + self.shift_seconds if dtw is not None else word.token_end
