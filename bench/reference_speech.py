"""Connected speech whose word boundaries are known exactly, made with festival.

Each paragraph is one festival utterance (running speech with festival's own phrasing and pauses, not
words said one by one). The word boundaries come from festival's utterance structure: the Token relation
links each written token of the text to the Words festival said for it ("1989" -> "nineteen eighty
nine"), and each Word's segments (SylStructure) carry their end times in the Segment relation. A
reference word is the written token, punctuation attached as in the text ("country.", "3.5"), spanning
all of its Words, so the words match what a speech recogniser would output. Pauses are festival's silence
segments (`pau`; `#` for the Italian voices).

The audio goes to 16 kHz mono 16-bit PCM with sox; resampling keeps the time scale, so festival's
seconds stay exact (checked: sox's output matches festival's samples best at a lag of 0). Every paragraph
is checked against its waveform before the clip is written (`check_alignment`): festival's pauses must be
near-silent in the audio with edges near the audio's, a vowel after a pause must start where festival
says, no long silence may sit inside a word, and the pause-vs-silence pattern must fit best at a lag of
about zero in both halves (no offset, no drift).

Deterministic: fixed texts, voices and rates; sox runs repeatable (-R) without dither (-D); noise comes
from seeded numpy generators.

    .venv/bin/python bench/reference_speech.py --out tests/data/reference_speech
    .venv/bin/python bench/reference_speech.py --long --out bench/output/reference-speech-long

Needs the Debian packages in DEBIAN_PACKAGES: festival, the voices in VOICES, sox.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from bench_common import write_mono_wav

SAMPLE_RATE = 16000
# Festival's Italian lexicon and letter-to-sound rules read ISO-8859-1; ASCII English is the same bytes.
FESTIVAL_ENCODING = "latin-1"

# The alignment checks, on 5 ms frames: a frame is near-silent when its RMS is this far below the RMS of the
# paragraph's speech (the samples inside its words).
FRAME_SECONDS = 0.005
SILENCE_BELOW_SPEECH_DB = 30.0
CHECKED_PAUSE_MIN_SECONDS = 0.1
# Where the audio's silence begins and ends differs from festival's pause edges by the phones there (see
# Pause), so the edges at stops are left out and the others get some room; a vowel after a pause is the
# sharp landmark.
MAX_EDGE_ERROR_SECONDS = 0.1
MAX_VOWEL_ONSET_ERROR_SECONDS = 0.03
MAX_MEDIAN_VOWEL_ONSET_ERROR_SECONDS = 0.015
# Stop closures make short silences inside words; one this long would mean festival's times do not fit the audio.
MAX_SILENCE_IN_WORD_SECONDS = 0.15
MAX_LAG_SECONDS = 0.025
LAG_SEARCH_SECONDS = 0.2


@dataclass(frozen=True)
class Voice:
    festival_name: str
    description: str
    debian_package: str


VOICES = {
    "kal": Voice("kal_diphone", "American English male, diphone, 16 kHz", "festvox-kallpc16k"),
    "ked": Voice("ked_diphone", "American English male, diphone, 16 kHz", "festvox-kdlpc16k"),
    "slt": Voice("cmu_us_slt_arctic_hts", "American English female, HTS, 32 kHz", "festvox-us-slt-hts"),
    "lp": Voice("lp_diphone", "Italian female, diphone, 16 kHz", "festvox-italp16k"),
}
# The lexicons (festlex-cmu, festlex-poslex, festlex-ifd) come as the voices' dependencies.
DEBIAN_PACKAGES = ("festival", *(voice.debian_package for voice in VOICES.values()), "sox")


@dataclass(frozen=True)
class Paragraph:
    voice: str
    text: str


@dataclass(frozen=True)
class NoiseSpec:
    """Pink noise (see pink_noise) snr_db below the signal's RMS."""

    snr_db: float
    seed: int


@dataclass(frozen=True)
class SpeechClip:
    name: str
    description: str
    paragraphs: tuple[Paragraph, ...]
    noise: NoiseSpec | None = None
    # Festival's Duration_Stretch: below 1 speaks faster. The HTS voice ignores it.
    duration_stretch: float = 1.0


@dataclass(frozen=True)
class ReferenceWord:
    word: str
    start: float
    end: float
    # What festival said for the written word, e.g. "nineteen eighty nine" for "1989".
    spoken: str


@dataclass(frozen=True)
class Pause:
    start: float
    end: float
    # Where sound stops and starts at a pause depends on the phone there: a stop before it may hiss on with
    # its release, a stop after it opens with a silent closure, and only a vowel after it starts sharply.
    stop_before: bool
    stop_after: bool
    vowel_after: bool


@dataclass
class SpeechAudio:
    """16 kHz samples and what festival says is in them, times in seconds from the first sample."""

    samples: np.ndarray
    words: list[ReferenceWord] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)


@dataclass(frozen=True)
class FestivalSegment:
    phone: str
    start: float
    end: float
    word_number: int  # 0: the segment belongs to no Word
    is_silence: bool
    is_vowel: bool
    is_stop: bool


@dataclass(frozen=True)
class FestivalUtterance:
    """What the Scheme report prints: Token names in order, each Word's Token, and the Segments."""

    token_names: list[str]
    word_tokens: dict[int, int]
    word_names: dict[int, str]
    segments: list[FestivalSegment]
    num_samples: int
    sample_rate: int


# --- The texts ------------------------------------------------------------------------------------------

