"""Where the aligner cannot be trusted the engine's times stay, marked as the engine's, and the user is told."""

from __future__ import annotations

import json

import numpy as np
import pytest

from metavis_gui.align import acoustic_model_for, align_words
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.contract.word_timing import WordTimingSource
from metavis_gui.timeline.transcript import TranscriptWord
from tests.align.conftest import REFERENCE_DIR, ReferenceClip, engine_like_words, load_reference_clip, read_wav

JFK_TEXT = (
    "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
)


def spread_over(text: str, start_seconds: float, end_seconds: float) -> list[TranscriptWord]:
    """An engine's words for `text`, spread evenly over [start, end], a new segment every eight words."""
    texts = text.split()
    step = (end_seconds - start_seconds) / len(texts)
    return [
        TranscriptWord(
            text=word,
            start_ticks=round((start_seconds + index * step) * TICKS_PER_SECOND),
            end_ticks=round((start_seconds + (index + 0.8) * step) * TICKS_PER_SECOND),
            confidence=0.5,
            segment_index=index // 8,
        )
        for index, word in enumerate(texts)
    ]


def assert_engine_times_kept(result_words: tuple[TranscriptWord, ...], engine_words: list[TranscriptWord]) -> None:
    assert [(word.text, word.start_ticks, word.end_ticks) for word in result_words] == [
        (word.text, word.start_ticks, word.end_ticks) for word in engine_words
    ]


def test_words_heard_in_music_and_noise_keep_the_engine_times() -> None:
    samples = read_wav(REFERENCE_DIR / "no-speech-chords-noise.wav")
    assert json.loads((REFERENCE_DIR / "no-speech-chords-noise.words.json").read_text())["words"] == []
    hallucinated = spread_over(JFK_TEXT, 1.0, 16.0)  # what an engine may "hear" in music
    result = align_words(samples, hallucinated, "en")
    assert result.aligned_count == 0
    assert result.sources == (WordTimingSource.ENGINE,) * len(hallucinated)
    assert_engine_times_kept(result.words, hallucinated)
    assert result.notice is not None and "did not match" in result.notice


def test_a_language_without_an_acoustic_model_keeps_the_engine_times_and_says_so() -> None:
    clip = load_reference_clip("it-lp-library")
    words = engine_like_words(clip)
    assert acoustic_model_for("it") is None
    result = align_words(clip.samples, words, "it")
    assert result.aligned_count == 0 and result.engine_timed_count == len(words)
    assert result.acoustic_model is None
    assert result.notice == "no acoustic model for Italian: the engine's word times were kept"
    assert list(result.words) == words


def test_an_unknown_language_is_not_taken_for_english(jfk_samples: np.ndarray) -> None:
    words = spread_over(JFK_TEXT, 0.3, 10.8)
    result = align_words(jfk_samples, words, None)
    assert result.aligned_count == 0
    assert "unknown language" in (result.notice or "")


def test_the_english_aligner_forced_on_audio_that_does_not_say_the_text_falls_back() -> None:
    italian = load_reference_clip("it-lp-library")
    words = spread_over(JFK_TEXT, 0.5, len(italian.samples) / 16000 - 0.5)
    result = align_words(italian.samples, words, "en")
    assert result.aligned_count == 0
    assert_engine_times_kept(result.words, words)
    assert "did not match" in (result.notice or "")


def test_a_misheard_sentence_falls_back_alone(reference_clips: dict[str, ReferenceClip]) -> None:
    """One sentence of a clip replaced by text the audio does not hold: its words keep the engine's
    times, the other sentences are still aligned."""
    clip = reference_clips["en-kal-workshop"]
    words = engine_like_words(clip)
    sentence = [index for index, word in enumerate(words) if word.segment_index == 2]
    replacement = [
        "purple",
        "elephants",
        "quietly",
        "juggle",
        "seven",
        "enormous",
        "pineapples",
        "beneath",
        "ancient",
        "volcanic",
        "mountains",
        "tonight",
    ]
    for position, index in enumerate(sentence):
        words[index] = words[index].model_copy(update={"text": replacement[position % len(replacement)]})
    result = align_words(clip.samples, words, "en")
    misheard = [result.sources[index] for index in sentence]
    others = [source for index, source in enumerate(result.sources) if index not in sentence]
    assert misheard.count(WordTimingSource.ENGINE) >= len(sentence) - 1
    assert others.count(WordTimingSource.ALIGNED) >= len(others) - 2
    assert [word.text for word in result.words] == [word.text for word in words]
    assert result.notice is not None


def test_words_with_nothing_to_pronounce_keep_their_place(jfk_samples: np.ndarray) -> None:
    words = spread_over("And so, my fellow Americans, -- ask not [Music] what your country can do", 0.3, 7.6)
    result = align_words(jfk_samples, words, "en")
    sources = dict(zip([word.text for word in words], result.sources))
    assert sources["--"] is WordTimingSource.ENGINE and sources["[Music]"] is WordTimingSource.ENGINE
    assert sources["Americans,"] is WordTimingSource.ALIGNED
    assert "2 words with nothing to pronounce" in (result.notice or "")
    ends = [word.end_ticks for word in result.words]
    starts = [word.start_ticks for word in result.words]
    assert all(end <= following for end, following in zip(ends, starts[1:]))


@pytest.mark.parametrize("language", ["en", "EN", "en-US", "en_GB", "english"])
def test_english_is_found_however_it_is_written(language: str) -> None:
    model = acoustic_model_for(language)
    assert model is not None and model.name == "en-us" and model.predicts_unknown_words


def test_a_folder_model_for_another_language_is_found(tmp_path) -> None:
    model_folder = tmp_path / "de" / "cmusphinx-de"
    model_folder.mkdir(parents=True)
    (model_folder / "mdef").write_text("")
    (tmp_path / "de" / "german.dict").write_text("hallo HH AA L OW\n")
    model = acoustic_model_for("de", [tmp_path])
    assert model is not None
    assert (model.language, model.name, model.predicts_unknown_words) == ("de", "cmusphinx-de", False)
    assert acoustic_model_for("fr", [tmp_path]) is None
