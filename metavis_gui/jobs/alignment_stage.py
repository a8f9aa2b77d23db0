"""The alignment stage: the engine's words timed from the audio by the aligner, in a child process of its own.

The aligner (`metavis_gui.align.alignment_runner`) runs like an engine: killed when the job is cancelled,
its progress read from `progress = NN%` lines. It can only make times better: when it cannot run, fails or
crashes, every word keeps the engine's times, marked so, and the notice says why; the job still succeeds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from metavis_gui.align.acoustic_models import acoustic_model_for, language_label
from metavis_gui.align.alignment_result import AlignmentResult
from metavis_gui.align.alignment_windows import ALIGNMENT_WINDOW_SECONDS, SAMPLE_RATE, alignment_windows
from metavis_gui.contract.ticks import TICKS_PER_SECOND
from metavis_gui.contract.word_timing import TimingSummary, WordTimingSource
from metavis_gui.engines.runner_protocol import reported_error
from metavis_gui.jobs.child_process import (
    ChildProcessFailedToStart,
    ChildProcessResult,
    ChildProcessStalled,
    run_child_process,
)
from metavis_gui.media.wav_parts import write_wav_part
from metavis_gui.media.wav_scan import wav_sample_count
from metavis_gui.timeline.transcript import Transcript

# The frozen app has no `python -m`: its headless executable runs the aligner under this hidden command.
FROZEN_ALIGNER_COMMAND = "_alignment-runner"
# The aligner reports after every chunk of a few seconds of speech; five silent minutes mean it is stuck.
ALIGNER_STALL_TIMEOUT_SECONDS = 300.0
_PROGRESS_PREFIX = "progress = "
# A warm aligner waits for its words as long as an engine may run; its parent stops it long before.
WARM_ALIGNER_WAIT_SECONDS = 24 * 3600.0


@dataclass(frozen=True)
class AlignedTranscript:
    transcript: Transcript  # each word's timing_source says whether the audio or the engine timed it
    timing: TimingSummary


def alignment_will_run(align_requested: bool, language: str | None) -> bool:
    """Whether words in `language` get times from the audio (an acoustic model covers it)."""
    return align_requested and acoustic_model_for(language) is not None


def aligner_command() -> tuple[str, list[str]]:
    """The program and leading arguments that start the aligner's child process."""
    if getattr(sys, "frozen", False):
        headless = Path(sys.executable).with_name("metavis-transcribe")
        return str(headless), [FROZEN_ALIGNER_COMMAND]
    return sys.executable, ["-m", "metavis_gui.align.alignment_runner"]


async def align_transcript(
    transcript: Transcript,
    audio_path: Path,
    work_dir: Path,
    language: str | None,
    *,
    on_fraction: Callable[[float], None] = lambda fraction: None,
    on_started: Callable[[int], None] | None = None,
    warm: WarmAligner | None = None,
) -> AlignedTranscript:
    """The transcript with times from the audio where the aligner could place its words.

    Long audio is aligned a window of ALIGNMENT_WINDOW_SECONDS at a time, each cut between two words, so the
    aligner's child holds only that much audio (3 hours whole would be 345 MB of samples). `warm`: an aligner
    started on this audio before the words existed; used when it fits, else stopped.
    """
    model = acoustic_model_for(language)
    if model is None:
        notice = f"No acoustic model for {language_label(language)}: every word keeps the engine's times."
        return _engine_timed(transcript, notice)
    total_samples = wav_sample_count(audio_path)
    windows = alignment_windows(transcript.words, total_samples, ALIGNMENT_WINDOW_SECONDS)
    if len(windows) == 1 and warm is not None and warm.fits(audio_path, model.language):
        return await warm.aligned(transcript, on_fraction)
    if warm is not None:
        await warm.discard()
    if len(windows) == 1:
        return await _align_window(transcript, audio_path, work_dir, model.language, on_fraction, on_started)
    parts: list[AlignedTranscript] = []
    for index, window in enumerate(windows):
        if window.end_word == window.first_word:
            continue
        part_dir = work_dir / f"alignment-window-{index}"
        part_dir.mkdir(exist_ok=True)
        part_audio = part_dir / "audio.wav"
        write_wav_part(audio_path, part_audio, window.first_sample, window.sample_count)
        offset_ticks = window.first_sample * TICKS_PER_SECOND // SAMPLE_RATE
        words = transcript.words[window.first_word : window.end_word]
        local = transcript.model_copy(update={"words": tuple(word.shifted(-offset_ticks) for word in words)})

        def window_fraction(fraction: float, index: int = index) -> None:
            on_fraction((index + fraction) / len(windows))

        aligned = await _align_window(local, part_audio, part_dir, model.language, window_fraction, on_started)
        parts.append(AlignedTranscript(aligned.transcript.shifted(offset_ticks), aligned.timing))
        shutil.rmtree(part_dir, ignore_errors=True)
    return _joined_windows(transcript, parts)