KAL_WORKSHOP = (
    "In 1989, the engineer Margaret Okonkwo-Hale opened a small workshop in Duluth, Minnesota. "
    "Her first product was a well-known weather vane that weighed 3.5 kilograms and cost 120 dollars. "
    "Customers didn't believe it would survive the lake's winter storms, but it did. "
    "By 1994 the company employed 42 people, and the FBI even bought a dozen for a remote field office. "
    "Today her grandson, Tobias Vanterpool, still repairs the original machines by hand."
)
KED_BAKERY = (
    "Chef Ravindra Quennell's bakery in Leeds opens at 6 every morning. "
    "He says a good sourdough needs 3.5 hours of proofing, a well-floured basket, and patience that most "
    "people don't have. His grandmother's recipe, written in 1957, calls for kefir, fenugreek and a pinch "
    "of asafoetida. The BBC filmed the kitchen last spring, and since then the queue has stretched around "
    "the corner. It's a long wait, but the regulars agree it's worth it."
)
SLT_TELESCOPE = (
    "In 1969, NASA landed two astronauts on the Moon, and the whole world held its breath. "
    "Fifty years later, a team led by Priya Vasquez-Lindqvist used a well-calibrated telescope in Chile "
    "to study a faint exoplanet called Kepler. It orbits its star every 37 days, and it's roughly 1.6 "
    "times the size of Earth. We can't visit it, she admitted, but we can listen. "
    "Her colleagues think the next decade will bring even stranger discoveries."
)
KAL_MARATHON = (
    "The 2023 marathon in Rotterdam was unusually warm. Kipchumba Otieno led from the start, covering "
    "the first 10 kilometres in 28 minutes, while the defending champion, Joaquin Ferreira-Santos, stayed "
    "back in the pack. At the 35 kilometre mark, Otieno's pace dropped by 3.5 seconds per kilometre, and "
    "the crowd sensed a change. Ferreira-Santos didn't hesitate. He surged past with a well-timed burst "
    "and won by 41 seconds, breaking the course record set in 2018. Afterwards he said an MRI on his "
    "ankle had nearly kept him at home."
)
SLT_WEATHER = (
    "Good evening, this is Helena Marchetti with the weather for the coastal region. "
    "A well-organised storm system is moving in from the Atlantic, and gusts could reach 95 kilometres per "
    "hour by midnight. We're expecting between 20 and 35 millimetres of rain, with temperatures falling "
    "to 3.5 degrees near Aberystwyth. The RNLI has asked sailors to stay ashore until Thursday. "
    "Tomorrow should be brighter, though you'll still want an umbrella."
)
LP_LIBRARY = (
    "Nel 1989 l'architetto Giovanni Rossi progettò una piccola biblioteca a Bologna. "
    "L'edificio, largo 3,5 metri, è diventato famoso per le sue finestre rotonde. "
    "Ogni mattina gli studenti arrivano presto e restano fino a sera. "
    "Secondo il sindaco, la biblioteca è il cuore del quartiere."
)

SHORT_CLIPS = (
    SpeechClip(
        "en-kal-workshop",
        "clean; a workshop's history (1989, 3.5, 120, FBI, well-known, didn't, Okonkwo-Hale, Vanterpool)",
        (Paragraph("kal", KAL_WORKSHOP),),
    ),
    SpeechClip(
        "en-ked-bakery",
        "clean; a bakery (6, 3.5, 1957, BBC, well-floured, don't, Quennell's, asafoetida, fenugreek)",
        (Paragraph("ked", KED_BAKERY),),
    ),
    SpeechClip(
        "en-slt-telescope",
        "clean; astronomy (1969, 37, 1.6, NASA, well-calibrated, can't, Vasquez-Lindqvist)",
        (Paragraph("slt", SLT_TELESCOPE),),
    ),
    SpeechClip(
        "en-kal-fast-marathon",
        "clean, faster (Duration_Stretch 0.8); a marathon (2023, 3.5, MRI, well-timed, didn't, Kipchumba Otieno)",
        (Paragraph("kal", KAL_MARATHON),),
        duration_stretch=0.8,
    ),
    SpeechClip(
        "en-slt-weather-pink-snr22",
        "pink noise at 22 dB SNR; a weather report (95, 3.5, RNLI, well-organised, we're, Aberystwyth)",
        (Paragraph("slt", SLT_WEATHER),),
        noise=NoiseSpec(snr_db=22.0, seed=20250122),
    ),
    SpeechClip(
        "it-lp-library", "Italian, clean; a library (1989, 3,5, l'architetto, progettò)", (Paragraph("lp", LP_LIBRARY),)
    ),
)

