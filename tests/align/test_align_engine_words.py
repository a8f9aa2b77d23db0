"""Alignment of whisper.cpp's own words (tiny.en, run as the pipeline runs it when alignment follows: no DTW)."""

from __future__ import annotations

import re
import statistics
import subprocess
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import pytest

from metavis_gui.align import align_words
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.engines.engine_command import TranscriptionSettings
from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter
from metavis_gui.engines.whisper_cpp_binary import locate_whisper_cpp_binary
from metavis_gui.timeline.transcript import TranscriptWord
from tests.align.conftest import JFK_WAV, REFERENCE_DIR, ReferenceWord, load_reference_clip

pytestmark = pytest.mark.engine


def whisper_cpp_words(audio: Path, model: Path, out_dir: Path) -> list[TranscriptWord]:
    adapter = WhisperCppAdapter(locate_whisper_cpp_binary())
    settings = TranscriptionSettings(
        audio_path=audio, model_path=model, language="en", threads=2, engine_word_times=False
    )
    command = adapter.build_command(settings, out_dir)
    assert "--dtw" not in command.arguments
    completed = subprocess.run(
        [str(command.program), *command.arguments], check=False, capture_output=True, text=True, timeout=300
    )
    return list(adapter.read_result(command, completed.returncode, completed.stderr).words)


def normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9']", "", text.lower())


def matched_errors_ms(truth: tuple[ReferenceWord, ...], words: list[TranscriptWord]) -> list[float]:
    """|start| and |end| errors of the recognized words that match a spoken word by text."""
    matcher = SequenceMatcher(
        None, [normalized(w.text) for w in truth], [normalized(w.text) for w in words], autojunk=False
    )
    errors = []
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            reference, word = truth[block.a + offset], words[block.b + offset]
            errors.append(abs(word.start_ticks / TICKS_PER_SECOND - reference.start_seconds) * 1000)
            errors.append(abs(word.end_ticks / TICKS_PER_SECOND - reference.end_seconds) * 1000)
    return errors


def test_whisper_cpp_words_on_jfk_are_aligned_to_his_pauses(
    default_model_path: Path, tmp_path: Path, jfk_samples: np.ndarray
) -> None:
    words = whisper_cpp_words(JFK_WAV, default_model_path, tmp_path)
    result = align_words(jfk_samples, words, "en")
    assert result.aligned_count == len(words), result.notice
    texts = [normalized(word.text) for word in result.words]
    americans, ask, not_, what = texts.index("americans"), texts.index("ask"), texts.index("not"), texts.index("what")
    assert 2.05 <= result.words[americans].end_ticks / TICKS_PER_SECOND <= 2.30
    assert 3.15 <= result.words[ask].start_ticks / TICKS_PER_SECOND <= 3.40
    assert 4.20 <= result.words[not_].end_ticks / TICKS_PER_SECOND <= 4.55
    assert 5.20 <= result.words[what].start_ticks / TICKS_PER_SECOND <= 5.50


@pytest.mark.parametrize("name", ["en-slt-telescope"])
def test_whisper_cpp_words_on_reference_speech_land_on_the_known_times(
    name: str, default_model_path: Path, tmp_path: Path
) -> None:
    clip = load_reference_clip(name)
    words = whisper_cpp_words(REFERENCE_DIR / f"{name}.wav", default_model_path, tmp_path)
    result = align_words(clip.samples, words, "en", workers=2)
    engine_errors = matched_errors_ms(clip.words, words)
    errors = matched_errors_ms(clip.words, list(result.words))
    assert len(errors) >= 1.4 * len(clip.words)  # most words were recognized, and so measured
    assert statistics.median(errors) <= 20 and float(np.percentile(errors, 95)) <= 80
    assert statistics.median(errors) < statistics.median(engine_errors) / 3
    assert result.aligned_count >= 0.95 * len(words), result.notice
