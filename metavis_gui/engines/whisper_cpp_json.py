"""Parsing whisper-cli's -ojf JSON into words.

whisper-cli prints one token per entry; a token whose text starts with a space starts a new word.
Special tokens ([_BEG_], [_TT_n], ids >= end-of-text) carry no text. Only '"' and '\\' are escaped
in its strings, so raw control characters and split UTF-8 sequences must be tolerated.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from metavis_gui.contract.ticks import ticks_from_seconds
from metavis_gui.engines.errors import EngineFailed
from metavis_gui.timeline.transcript import Transcript, TranscriptWord

END_OF_TEXT_TOKEN_ID = {False: 50256, True: 50257}  # keyed by "multilingual"
_NON_SPEECH_ANNOTATION = re.compile(r"^[\[(].*[\])]$")


class WordTimingMode(str, Enum):
    """Where word times come from. DTW needs -nfa and an alignment-heads preset for the model."""

    TOKEN = "token"  # whisper.cpp's heuristic token timestamps
    DTW = "dtw"  # cross-attention DTW: t_dtw marks the moment the next token starts
    DTW_TOKEN_STARTS = "dtw-token-starts"  # DTW ends; starts no earlier than the token heuristic's


@dataclass
class _WordBuilder:
    text_bytes: bytearray = field(default_factory=bytearray)
    probabilities: list[float] = field(default_factory=list)
    token_start_ms: int | None = None
    token_end_ms: int | None = None
    dtw_end_cs: int | None = None
    segment_index: int = 0


def parse_whisper_cpp_json(path: Path, timing_mode: WordTimingMode) -> Transcript:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise EngineFailed(f"whisper.cpp wrote no readable output at {path} ({error}).") from error
    try:
        document = json.loads(raw.decode("utf-8", "surrogateescape"), strict=False)
    except json.JSONDecodeError as error:
        raise EngineFailed(f"whisper.cpp's output {path} is not valid JSON ({error}).") from error
    if not isinstance(document, dict) or not isinstance(document.get("transcription"), list):
        raise EngineFailed(f"whisper.cpp's output {path} has no transcription list.")
    multilingual = bool((document.get("model") or {}).get("multilingual", False))
    end_of_text = END_OF_TEXT_TOKEN_ID[multilingual]
    builders = _collect_words(document["transcription"], end_of_text)
    words = _timed_words(builders, document["transcription"], timing_mode)
    language = (document.get("result") or {}).get("language") or None
    return Transcript(words=tuple(words), language=language)


def _collect_words(segments: list, end_of_text: int) -> list[_WordBuilder]:
    builders: list[_WordBuilder] = []
    for segment_index, segment in enumerate(segments):
        current: _WordBuilder | None = None
        for token in segment.get("tokens") or []:
            text = str(token.get("text", ""))
            token_id = int(token.get("id", 0))
            if token_id >= end_of_text or text.startswith("[_"):
                continue
            encoded = text.encode("utf-8", "surrogateescape")
            if current is None or encoded.startswith(b" "):
                current = _WordBuilder(segment_index=segment_index)
                builders.append(current)
            current.text_bytes += encoded
            current.probabilities.append(float(token.get("p", 1.0)))
            offsets = token.get("offsets")
            if isinstance(offsets, dict):
                if current.token_start_ms is None:
                    current.token_start_ms = int(offsets["from"])
                current.token_end_ms = int(offsets["to"])
            dtw = token.get("t_dtw", -1)
            if dtw is not None and float(dtw) >= 0:
                current.dtw_end_cs = int(float(dtw))
    return [builder for builder in builders if _word_text(builder)]


def _timed_words(builders: list[_WordBuilder], segments: list, timing_mode: WordTimingMode) -> list[TranscriptWord]:
    words: list[TranscriptWord] = []
    previous_end_ticks = 0
    previous_segment = -1
    for builder in builders:
        segment_start_ms = int(((segments[builder.segment_index].get("offsets") or {}).get("from", 0)))
        token_start = ticks_from_seconds((builder.token_start_ms or segment_start_ms) / 1000)
        token_end = ticks_from_seconds((builder.token_end_ms or segment_start_ms) / 1000)
        if timing_mode is not WordTimingMode.TOKEN and builder.dtw_end_cs is not None:
            end_ticks = ticks_from_seconds(builder.dtw_end_cs / 100)
            # DTW has no word start: a word starts where the one before it ended, which swallows
            # pauses; the token heuristic sees some pauses, so that mode keeps the later of the two.
            start_ticks = previous_end_ticks if builder.segment_index == previous_segment else token_start
            if timing_mode is WordTimingMode.DTW_TOKEN_STARTS:
                start_ticks = max(start_ticks, min(token_start, end_ticks))
        else:
            start_ticks, end_ticks = token_start, token_end
        start_ticks = max(start_ticks, previous_end_ticks)
        end_ticks = max(end_ticks, start_ticks)
        text = _word_text(builder)
        if not _NON_SPEECH_ANNOTATION.match(text):
            words.append(
                TranscriptWord(
                    text=text,
                    start_ticks=start_ticks,
                    end_ticks=end_ticks,
                    confidence=_mean_probability(builder.probabilities),
                    segment_index=builder.segment_index,
                )
            )
        previous_end_ticks = end_ticks
        previous_segment = builder.segment_index
    return words


def _word_text(builder: _WordBuilder) -> str:
    return bytes(builder.text_bytes).decode("utf-8", "replace").strip()


def _mean_probability(probabilities: list[float]) -> float:
    if not probabilities:
        return 1.0
    mean = sum(probabilities) / len(probabilities)
    return min(1.0, max(0.0, round(mean, 6)))