LONG_PARAGRAPHS = (
    (
        "The harbour town of Port Ellery was founded in 1823 by a handful of fishing families from Cornwall. "
        "For most of its first century it had no road to the outside world, only a narrow track over the "
        "hills and the sea itself. Supplies came by schooner twice a month, weather permitting, and the "
        "arrival of the mail boat was the week's great event. Children would run down to the quay to watch "
        "the sacks of letters being lifted ashore."
    ),
    (
        "Everything changed in 1911, when the Northern Coast Railway finally pushed a line through the "
        "valley. The engineer in charge, Cornelius Abernathy-Roe, was a well-known perfectionist who "
        "insisted on inspecting every bridge himself. His diaries, now kept in the town museum, complain "
        "about the rain on almost every page. The first train arrived on a Tuesday morning, 3.5 hours late, "
        "and the whole town turned out to cheer it anyway."
    ),
    (
        "The railway brought visitors. By 1925 there were 14 guest houses along the seafront, and a pier "
        "stretched 240 metres into the bay. Summer brought brass bands, ice cream and sailing races, while "
        "winter brought storms that regularly tore planks from the pier. The townspeople didn't seem to mind. "
        "They'd rebuild it every spring, grumbling cheerfully, and argue about whose turn it was to paint the "
        "railings."
    ),
    (
        "The Second World War emptied the guest houses almost overnight. The harbour became a base for "
        "minesweepers, and the old sardine cannery was turned into a workshop for repairing their engines. Many of the "
        "women who worked there had never used a lathe before 1940, yet within a year they were rebuilding "
        "diesel pumps from scratch. One of them, Edith Pengelly, later wrote that it was the happiest time "
        "of her life, despite everything."
    ),
    (
        "After the war the fishing fleet slowly shrank. Larger trawlers from the cities could stay at sea for "
        "weeks, and the small family boats couldn't compete. In 1968 the railway closed the line, calling it "
        "uneconomic, and for a while it seemed that Port Ellery might simply fade away. The population fell "
        "from about 3,000 to fewer than 900, and many of the shops on the high street were boarded up."
    ),
    (
        "The revival began, as these things often do, almost by accident. In 1987 a group of volunteers "
        "restored the old station building to use as a café and gallery. A television programme about "
        "coastal walks featured the town two years later, and suddenly hikers were arriving every weekend. "
        "The well-worn track over the hills, once the only way in, became one of the most popular footpaths "
        "in the county."
    ),
    (
        "Today Port Ellery is a lively place again. The pier has been rebuilt with steel supports, the "
        "cannery is a marine research centre run by the university, and there's a waiting list for moorings "
        "in the harbour. Scientists there study the kelp forests off the headland, which they say absorb "
        "carbon at a remarkable rate. Some of their findings were published in Nature in 2021."
    ),
    (
        "Yet the town hasn't forgotten its past. Every August, on the anniversary of the railway's opening, "
        "people dress in old-fashioned clothes and walk the route of the original line from the station to "
        "the viaduct. The museum lends out copies of Abernathy-Roe's diaries for the occasion, and someone "
        "always reads the passage about the rain aloud. It's a tradition that everyone, visitors and locals "
        "alike, seems to enjoy."
    ),
    (
        "Ask the older residents what makes Port Ellery special and most will mention the light. On a clear "
        "evening the sun sets directly behind the lighthouse on Gull Rock, and the whole bay turns gold for "
        "a few minutes. Painters have tried to capture it for more than 150 years. Few of them have "
        "succeeded, but none of them seem to regret trying."
    ),
    (
        "If you'd like to visit, the easiest way is still the coastal bus from Truro, which runs 6 times a day in "
        "summer and 3 times a day in winter. The journey takes about 1.5 hours and the views are worth every "
        "minute. Bring a warm jacket, even in July, because the wind off the sea can be surprisingly cold. And "
        "don't leave without trying the smoked mackerel at the harbour café."
    ),
)
LONG_CLIP = SpeechClip(
    "en-long-kal-slt-port-ellery",
    f"about 4 minutes, one story in {len(LONG_PARAGRAPHS)} paragraphs, male (kal) and female (slt) voices alternating",
    tuple(Paragraph("kal" if index % 2 == 0 else "slt", text) for index, text in enumerate(LONG_PARAGRAPHS)),
)

NO_SPEECH_NAME = "no-speech-chords-noise"
NO_SPEECH_DESCRIPTION = "no speech: plucked-string chords (sox synth) over seeded pink noise, 18 s"
# C major, A minor, F major, G major, C major: each chord plucked once and left to ring.
CHORDS = (
    ("C3", "E3", "G3", "C4"),
    ("A2", "E3", "A3", "C4"),
    ("F2", "C3", "F3", "A3"),
    ("G2", "D3", "G3", "B3"),
    ("C3", "G3", "C4", "E4"),
)
CHORD_SECONDS = 3.6
NO_SPEECH_NOISE = NoiseSpec(snr_db=20.0, seed=20250123)


# --- Festival --------------------------------------------------------------------------------------------

# Prints the utterance's structure as tab-separated lines; numbers are 1-based so that festival's "0" for
# a missing feature reads as "no Word".
REPORT_SCHEME = r"""
(define (number-items items feature)
  (let ((n 0))
    (mapcar (lambda (i) (set! n (+ n 1)) (item.set_feat i feature n)) items)))
(define (top-level-items utt relation)
  (let ((items nil) (item (utt.relation.first utt relation)))
    (while item (set! items (cons item items)) (set! item (item.next item)))
    (reverse items)))
(define (report utt)
  (let ((tokens (top-level-items utt 'Token)))
    (number-items tokens "token_number")
    (mapcar (lambda (tk) (format t "REF_TOKEN\t%d\t%s\n" (item.feat tk "token_number") (item.name tk)))
            tokens)
    (number-items (utt.relation.items utt 'Word) "word_number")
    (mapcar (lambda (w) (format t "REF_WORD\t%d\t%s\t%s\n" (item.feat w "word_number")
                                (item.feat w "R:Token.parent.token_number") (item.name w)))
            (utt.relation.items utt 'Word))
    (mapcar (lambda (s) (format t "REF_SEGMENT\t%s\t%f\t%f\t%s\t%s\t%s\t%s\n" (item.name s)
                                (item.feat s "segment_start") (item.feat s "end")
                                (item.feat s "R:SylStructure.parent.parent.word_number")
                                (if (phone_is_silence (item.name s)) "1" "0") (item.feat s "ph_vc")
                                (item.feat s "ph_ctype")))
            (utt.relation.items utt 'Segment))
    (format t "REF_WAVE\t%d\t%d\n" (cadr (assoc 'num_samples (wave.info (utt.wave utt))))
            (cadr (assoc 'sample_rate (wave.info (utt.wave utt)))))))
"""


