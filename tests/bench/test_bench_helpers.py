"""The benchmarks' pure helpers: statistics, word matching, known-boundary speech, the DTW rule copy.

No timing is asserted here: speed lives in bench/ only.
"""

from __future__ import annotations

import json
import shutil
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH_DIR))

from bench_common import format_table, median, percentile
from known_boundary_speech import (
    SAMPLE_RATE,
    TruthWord,
    join_words,
    make_known_boundary_speech,
    script_words,
    trimmed_bounds,
)
from pipeline_overhead import interleaved_order, overhead_row_values
from timing_errors import TimedWord, match_words, normalized_word, pause_after, pause_before, summarize
from word_timing_rules import DtwRule, dtw_as_token_start, read_token_words

from metavis_gui.engines.whisper_cpp_json import WordTimingMode, parse_whisper_cpp_json


@pytest.mark.parametrize("values", [[3.0], [5.0, 1.0], [1.0, 9.0, 2.0, 7.0, 4.0], list(np.arange(21.0) ** 1.5)])
def test_median_and_percentile_match_numpy(values: list[float]) -> None:
    assert median(values) == pytest.approx(float(np.median(values)))
    for fraction in (0.0, 0.5, 0.9, 0.95, 1.0):
        assert percentile(values, fraction) == pytest.approx(float(np.percentile(values, fraction * 100)))


def test_summary_of_errors() -> None:
    summary = summarize([-30.0, 10.0, 20.0, -100.0])
    assert summary.count == 4
    assert summary.median_abs_ms == 25.0
    assert summary.mean_signed_ms == -25.0
    assert summary.p95_abs_ms == pytest.approx(float(np.percentile([30, 10, 20, 100], 95)))


def test_table_aligns_columns() -> None:
    table = format_table(["mode", "ms"], [["token", 5], ["dtw", 120]]).splitlines()
    assert table[0] == "mode    ms"
    assert table[2:] == ["token    5", "dtw    120"]


def test_words_are_normalized_and_matched_by_text() -> None:
    assert normalized_word(" Evening,") == "evening"
    assert normalized_word("don\u2019t") == "don't"
    assert normalized_word("--") == ""
    truth = [TruthWord("The", 0.0, 0.3), TruthWord("old", 0.4, 0.8), TruthWord("lighthouse", 0.9, 1.5)]
    recognized = [TimedWord("Old,", 0.35, 0.85), TimedWord("-", 0.85, 0.86), TimedWord("lighthouse.", 0.9, 1.4)]
    pairs = match_words(truth, recognized)
    assert [(pair.truth_index, pair.recognized.text) for pair in pairs] == [(1, "Old,"), (2, "lighthouse.")]
    assert pairs[0].start_error_ms == pytest.approx(-50)
    assert pairs[1].end_error_ms == pytest.approx(-100)
    assert pause_before(truth, 0) == 0.0
    assert pause_before(truth, 1) == pytest.approx(0.1)
    assert pause_after(truth, 2) == float("inf")


def test_an_amount_with_its_currency_sign_is_matched_to_the_amount_and_the_currency_word_said_after_it() -> None:
    truth = [TruthWord("cost", 0.0, 0.3), TruthWord("120", 0.3, 1.1), TruthWord("dollars.", 1.1, 1.6)]
    pairs = match_words(truth, [TimedWord("cost", 0.0, 0.3), TimedWord("$120.", 0.3, 1.6)])
    assert [(pair.truth_index, pair.truth.end_seconds) for pair in pairs] == [(0, 0.3), (1, 1.6)]
    written_out = match_words(truth, [TimedWord("120", 0.3, 1.1), TimedWord("dollars", 1.1, 1.6)])
    assert [(pair.truth_index, pair.truth.end_seconds) for pair in written_out] == [(1, 1.1), (2, 1.6)]


def test_pause_schedule_is_fixed_and_follows_the_rules() -> None:
    words = script_words()
    assert words == script_words()
    assert 60 <= len(words) <= 120
    for word in words[:-1]:
        pause_ms = round(word.pause_after_seconds * 1000)
        if word.ends_phrase:
            assert 300 <= pause_ms <= 800
        else:
            assert pause_ms == 0 or 50 <= pause_ms <= 150
    assert any(word.pause_after_seconds == 0 for word in words)


def test_trim_and_join_place_words_to_the_sample() -> None:
    clip = np.zeros(100, dtype=np.int16)
    clip[10] = 50  # below -40 dB of the peak: counts as silence
    clip[20], clip[30], clip[60] = 1000, -10000, 200
    assert trimmed_bounds(clip) == (20, 61)
    samples, ranges = join_words([clip[20:61], clip[20:61]], [0.01, 0.0], leading_silence_seconds=0.5)
    assert ranges == [(8000, 8041), (8041 + 160, 8041 + 160 + 41)]
    assert len(samples) == ranges[-1][1]
    assert samples[8000] == 1000 and samples[8040] == 200 and not samples[8041:8201].any()


@pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None, reason="needs espeak-ng")
def test_known_boundary_speech_truth_matches_the_audio(tmp_path: Path) -> None:
    wav_path, truth = make_known_boundary_speech(tmp_path)
    with wave.open(str(wav_path), "rb") as reader:
        assert reader.getframerate() == SAMPLE_RATE and reader.getnchannels() == 1
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    speech = np.zeros(len(samples), dtype=bool)
    for word in truth:
        start, end = round(word.start_seconds * SAMPLE_RATE), round(word.end_seconds * SAMPLE_RATE)
        assert start == word.start_seconds * SAMPLE_RATE and samples[start] != 0 and samples[end - 1] != 0
        speech[start:end] = True
    assert not samples[~speech].any(), "only the words' own samples may be non-zero"
    document = json.loads(wav_path.with_suffix(".truth.json").read_text())
    assert [item["text"] for item in document["words"]] == [word.text for word in truth]


def _fake_whisper_json(path: Path) -> Path:
    def token(text: str, start_ms: int, end_ms: int, dtw: int, token_id: int = 100) -> dict:
        return {"text": text, "offsets": {"from": start_ms, "to": end_ms}, "id": token_id, "p": 0.9, "t_dtw": dtw}

    segments = [
        {"offsets": {"from": 0, "to": 2000}, "text": " Ask not, what", "tokens": [
            token("[_BEG_]", 0, 0, -1, 50363), token(" Ask", 300, 600, 70), token(" not", 600, 900, 95),
            token(",", 900, 900, 130), token(" what", 1400, 1700, 175), token("[_TT_100]", 2000, 2000, -1, 50463),
        ]},
        {"offsets": {"from": 2000, "to": 3000}, "text": " you can.", "tokens": [
            token(" you", 2100, 2400, 245), token(" can", 2400, 2700, 262), token(".", 2700, 2700, 280),
        ]},
    ]  # fmt: skip
    path.write_text(json.dumps({"model": {"multilingual": False}, "transcription": segments}), encoding="utf-8")
    return path


def test_the_bench_dtw_rule_is_the_app_rule(tmp_path: Path) -> None:
    path = _fake_whisper_json(tmp_path / "fake.json")
    app = [
        (w.text, w.start_ticks / 60000, w.end_ticks / 60000)
        for w in parse_whisper_cpp_json(path, WordTimingMode.DTW).words
    ]
    app_rule = DtwRule(spoken_only=True, end_ceiling="token", pause_edges="punctuation")
    bench = [(w.text, w.start_seconds, w.end_seconds) for w in app_rule(read_token_words(path))]
    assert [text for text, _, _ in bench] == ["Ask", "not,", "what", "you", "can."]
    assert len(bench) == len(app)
    for (app_text, app_start, app_end), (text, start, end) in zip(app, bench):
        assert text == app_text and start == pytest.approx(app_start) and end == pytest.approx(app_end)
    # "not," ends at its spoken token's t_dtw (0.95), not at the comma's (1.30), which takes the pause,
    # and that is capped by the token heuristic's end (0.90).
    assert bench[1] == ("not,", 0.70, 0.90)


def test_experimental_rules(tmp_path: Path) -> None:
    words = read_token_words(_fake_whisper_json(tmp_path / "fake.json"))
    spoken = [(w.text, w.start_seconds, w.end_seconds) for w in DtwRule(spoken_only=True)(words)]
    # "not," ends at its own t_dtw (0.95), not at the comma's (1.30); "what" then starts there.
    assert spoken[1] == ("not,", 0.70, 0.95) and spoken[2][1] == 0.95
    proposed = DtwRule(spoken_only=True, end_ceiling="token", pause_edges="punctuation")(words)
    # The ceiling cuts "Ask" at its token end (0.60); after the comma "what" starts at its token start (1.40).
    assert (proposed[0].start_seconds, proposed[0].end_seconds) == (0.30, 0.60)
    assert proposed[2].start_seconds == 1.40
    as_start = dtw_as_token_start(words)
    assert (as_start[0].start_seconds, as_start[0].end_seconds) == (0.70, 0.95)


def test_runs_are_interleaved_and_compared() -> None:
    names = ["bare", "bare-token", "pipeline"]
    assert [interleaved_order(names, repetition)[0] for repetition in range(4)] == [
        "bare",
        "bare-token",
        "pipeline",
        "bare",
    ]
    assert overhead_row_values([2.0, 1.0, 3.0], [3.0, 2.5, 4.0]) == (2.0, 3.0, 1.5, 1.0)