async def _align_window(
    transcript: Transcript,
    audio_path: Path,
    work_dir: Path,
    language: str,
    on_fraction: Callable[[float], None],
    on_started: Callable[[int], None] | None,
) -> AlignedTranscript:
    words_path, result_path = _window_files(work_dir)
    _write_words(words_path, transcript)
    on_fraction(0.0)
    running = _run_aligner(audio_path, words_path, result_path, language, on_fraction, on_started)
    return await _aligned_by(transcript, result_path, running, on_fraction)


def _window_files(work_dir: Path) -> tuple[Path, Path]:
    return work_dir / "alignment-words.json", work_dir / "alignment-result.json"


def _write_words(words_path: Path, transcript: Transcript) -> None:
    """Written whole and then renamed, as a waiting aligner must never read half a file."""
    partial = words_path.with_name(words_path.name + ".part")
    partial.write_text(
        json.dumps({"words": [word.model_dump(mode="json") for word in transcript.words]}), encoding="utf-8"
    )
    os.replace(partial, words_path)


def _run_aligner(
    audio_path: Path,
    words_path: Path,
    result_path: Path,
    language: str,
    on_fraction: Callable[[float], None],
    on_started: Callable[[int], None] | None,
    wait_seconds: float | None = None,
) -> Awaitable[ChildProcessResult]:
    program, leading = aligner_command()
    # No --workers: the runner's default (one process a core, at most four) is the one measured.
    arguments = [
        *leading,
        "--audio", str(audio_path),
        "--words", str(words_path),
        "--out", str(result_path),
        "--language", language,
    ]  # fmt: skip
    if wait_seconds is not None:
        arguments += ["--wait-for-words", f"{wait_seconds:g}"]

    def on_stderr_line(line: str) -> None:
        if line.startswith(_PROGRESS_PREFIX) and line.rstrip().endswith("%"):
            percent = line.removeprefix(_PROGRESS_PREFIX).rstrip().removesuffix("%").strip()
            if percent.isdigit():
                on_fraction(min(1.0, int(percent) / 100))

    return run_child_process(
        program,
        arguments,
        on_stderr_line=on_stderr_line,
        stall_timeout_seconds=ALIGNER_STALL_TIMEOUT_SECONDS,
        on_started=on_started,
    )


async def _aligned_by(
    transcript: Transcript,
    result_path: Path,
    running: Awaitable[ChildProcessResult],
    on_fraction: Callable[[float], None],
) -> AlignedTranscript:
    try:
        result = await running
    except (ChildProcessStalled, ChildProcessFailedToStart) as error:
        return _engine_timed(transcript, f"The aligner did not run ({error}): every word keeps the engine's times.")
    if result.crashed or result.exit_code != 0 or not result_path.is_file():
        reason = reported_error(result.stderr) or ("it crashed" if result.crashed else f"exit code {result.exit_code}")
        return _engine_timed(transcript, f"Alignment failed ({reason}): every word keeps the engine's times.")
    try:
        aligned = AlignmentResult.model_validate_json(result_path.read_bytes())
    except (OSError, ValidationError) as error:
        return _engine_timed(transcript, f"The aligner's output was unreadable ({error}); the engine's times are kept.")
    on_fraction(1.0)
    return _merged(transcript, aligned)