def scheme_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def festival_script(paragraph: Paragraph, duration_stretch: float, wav_path: Path) -> str:
    # Duration_Stretch is set after the voice: selecting a voice resets it.
    return "\n".join(
        [
            REPORT_SCHEME,
            f"(voice_{VOICES[paragraph.voice].festival_name})",
            f"(Parameter.set 'Duration_Stretch {duration_stretch})",
            f"(set! utt (Utterance Text {scheme_string(paragraph.text)}))",
            "(utt.synth utt)",
            f"(utt.save.wave utt {scheme_string(str(wav_path))} 'riff)",
            "(report utt)",
        ]
    )


def run_festival(paragraph: Paragraph, duration_stretch: float, folder: Path) -> tuple[FestivalUtterance, Path]:
    """Synthesize one paragraph as one utterance; its report and the festival-rate WAV."""
    script_path = folder / "paragraph.scm"
    wav_path = folder / "festival.wav"
    script_path.write_bytes(festival_script(paragraph, duration_stretch, wav_path).encode(FESTIVAL_ENCODING))
    result = subprocess.run(["festival", "--batch", str(script_path)], capture_output=True, check=False)
    output = result.stdout.decode(FESTIVAL_ENCODING)
    if result.returncode != 0 or "REF_WAVE" not in output:
        raise RuntimeError(f"festival failed on {paragraph.text[:40]!r}: {result.stderr.decode(FESTIVAL_ENCODING)}")
    return parse_festival_report(output), wav_path


def parse_festival_report(output: str) -> FestivalUtterance:
    token_names: list[str] = []
    word_tokens: dict[int, int] = {}
    word_names: dict[int, str] = {}
    segments: list[FestivalSegment] = []
    num_samples = sample_rate = 0
    for line in output.splitlines():
        fields = line.split("\t")
        if fields[0] == "REF_TOKEN":
            token_names.append(fields[2])
        elif fields[0] == "REF_WORD":
            word_tokens[int(fields[1])] = int(fields[2])
            word_names[int(fields[1])] = fields[3]
        elif fields[0] == "REF_SEGMENT":
            phone, start, end, word, silence, vowel, consonant_type = fields[1:8]
            segments.append(
                FestivalSegment(
                    phone, float(start), float(end), int(word), silence == "1", vowel == "+", consonant_type == "s"
                )
            )
        elif fields[0] == "REF_WAVE":
            num_samples, sample_rate = int(fields[1]), int(fields[2])
    return FestivalUtterance(token_names, word_tokens, word_names, segments, num_samples, sample_rate)


def word_spans(segments: list[FestivalSegment]) -> dict[int, tuple[float, float]]:
    """Each Word's [start, end] from its segments.

    A segment that festival's post-lexical rules added without a Word (ked's "r" after "er") belongs to the
    word it follows, or to the next one after a pause.
    """
    spans: dict[int, tuple[float, float]] = {}
    previous_word = 0
    pending_start: float | None = None
    for segment in segments:
        if segment.is_silence:
            previous_word, pending_start = 0, None
        elif segment.word_number:
            start, _ = spans.get(segment.word_number, (segment.start, 0.0))
            if pending_start is not None:
                start, pending_start = pending_start, None
            spans[segment.word_number] = (start, segment.end)
            previous_word = segment.word_number
        elif previous_word:
            spans[previous_word] = (spans[previous_word][0], segment.end)
        elif pending_start is None:
            pending_start = segment.start
    return spans


def reference_words(text: str, utterance: FestivalUtterance) -> list[ReferenceWord]:
    """One word per whitespace token of the text, spanning every Word festival made from that token."""
    written = text.split()
    if len(written) != len(utterance.token_names):
        raise ValueError(
            f"festival made {len(utterance.token_names)} tokens of {len(written)}: {utterance.token_names}"
        )
    spans = word_spans(utterance.segments)
    words: list[ReferenceWord] = []
    for token_number, (token, name) in enumerate(zip(written, utterance.token_names, strict=True), start=1):
        word_numbers = sorted(number for number, owner in utterance.word_tokens.items() if owner == token_number)
        # Post-lexical rules may move a Word's only segment to its neighbour ("lake's": the s joins "lake").
        timed = [spans[number] for number in word_numbers if number in spans]
        if name not in token or not timed:
            raise ValueError(f"token {token!r}: festival has {name!r} with words {word_numbers}")
        start, end = timed[0][0], timed[-1][1]
        spoken = " ".join(utterance.word_names[number] for number in word_numbers)
        words.append(ReferenceWord(token, start, end, spoken))
    return words


def synthesize_paragraph(paragraph: Paragraph, duration_stretch: float) -> SpeechAudio:
    with tempfile.TemporaryDirectory(prefix="reference-speech-") as folder_name:
        folder = Path(folder_name)
        utterance, festival_wav = run_festival(paragraph, duration_stretch, folder)
        resampled = folder / "16k.wav"
        run_sox(str(festival_wav), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(resampled))
        native, native_rate = read_wav_samples(festival_wav)
        samples = read_wav(resampled)
    expected_samples = round(utterance.num_samples * SAMPLE_RATE / utterance.sample_rate)
    if abs(len(samples) - expected_samples) > 1:
        raise RuntimeError(f"sox made {len(samples)} samples of {expected_samples}")
    check_resampling_keeps_time(native, native_rate, samples)
    return SpeechAudio(samples, reference_words(paragraph.text, utterance), festival_pauses(utterance.segments))


