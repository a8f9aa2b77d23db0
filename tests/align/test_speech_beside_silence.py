"""The default pipeline's word boxes sit on the words when the speech is not alone in the file.

Real takes start after seconds of room tone or of digital silence (black with a muted track), or have music
under the voice. whisper.cpp then stretches the first words back over the non-speech, or puts a sentence's
last word after the next pause, and the aligner used to keep those times or build on them (a word box
seconds before its word, or a sentence a second late). Each clip here is a reference clip with known word times, changed one way;
`bench/alignment_robustness.py` measures every clip under more conditions.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import pytest

from metavis_gui import cli
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from tests.align.conftest import ReferenceWord, line_up_tone, load_reference_clip
from tests.support.transcript_checks import read_valid_words
from tests.support.wav_files import write_mono_wav

pytestmark = pytest.mark.usefixtures("engine_ready")
SAMPLE_RATE = 16_000
FAR_OFF_SECONDS = 0.5
LEAD_SECONDS = 12


def _room_tone(seconds: float) -> np.ndarray:
    return np.random.default_rng(7).normal(0.0, 32767 * 10 ** (-60 / 20), seconds * SAMPLE_RATE)


def _after(lead: np.ndarray, name: str) -> tuple[np.ndarray, list[ReferenceWord]]:
    clip = load_reference_clip(name)
    shift = len(lead) / SAMPLE_RATE
    words = [ReferenceWord(w.text, w.start_seconds + shift, w.end_seconds + shift) for w in clip.words]
    return np.concatenate([lead, clip.samples]), words


def _chords(seconds: float, dbfs: float) -> np.ndarray:
    """A triad every 2 s: music."""
    time = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    bed = np.zeros_like(time)
    for number, root in enumerate((220.0, 174.6, 196.0, 261.6) * (len(time) // (8 * SAMPLE_RATE) + 1)):
        span = (time >= 2.0 * number) & (time < 2.0 * number + 2.0)
        for ratio in (1.0, 1.26, 1.5):
            bed[span] += np.sin(2 * np.pi * root * ratio * time[span])
    return bed * 32767 * 10 ** (dbfs / 20) / np.sqrt(np.mean(bed**2))


def _under_chords(name: str) -> tuple[np.ndarray, list[ReferenceWord]]:
    """Chords at -30 dBFS under the speech: a music bed."""
    clip = load_reference_clip(name)
    return clip.samples + _chords(len(clip.samples) / SAMPLE_RATE, -30), list(clip.words)


CASES = {
    "bakery after room tone": lambda: _after(_room_tone(LEAD_SECONDS), "en-ked-bakery"),
    "workshop after digital silence": lambda: _after(np.zeros(LEAD_SECONDS * SAMPLE_RATE), "en-kal-workshop"),
    "workshop under chords": lambda: _under_chords("en-kal-workshop"),
    # whisper.cpp puts the first word on the tone or music ("Good" over 0-2.7 s), where pocketsphinx scores
    # it as well as on the voice: words_before_speech lays it before the next aligned word.
    "weather after a line-up tone": lambda: _after(line_up_tone(8), "en-slt-weather-pink-snr22"),
    "telescope after a music intro": lambda: _after(_chords(10, -20), "en-slt-telescope"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_no_word_box_lies_far_from_its_word(case: str, tmp_path: Path) -> None:
    samples, truth = CASES[case]()
    media = write_mono_wav(tmp_path / "take.wav", np.clip(np.round(samples), -32768, 32767).astype("<i2"))
    arguments = ["--input", str(media), "--out", str(tmp_path / "out"), "--quiet", "--write-adjacent-captions", "false"]
    assert cli.main(["transcript", "generate", *arguments]) == 0
    records = read_valid_words(tmp_path / "out")
    matcher = SequenceMatcher(None, [_plain(w.text) for w in truth], [_plain(r.word) for r in records], autojunk=False)
    far_off = []
    matched = 0
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            spoken, record = truth[block.a + offset], records[block.b + offset]
            matched += 1
            start = record.source_time_ticks / TICKS_PER_SECOND
            end = record.source_time_end_ticks / TICKS_PER_SECOND
            # Starts only: an engine word may hold two spoken ones ("$120." for "120 dollars"), so its end is
            # the second one's.
            if abs(start - spoken.start_seconds) > FAR_OFF_SECONDS:
                far_off.append(f"{spoken.text!r} at {start:.2f}-{end:.2f} s, spoken {spoken.start_seconds:.2f} s")
    assert matched >= 0.8 * len(truth), f"only {matched} of {len(truth)} words recognized"
    assert not far_off, f"{len(far_off)} word boxes more than {FAR_OFF_SECONDS} s off: {far_off}"


def _plain(text: str) -> str:
    return "".join(character for character in text.lower() if character.isalnum())