class WarmAligner:
    """An aligner child started on a part's audio before its words exist (before the audio is even decoded,
    for media under a minute), so it loads its modules and the acoustic model while a core is free; given
    the words it aligns at once, or it is stopped unused."""

    def __init__(
        self, audio_path: Path, work_dir: Path, language: str, on_started: Callable[[int], None] | None
    ) -> None:
        self.audio_path, self.work_dir, self.language = audio_path, work_dir, language
        self._words_path, self._result_path = _window_files(work_dir)
        self._on_fraction: Callable[[float], None] = lambda fraction: None
        self._running = asyncio.ensure_future(
            _run_aligner(
                audio_path, self._words_path, self._result_path, language,
                lambda fraction: self._on_fraction(fraction), on_started, wait_seconds=WARM_ALIGNER_WAIT_SECONDS,
            )
        )  # fmt: skip

    @classmethod
    def start(
        cls,
        audio_path: Path,
        work_dir: Path,
        language: str | None,
        on_started: Callable[[int], None] | None,
        audio_seconds: float | None = None,
    ) -> WarmAligner | None:
        """Started when the audio fits one alignment window and the language has an acoustic model.
        `audio_seconds`: how long the audio will be, for audio not decoded yet (else its header says)."""
        model = acoustic_model_for(language)
        if model is None:
            return None
        seconds = wav_sample_count(audio_path) / SAMPLE_RATE if audio_seconds is None else audio_seconds
        if seconds > ALIGNMENT_WINDOW_SECONDS:
            return None
        work_dir.mkdir(parents=True, exist_ok=True)
        return cls(audio_path, work_dir, model.language, on_started)

    def fits(self, audio_path: Path, language: str) -> bool:
        return audio_path == self.audio_path and language == self.language and not self._running.done()

    def fits_part(self, audio_path: Path, work_dir: Path) -> bool:
        """Started for this engine part: its audio, and the folder its words and result go to."""
        return audio_path == self.audio_path and work_dir == self.work_dir and not self._running.done()

    async def aligned(self, transcript: Transcript, on_fraction: Callable[[float], None]) -> AlignedTranscript:
        self._on_fraction = on_fraction
        on_fraction(0.0)
        _write_words(self._words_path, transcript)
        return await _aligned_by(transcript, self._result_path, self._running, on_fraction)

    async def discard(self) -> None:
        """Stops the child if it still runs (cancelling kills it) and waits until it is gone."""
        if self._running.done():
            return
        self._running.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._running


def _joined_windows(transcript: Transcript, parts: list[AlignedTranscript]) -> AlignedTranscript:
    words = tuple(word for part in parts for word in part.transcript.words)
    joined = transcript.model_copy(update={"words": words})
    return AlignedTranscript(joined, joined_timing(joined, [part.timing for part in parts]))


def joined_timing(transcript: Transcript, part_timings: Sequence[TimingSummary]) -> TimingSummary:
    """One timing summary for words aligned a part at a time: their sources, the aligner, every notice once."""
    labelled = next((timing for timing in part_timings if timing.aligner), None)
    notices = list(dict.fromkeys(timing.notice for timing in part_timings if timing.notice))
    return TimingSummary.of_sources(
        (word.timing_source for word in transcript.words),
        labelled.aligner if labelled else None,
        labelled.acoustic_model if labelled else None,
        " ".join(notices) or None,
    )


def _merged(transcript: Transcript, aligned: AlignmentResult) -> AlignedTranscript:
    engine_texts = [word.text for word in transcript.words]
    if [word.text for word in aligned.words] != engine_texts:
        return _engine_timed(transcript, "The aligner changed the words; the engine's times are kept.")
    words = tuple(
        word.model_copy(update={"timing_source": source}) for word, source in zip(aligned.words, aligned.sources)
    )
    timing = TimingSummary.of_sources(
        aligned.sources,
        f"{aligned.aligner} {aligned.aligner_version}",
        aligned.acoustic_model,
        aligned.notice,
    )
    return AlignedTranscript(transcript.model_copy(update={"words": words}), timing)


def _engine_timed(transcript: Transcript, notice: str) -> AlignedTranscript:
    sources: Sequence[WordTimingSource] = [WordTimingSource.ENGINE] * len(transcript.words)
    words = tuple(word.model_copy(update={"timing_source": WordTimingSource.ENGINE}) for word in transcript.words)
    return AlignedTranscript(
        transcript.model_copy(update={"words": words}), TimingSummary.of_sources(sources, notice=notice)
    )