def check_resampling_keeps_time(native: np.ndarray, native_rate: int, resampled: np.ndarray) -> None:
    """Raise unless the 16 kHz samples match festival's own, read at the same instants, best at a lag of 0."""
    if native_rate == SAMPLE_RATE:
        return
    instants = np.arange(len(resampled)) / SAMPLE_RATE
    reference = np.interp(instants, np.arange(len(native)) / native_rate, native.astype(np.float64))
    lags = list(range(-8, 9))
    scores = [float(np.dot(shifted(resampled.astype(np.float64), lag), shifted(reference, -lag))) for lag in lags]
    best_lag = lags[int(np.argmax(scores))]
    if best_lag != 0:
        raise AssertionError(f"resampling from {native_rate} Hz moved the audio by {best_lag} samples")


def shifted(values: np.ndarray, lag: int) -> np.ndarray:
    """values[lag:] for a positive lag, values[:len + lag] for a negative one."""
    return values[max(lag, 0) : len(values) + min(lag, 0)]


def festival_pauses(segments: list[FestivalSegment]) -> list[Pause]:
    pauses = []
    for index, segment in enumerate(segments):
        if segment.is_silence:
            before = segments[index - 1] if index > 0 else None
            after = segments[index + 1] if index + 1 < len(segments) else None
            pauses.append(
                Pause(
                    segment.start,
                    segment.end,
                    stop_before=before is not None and before.is_stop,
                    stop_after=after is not None and after.is_stop,
                    vowel_after=after is not None and after.is_vowel,
                )
            )
    return pauses


def join_audio(parts: list[SpeechAudio]) -> SpeechAudio:
    """The parts one after the other, times moved by the exact length of what comes before."""
    joined = SpeechAudio(np.concatenate([part.samples for part in parts]))
    offset_samples = 0
    for part in parts:
        offset = offset_samples / SAMPLE_RATE
        joined.words += [
            ReferenceWord(word.word, word.start + offset, word.end + offset, word.spoken) for word in part.words
        ]
        joined.pauses += [replace(pause, start=pause.start + offset, end=pause.end + offset) for pause in part.pauses]
        offset_samples += len(part.samples)
    return joined


# --- Checking festival's times against the waveform -------------------------------------------------------


def frame_rms(samples: np.ndarray) -> np.ndarray:
    frame = round(FRAME_SECONDS * SAMPLE_RATE)
    count = len(samples) // frame
    frames = samples[: count * frame].astype(np.float64).reshape(count, frame)
    return np.sqrt(np.mean(frames**2, axis=1))


def speech_rms(samples: np.ndarray, words: list[ReferenceWord]) -> float:
    inside = np.concatenate(
        [samples[round(word.start * SAMPLE_RATE) : round(word.end * SAMPLE_RATE)] for word in words]
    )
    return float(np.sqrt(np.mean(inside.astype(np.float64) ** 2)))


def best_lag_seconds(pause_mask: np.ndarray, silent_mask: np.ndarray) -> float:
    """The shift of the audio's silence against festival's pauses at which the two agree most."""
    reach = round(LAG_SEARCH_SECONDS / FRAME_SECONDS)
    core = slice(reach, len(pause_mask) - reach)
    agreement = {
        lag: float(np.mean(pause_mask[core] == np.roll(silent_mask, -lag)[core])) for lag in range(-reach, reach + 1)
    }
    best = max(agreement.values())
    # Ties (a plateau of equal agreement) resolve to their middle.
    lags = [lag for lag, value in agreement.items() if value == best]
    return float(np.median(lags)) * FRAME_SECONDS


def longest_run(mask: np.ndarray) -> int:
    longest = current = 0
    for value in mask:
        current = current + 1 if value else 0
        longest = max(longest, current)
    return longest


def silent_frames(samples: np.ndarray, words: list[ReferenceWord]) -> np.ndarray:
    """Near-silent 5 ms frames; a lone loud frame between silent ones (a click) counts as silent."""
    loud = frame_rms(samples) >= speech_rms(samples, words) * 10 ** (-SILENCE_BELOW_SPEECH_DB / 20)
    loud &= np.roll(loud, 1) | np.roll(loud, -1)
    return ~loud


def merged_pauses(pauses: list[Pause]) -> list[Pause]:
    """Touching pauses as one (a paragraph's closing pause and the next one's opening pause)."""
    merged: list[Pause] = []
    for pause in pauses:
        if merged and abs(merged[-1].end - pause.start) < 1e-6:
            merged[-1] = replace(pause, start=merged[-1].start, stop_before=merged[-1].stop_before)
        else:
            merged.append(pause)
    return merged


def pause_edge_errors(silent: np.ndarray, pause: Pause) -> tuple[float | None, float | None]:
    """Where the audio's silence around the pause's middle begins and ends, minus festival's pause start and end.

    None where the silence reaches the clip's start or end, or where the pause's middle is not silent.
    """
    middle = frame_at((pause.start + pause.end) / 2)
    if not silent[middle]:
        return None, None
    first = middle
    while first > 0 and silent[first - 1]:
        first -= 1
    after = middle
    while after < len(silent) and silent[after]:
        after += 1
    offset_error = first * FRAME_SECONDS - pause.start if first > 0 else None
    onset_error = after * FRAME_SECONDS - pause.end if after < len(silent) else None
    return offset_error, onset_error


def frame_at(seconds: float) -> int:
    return round(seconds / FRAME_SECONDS)


