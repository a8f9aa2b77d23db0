"""Refine never worsens the known-boundary set: whisper.cpp's raw word times, before and after refine_all.

Neither the medians nor any single edge: no edge that refine moves may end up more than
`WORSE_TOLERANCE_MS` farther from the truth than whisper.cpp put it.

The speech is the text of bench/known_boundary_speech.py, made the same way (each word synthesized
alone by espeak-ng, trimmed at -40 dB of its peak, joined with the script's known pauses), except that
each clip is resampled with numpy instead of one ffmpeg run a word, to keep this test fast. The whole
text, not its first sentence alone: the later sentences hold the edges that whisper.cpp puts more than
the window late (before refine_all weighed them, "when" ended 226 ms late and was moved 367 ms late).
"""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from difflib import SequenceMatcher
from pathlib import Path
from statistics import median

import numpy as np
import pytest

from metavis_gui import cli
from metavis_gui.contract import TICKS_PER_SECOND, read_words_jsonl
from metavis_gui.timeline.boundary_refinement import compute_speech_envelope, refine_all
from metavis_gui.timeline.editable_transcript import EditableTranscript
from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "bench"))
from known_boundary_speech import (
    DEFAULT_VOICE,
    DEFAULT_WORDS_PER_MINUTE,
    LEADING_SILENCE_SECONDS,
    SAMPLE_RATE,
    SENTENCES,
    TruthWord,
    join_words,
    script_words,
    trimmed_bounds,
)

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("engine_ready")]
# A snapped edge sits on the envelope's run edge, which is within a 10 ms hop of the true word edge (the
# truth is cut at -40 dB of each word's peak, the envelope 6 dB over the noise floor): an edge the engine
# had right may land a hop away. More than two hops worse means the edge went to the wrong pause.
WORSE_TOLERANCE_MS = 20


def resampled(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Band-limited resampling by truncating (or padding) the spectrum."""
    if from_rate == to_rate:
        return samples
    target_length = round(len(samples) * to_rate / from_rate)
    spectrum = np.fft.rfft(samples.astype(np.float64))
    kept = np.zeros(target_length // 2 + 1, complex)
    count = min(len(kept), len(spectrum))
    kept[:count] = spectrum[:count]
    return np.fft.irfft(kept, target_length) * (target_length / len(samples))


def synthesized_word(text: str, folder: Path) -> np.ndarray:
    path = folder / f"{text}.wav"
    subprocess.run(
        ["espeak-ng", "-w", str(path), "-v", DEFAULT_VOICE, "-s", str(DEFAULT_WORDS_PER_MINUTE), text],
        check=True,
        capture_output=True,
    )
    with wave.open(str(path), "rb") as reader:
        raw = np.frombuffer(reader.readframes(reader.getnframes()), "<i2")
        rate = reader.getframerate()
    clip = np.clip(np.round(resampled(raw, rate, SAMPLE_RATE)), -32768, 32767).astype(np.int16)
    first, end = trimmed_bounds(clip)
    return clip[first:end]


@pytest.fixture(scope="module")
def known_boundary_speech(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[TruthWord]]:
    folder = tmp_path_factory.mktemp("known-boundary")
    script = script_words(SENTENCES)
    clips = {word.text: synthesized_word(word.text, folder) for word in script}
    samples, ranges = join_words(
        [clips[word.text] for word in script], [word.pause_after_seconds for word in script], LEADING_SILENCE_SECONDS
    )
    wav_path = folder / "known-boundary-speech.wav"
    with wave.open(str(wav_path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        writer.writeframes(samples.astype("<i2").tobytes())
    truth = [TruthWord(word.text, start / SAMPLE_RATE, end / SAMPLE_RATE) for word, (start, end) in zip(script, ranges)]
    return wav_path, truth


def normalized(text: str) -> str:
    return "".join(character for character in text.lower() if character.isalnum() or character == "'")


def boundary_errors_ms(truth: list[TruthWord], transcript: EditableTranscript) -> tuple[list[float], list[float], int]:
    """|start error| and |end error| of the recognized words that match a known word by text.

    An edge next to a word the engine dropped or misheard is not judged: the engine's neighbouring word
    stands over that word's audio too ("But light" for "but the light": its start sits on "the"), so no
    edge of the audio is its true edge. Only edges inside a run of matching words count. Also returns how
    many words matched.
    """
    words = list(transcript)
    matcher = SequenceMatcher(
        None, [normalized(w.text) for w in truth], [normalized(w.text) for w in words], autojunk=False
    )
    start_errors, end_errors, matched = [], [], 0
    for block in matcher.get_matching_blocks():
        matched += block.size
        for offset in range(block.size):
            known, found = truth[block.a + offset], words[block.b + offset]
            if offset > 0 or block.a == 0:
                start_errors.append(abs(found.start_ticks / TICKS_PER_SECOND - known.start_seconds) * 1000)
            if offset < block.size - 1 or block.a + block.size == len(truth):
                end_errors.append(abs(found.end_ticks / TICKS_PER_SECOND - known.end_seconds) * 1000)
    return start_errors, end_errors, matched


def test_refine_never_worsens_the_known_boundary_set(
    known_boundary_speech: tuple[Path, list[TruthWord]], tmp_path: Path, test_output_dir: Path
) -> None:
    wav_path, truth = known_boundary_speech
    out_dir = tmp_path / "out"
    # Refine works on the engine's own times (the aligner would leave it little to do).
    generate = ["transcript", "generate", "--input", str(wav_path), "--out", str(out_dir), "--quiet", "--align", "off"]
    assert cli.main(generate) == 0
    transcript = EditableTranscript.from_word_records(read_words_jsonl(out_dir / "transcript.words.v1.jsonl").records)
    with wave.open(str(wav_path), "rb") as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), "<i2")
    transcript.duration_ticks = round(len(samples) * TICKS_PER_SECOND / SAMPLE_RATE)

    starts_before, ends_before, matched = boundary_errors_ms(truth, transcript)
    refine_all(transcript, compute_speech_envelope(samples, SAMPLE_RATE)).apply(transcript)
    starts_after, ends_after, _ = boundary_errors_ms(truth, transcript)
    made_worse = [
        (round(before, 1), round(after, 1))
        for before, after in zip(starts_before + ends_before, starts_after + ends_after, strict=True)
        if after > before + WORSE_TOLERANCE_MS
    ]

    figures = {
        "matched_words": f"{matched}/{len(truth)}",
        "start_median_ms": [round(median(starts_before), 1), round(median(starts_after), 1)],
        "end_median_ms": [round(median(ends_before), 1), round(median(ends_after), 1)],
        f"edges_made_worse_by_over_{WORSE_TOLERANCE_MS}_ms": made_worse,
    }
    (test_output_dir / "refine-known-boundary.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(f"refine on known-boundary speech (before, after): {figures}")
    assert matched >= len(truth) * 0.6, "whisper.cpp recognized too few words to measure"
    assert median(starts_after) <= median(starts_before), figures
    assert median(ends_after) <= median(ends_before), figures
    assert median(starts_after) < median(starts_before) or median(ends_after) < median(ends_before), figures
    assert not made_worse, figures