def check_alignment(audio: SpeechAudio, text: str) -> dict[str, object]:
    """Raise unless festival's words and pauses fit the waveform; return what was measured."""
    if len(audio.words) != len(text.split()):
        raise AssertionError(f"{len(audio.words)} words for {len(text.split())} tokens")
    silent = silent_frames(audio.samples, audio.words)
    pauses = [pause for pause in merged_pauses(audio.pauses) if pause.end - pause.start >= CHECKED_PAUSE_MIN_SECONDS]
    edges = [pause_edge_errors(silent, pause) for pause in pauses]
    offsets = [offset for pause, (offset, _) in zip(pauses, edges) if offset is not None and not pause.stop_before]
    onsets = [onset for pause, (_, onset) in zip(pauses, edges) if onset is not None and not pause.stop_after]
    vowel_onsets = [onset for pause, (_, onset) in zip(pauses, edges) if onset is not None and pause.vowel_after]
    pause_mask = np.zeros(len(silent), dtype=bool)
    for pause in audio.pauses:
        pause_mask[frame_at(pause.start) : frame_at(pause.end)] = True
    half = len(silent) // 2
    measured: dict[str, object] = {
        "pauses_checked": len(pauses),
        "pauses_silent_in_the_middle": sum(bool(silent[frame_at((pause.start + pause.end) / 2)]) for pause in pauses),
        "silence_starts_after_pause_start_ms": edge_summary(offsets),
        "silence_ends_after_pause_end_ms": edge_summary(onsets),
        "vowel_onset_after_pause_end_ms": edge_summary(vowel_onsets),
        "longest_silence_inside_a_word_ms": max(
            longest_run(silent[frame_at(word.start) : frame_at(word.end)]) for word in audio.words
        )
        * round(FRAME_SECONDS * 1000),
        "best_lag_first_half_ms": round(best_lag_seconds(pause_mask[:half], silent[:half]) * 1000),
        "best_lag_second_half_ms": round(best_lag_seconds(pause_mask[half:], silent[half:]) * 1000),
    }
    problems = alignment_problems(measured, offsets + onsets, vowel_onsets)
    if problems:
        raise AssertionError(f"festival's times do not fit the audio: {'; '.join(problems)} ({measured})")
    return measured


def edge_summary(errors: list[float]) -> dict[str, float]:
    if not errors:
        return {"count": 0}
    milliseconds = np.array(errors) * 1000
    return {
        "count": len(errors),
        "median": round(float(np.median(milliseconds)), 1),
        "min": round(float(milliseconds.min()), 1),
        "max": round(float(milliseconds.max()), 1),
    }


def alignment_problems(measured: dict[str, object], edge_errors: list[float], vowel_onsets: list[float]) -> list[str]:
    problems = []
    if measured["pauses_silent_in_the_middle"] != measured["pauses_checked"]:
        problems.append("a pause is not silent in its middle")
    if measured["longest_silence_inside_a_word_ms"] > MAX_SILENCE_IN_WORD_SECONDS * 1000:
        problems.append("a word holds a long silence")
    if edge_errors and max(abs(error) for error in edge_errors) > MAX_EDGE_ERROR_SECONDS:
        problems.append("a pause edge is far from the audio's")
    if vowel_onsets and max(abs(error) for error in vowel_onsets) > MAX_VOWEL_ONSET_ERROR_SECONDS:
        problems.append("a vowel after a pause starts far from festival's time")
    if vowel_onsets and abs(float(np.median(vowel_onsets))) > MAX_MEDIAN_VOWEL_ONSET_ERROR_SECONDS:
        problems.append("vowels after pauses start late or early on the whole")
    for key in ("best_lag_first_half_ms", "best_lag_second_half_ms"):
        if abs(measured[key]) > MAX_LAG_SECONDS * 1000:
            problems.append(f"{key} is {measured[key]}")
    return problems


# --- Noise and music -------------------------------------------------------------------------------------


def pink_noise(length: int, seed: int) -> np.ndarray:
    """Gaussian noise with a 1/f power spectrum from 20 Hz up, unit RMS."""
    white = np.random.default_rng(seed).normal(0.0, 1.0, length)
    spectrum = np.fft.rfft(white)
    frequencies = np.fft.rfftfreq(length, d=1 / SAMPLE_RATE)
    shaping = np.zeros_like(frequencies)
    audible = frequencies >= 20.0
    shaping[audible] = 1 / np.sqrt(frequencies[audible])
    noise = np.fft.irfft(spectrum * shaping, n=length)
    return noise / np.sqrt(np.mean(noise**2))


def add_noise(samples: np.ndarray, signal_rms: float, noise: NoiseSpec) -> tuple[np.ndarray, float]:
    """samples plus noise whose RMS is snr_db below signal_rms, as int16; and that noise RMS."""
    noise_rms = signal_rms * 10 ** (-noise.snr_db / 20)
    noisy = samples.astype(np.float64) + pink_noise(len(samples), noise.seed) * noise_rms
    return np.clip(np.round(noisy), -32768, 32767).astype(np.int16), noise_rms


def chord_samples(notes: tuple[str, ...], folder: Path) -> np.ndarray:
    path = folder / f"chord-{'-'.join(notes)}.wav"
    plucks = [argument for note in notes for argument in ("pluck", note)]
    run_sox(
        "-n",
        "-r",
        str(SAMPLE_RATE),
        "-b",
        "16",
        "-c",
        "1",
        str(path),
        "synth",
        str(CHORD_SECONDS),
        *plucks,
        "remix",
        "-",
        "gain",
        "-n",
        "-6",
        "fade",
        "0",
        str(CHORD_SECONDS),
        "0.4",
    )
    return read_wav(path)


def no_speech_samples() -> tuple[np.ndarray, float]:
    """Chords over pink noise (20 dB below the music), and the noise RMS."""
    with tempfile.TemporaryDirectory(prefix="reference-music-") as folder_name:
        music = np.concatenate([chord_samples(chord, Path(folder_name)) for chord in CHORDS])
    music_rms = float(np.sqrt(np.mean(music.astype(np.float64) ** 2)))
    return add_noise(music, music_rms, NO_SPEECH_NOISE)


# --- Files -------------------------------------------------------------------------------------------------


def run_sox(*arguments: str) -> None:
    # -R: repeatable (seeded) random numbers, for pluck; -D: no dither, which would add random noise.
    subprocess.run(["sox", "-R", "-D", *arguments], check=True, capture_output=True)


def read_wav_samples(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as reader:
        if reader.getnchannels() != 1 or reader.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit mono")
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").copy(), reader.getframerate()


def read_wav(path: Path) -> np.ndarray:
    samples, rate = read_wav_samples(path)
    if rate != SAMPLE_RATE:
        raise ValueError(f"{path}: expected {SAMPLE_RATE} Hz, not {rate}")
    return samples


def seconds(value: float) -> float:
    return round(value, 6)


def write_clip(out_dir: Path, name: str, samples: np.ndarray, document: dict[str, object]) -> None:
    write_mono_wav(out_dir / f"{name}.wav", samples)
    (out_dir / f"{name}.words.json").write_text(document_json(document), encoding="utf-8")


def document_json(document: dict[str, object]) -> str:
    """JSON with one line per key, and one line per item of a list (a word, a pause)."""
    lines = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            items = ",\n".join(f"  {compact_json(item)}" for item in value)
            lines.append(f" {json.dumps(key)}: [\n{items}\n ]")
        else:
            lines.append(f" {json.dumps(key)}: {compact_json(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def make_speech_clip(clip: SpeechClip, out_dir: Path) -> dict[str, object]:
    """Write the clip's WAV and words file; return its words document (with the checks' measurements)."""
    parts = [synthesize_paragraph(paragraph, clip.duration_stretch) for paragraph in clip.paragraphs]
    # Paragraph by paragraph: near-silence is relative to the speech's level, and two voices differ in level.
    checks = [check_alignment(part, paragraph.text) for part, paragraph in zip(parts, clip.paragraphs, strict=True)]
    audio = join_audio(parts)
    text = " ".join(paragraph.text for paragraph in clip.paragraphs)
    if len(audio.words) != len(text.split()):
        raise AssertionError(f"{clip.name}: {len(audio.words)} words for {len(text.split())} tokens")
    voices = sorted({paragraph.voice for paragraph in clip.paragraphs}, key=list(VOICES).index)
    document: dict[str, object] = {
        "voice": "+".join(VOICES[voice].festival_name for voice in voices),
        "text": text,
        "sample_rate": SAMPLE_RATE,
        "duration_stretch": clip.duration_stretch,
        "noise": None,
        "alignment_checks": checks,
        "pauses": [[seconds(pause.start), seconds(pause.end)] for pause in audio.pauses],
        "words": [
            {"word": word.word, "start": seconds(word.start), "end": seconds(word.end), "spoken": word.spoken}
            for word in audio.words
        ],
    }
    samples = audio.samples
    if clip.noise is not None:
        clean_speech_rms = speech_rms(audio.samples, audio.words)
        samples, noise_rms = add_noise(audio.samples, clean_speech_rms, clip.noise)
        document["noise"] = noise_document(
            clip.noise, clean_speech_rms, noise_rms, "RMS of the clean speech inside the words"
        )
    write_clip(out_dir, clip.name, samples, document)
    return document


def noise_document(noise: NoiseSpec, signal_rms: float, noise_rms: float, signal: str) -> dict[str, object]:
    return {
        "kind": f"pink (1/f power, Gaussian, 20 Hz to 8 kHz, numpy seed {noise.seed})",
        "snr_db": noise.snr_db,
        "signal": signal,
        "signal_rms": round(signal_rms, 2),
        "noise_rms": round(noise_rms, 2),
    }


def make_no_speech_clip(out_dir: Path) -> dict[str, object]:
    samples, noise_rms = no_speech_samples()
    document: dict[str, object] = {
        "voice": None,
        "text": "",
        "sample_rate": SAMPLE_RATE,
        "noise": noise_document(
            NO_SPEECH_NOISE, noise_rms * 10 ** (NO_SPEECH_NOISE.snr_db / 20), noise_rms, "RMS of the chords"
        ),
        "words": [],
    }
    write_clip(out_dir, NO_SPEECH_NAME, samples, document)
    return document


def clip_duration(out_dir: Path, name: str) -> float:
    return len(read_wav(out_dir / f"{name}.wav")) / SAMPLE_RATE


# --- README --------------------------------------------------------------------------------------------------


README_HEAD = """\
# Reference speech with exact word boundaries

Made by `bench/reference_speech.py` (festival; do not edit by hand):

```
.venv/bin/python bench/reference_speech.py --out tests/data/reference_speech
```

Debian packages it needs: {packages}.

Each `<name>.wav` is 16 kHz mono 16-bit PCM; `<name>.words.json` holds `voice`, `text`, `sample_rate` and
`words`: one entry per whitespace token of the text, as written (`"1989,"`, `"3.5"`, `"Minnesota."`), with
`start` and `end` in seconds from festival's own utterance structure (the Token relation groups the Words
festival said for the token, e.g. `spoken: "nineteen eighty nine"`; their segments' times in the Segment
relation give the span). Each paragraph is one festival utterance: connected speech with festival's
phrasing and pauses, not words said one by one.

Before writing a clip the generator checks festival's times against the 16 kHz waveform, paragraph by
paragraph (what it measured is `alignment_checks` in each words file, one entry per paragraph). The word
count equals the text's whitespace token count. Where festival's voice is not 16 kHz (slt: 32 kHz), sox's
output must match festival's samples best at a lag of 0. On 5 ms frames, where near-silent means
{silence:g} dB below the RMS of the paragraph's speech inside its words:

- the middle of every pause of {pause_ms} ms or more is near-silent, and the near-silence around it starts
  and ends within {edge_ms} ms of festival's pause edges (`silence_starts_after_pause_start_ms`,
  `silence_ends_after_pause_end_ms`; edges at a stop are left out: a stop opens with a silent closure and
  may hiss on with its release; the others differ by a quiet fricative or a decay crossing the level
  early or late);
- where a vowel follows the pause, the sound starts within {vowel_ms} ms of festival's pause end, and within
  {vowel_median_ms} ms in the median (`vowel_onset_after_pause_end_ms`; slt's onsets are 5-15 ms late because
  its energy rises over a few ms, not because the audio is shifted: at -40 dB they are at 0-6 ms);
- no word holds a near-silent run over {word_ms} ms;
- the shift of the audio's near-silence pattern against festival's pauses that fits best is within
  {lag_ms} ms of zero, in the first and in the second half of the paragraph (no offset, no drift).

Festival's times are those it synthesized the audio from (its segment durations drive the waveform), so
they are exact in that sense; between two words of running speech there is no silence, and the boundary is
festival's phone boundary. The checks above are how far the audio's own edges sit from it.

Other keys: `duration_stretch` (festival's Duration_Stretch), `noise` (null, or the noise added),
`alignment_checks`, `pauses` (festival's silence segments, `[start, end]`) and, per word, `spoken`: the
words festival said for it.

| clip | what | voice | duration s | words |
| --- | --- | --- | --- | --- |
"""

README_TAIL = """
Noise is added after the checks, to the 16 kHz samples: `noise.snr_db` is the RMS of the clean speech inside
the words over the noise's RMS (both in `noise`). The no-speech clip is five chords plucked with
`sox -R -n ... synth 3.6 pluck C3 pluck E3 ...` (repeatable random numbers), then pink noise 20 dB below the
chords. The Italian clip uses festival's Italian diphone voice (Debian has no Spanish festival voice).

Not committed: `--long` writes only `en-long-kal-slt-port-ellery` (about 4 minutes, {long_paragraphs}
paragraphs, kal and slt alternating, each paragraph its own utterance, times shifted by the exact length of
what precedes it), for speed benchmarks, into the `--out` folder.
"""


def readme_text(rows: list[tuple[str, str, str, float, int]]) -> str:
    head = README_HEAD.format(
        packages=", ".join(f"`{package}`" for package in DEBIAN_PACKAGES),
        silence=SILENCE_BELOW_SPEECH_DB,
        pause_ms=round(CHECKED_PAUSE_MIN_SECONDS * 1000),
        edge_ms=round(MAX_EDGE_ERROR_SECONDS * 1000),
        vowel_ms=round(MAX_VOWEL_ONSET_ERROR_SECONDS * 1000),
        vowel_median_ms=round(MAX_MEDIAN_VOWEL_ONSET_ERROR_SECONDS * 1000),
        word_ms=round(MAX_SILENCE_IN_WORD_SECONDS * 1000),
        lag_ms=round(MAX_LAG_SECONDS * 1000),
    )
    lines = [
        f"| `{name}` | {what} | {voice} | {duration:.2f} | {count} |" for name, what, voice, duration, count in rows
    ]
    return head + "\n".join(lines) + "\n" + README_TAIL.format(long_paragraphs=len(LONG_PARAGRAPHS))


def voice_label(clip: SpeechClip) -> str:
    voice_keys = dict.fromkeys(paragraph.voice for paragraph in clip.paragraphs)
    return ", ".join(f"`{VOICES[key].festival_name}` ({VOICES[key].description})" for key in voice_keys)


def make_short_clips(out_dir: Path) -> None:
    rows: list[tuple[str, str, str, float, int]] = []
    for clip in SHORT_CLIPS:
        document = make_speech_clip(clip, out_dir)
        rows.append(
            (clip.name, clip.description, voice_label(clip), clip_duration(out_dir, clip.name), len(document["words"]))
        )
        print(f"{clip.name}: {rows[-1][3]:.2f} s, {rows[-1][4]} words, {document['alignment_checks']}")
    make_no_speech_clip(out_dir)
    rows.append((NO_SPEECH_NAME, NO_SPEECH_DESCRIPTION, "none", clip_duration(out_dir, NO_SPEECH_NAME), 0))
    print(f"{NO_SPEECH_NAME}: {rows[-1][3]:.2f} s")
    (out_dir / "README.md").write_text(readme_text(rows), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the WAVs and words files")
    parser.add_argument("--long", action="store_true", help="write only the ~4-minute clip, for speed benchmarks")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.long:
        document = make_speech_clip(LONG_CLIP, args.out)
        duration = clip_duration(args.out, LONG_CLIP.name)
        print(f"{LONG_CLIP.name}: {duration:.2f} s, {len(document['words'])} words, {document['alignment_checks']}")
    else:
        make_short_clips(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
