"""The engine stage of the pipeline: one engine child over the decoded audio, or several side by side.

whisper.cpp's decoder gains little from a second thread (bench/README.md, "Parts side by side"), so long
audio is cut at quiet moments into parts, each transcribed by its own single-threaded engine process at
the same time; their words are moved back to the audio's time and joined in order. Progress is the mean
of the parts', so it only grows.

A follow-up (the aligner) runs on each part's words as soon as that part's engine is done, beside the
parts still transcribing: the core a short part frees is not left idle, and the follow-up's own start-up
is paid while the engines run. Its progress is shown once every engine is done.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from metavis_gui.contract.encoder_summary import joined_encoder
from metavis_gui.contract.ticks import TICKS_PER_SECOND, ticks_from_seconds
from metavis_gui.engines.engine_adapter import EngineAdapter
from metavis_gui.engines.engine_command import LiveSegment, TranscriptionSettings
from metavis_gui.engines.engine_table import engine_spec
from metavis_gui.engines.errors import EngineCrashed, EngineNotFound, EngineTimedOut, stderr_tail
from metavis_gui.jobs.child_process import ChildProcessFailedToStart, ChildProcessStalled, run_child_process
from metavis_gui.jobs.silence_skipping import kept_speech, skips_non_speech
from metavis_gui.jobs.transcription_request import (
    JobProgress,
    JobStage,
    TranscriptionRequest,
    VadMode,
    usable_cpu_count,
)
from metavis_gui.media.part_plan import PartPlan, plan_parts, whole_audio_plan
from metavis_gui.media.sample_span import SampleSpan
from metavis_gui.media.split_points import MIN_ASKED_PART_SECONDS, SAMPLE_RATE, part_count
from metavis_gui.media.wav_parts import write_wav_pieces
from metavis_gui.timeline.transcript import Transcript

# Every part's process holds its own copy of the model: stay within this much for all of them.
PARTS_MODEL_MEMORY_BYTES = 2 * 1024**3
MAX_PARTS = 4


class EngineStageListener(Protocol):
    progressed: Callable[[JobProgress], None]
    segment_recognised: Callable[[LiveSegment], None]
    process_started: Callable[[int], None]


@dataclass(frozen=True)
class AudioPart:
    path: Path
    plan: PartPlan  # which samples of the audio it holds

    @property
    def seconds(self) -> float:
        return self.plan.sample_count / SAMPLE_RATE


class PreparedFollowUp(Protocol):
    """What a follow-up started while its part's engine ran (a warm aligner); stopped when not used."""

    async def discard(self) -> None: ...


# (a part's audio, a work folder) -> what the follow-up can start before the part's words exist, or None.
PartFollowUpPrepare = Callable[[Path, Path], PreparedFollowUp | None]
# (a part's words in the part's time, the part's audio, a work folder, on_fraction, what prepare gave) -> its
# words, same time.
PartFollowUpRun = Callable[
    [Transcript, Path, Path, Callable[[float], None], PreparedFollowUp | None], Awaitable[Transcript]
]


@dataclass(frozen=True)
class PartFollowUp:
    stage: JobStage  # the stage its progress is shown as
    run: PartFollowUpRun
    prepare: PartFollowUpPrepare | None = None  # called once the part's engine is starting


def planned_part_count(request: TranscriptionRequest, model_path: Path, audio_seconds: float) -> int:
    """How many engine processes share this run: one unless the engine runs in parts and the audio is long."""
    if request.engine_processes is not None:
        return part_count(audio_seconds, request.engine_processes, MIN_ASKED_PART_SECONDS)
    if not engine_spec(request.engine).runs_in_parts:
        return 1
    cores = usable_cpu_count()
    model_bytes = model_path.stat().st_size if model_path.is_file() else PARTS_MODEL_MEMORY_BYTES
    by_memory = max(1, PARTS_MODEL_MEMORY_BYTES // max(1, model_bytes))
    return part_count(audio_seconds, min(request.threads, cores, by_memory, MAX_PARTS))


async def transcribe_audio(
    request: TranscriptionRequest,
    adapter: EngineAdapter,
    model_path: Path,
    audio_path: Path,
    audio_seconds: float,
    work_dir: Path,
    listener: EngineStageListener,
    engine_word_times: bool,
    follow_up: PartFollowUp | None = None,
) -> Transcript:
    """The engine's words over the whole audio, each part's already through `follow_up` when one is given."""
    settings = TranscriptionSettings(
        audio_path=audio_path,
        model_path=model_path,
        language=request.language,
        threads=request.threads,
        engine_word_times=engine_word_times,
        coreml_compute_units=request.coreml_compute_units,
    )
    total_samples = round(audio_seconds * SAMPLE_RATE)
    kept = [SampleSpan(0, total_samples)]
    if skips_non_speech(request, audio_seconds):
        speech = await kept_speech(audio_path, work_dir, strict=request.vad is VadMode.ON)
        if speech == []:
            return Transcript()
        kept = speech or kept
    kept_seconds = sum(span.count for span in kept) / SAMPLE_RATE
    parts = _cut_into_parts(
        audio_path, work_dir, kept, planned_part_count(request, model_path, kept_seconds), total_samples
    )
    progress = _PartsProgress(len(parts), listener.progressed, follow_up.stage if follow_up else None)
    runner = _PartRunner(request, adapter, listener, progress, follow_up)
    listener.progressed(JobProgress(stage=JobStage.TRANSCRIBING, stage_fraction=0.0))
    if len(parts) == 1 and parts[0].path == audio_path:
        return await runner.transcribe_and_follow_up(settings, parts[0], work_dir, 0)
    return await _run_parts(runner, settings, parts, work_dir)


async def _run_parts(
    runner: _PartRunner, settings: TranscriptionSettings, parts: list[AudioPart], work_dir: Path
) -> Transcript:
    """All parts at once, the threads shared out; the first failure cancels (and so kills) the others."""
    threads = max(1, settings.threads // len(parts))
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [
                group.create_task(
                    runner.transcribe_and_follow_up(
                        settings.model_copy(update={"audio_path": part.path, "threads": threads}),
                        part,
                        work_dir / f"part-{index}",
                        index,
                    )
                )
                for index, part in enumerate(parts)
            ]
    except BaseExceptionGroup as failures:
        raise failures.exceptions[0] from None
    return _joined([task.result() for task in tasks], parts)


def _cut_into_parts(
    audio_path: Path, work_dir: Path, kept: list[SampleSpan], parts: int, total_samples: int
) -> list[AudioPart]:
    """One part holding the whole audio when it is heard whole by one process; else a WAV a part."""
    if parts == 1 and kept == [SampleSpan(0, total_samples)]:
        return [AudioPart(audio_path, whole_audio_plan(total_samples))]
    from metavis_gui.media.wav_samples import WavSamples  # numpy: only split audio needs it

    with WavSamples(audio_path) as samples:
        plans = plan_parts(kept, parts, lambda first, count: samples[first : first + count])
    cut: list[AudioPart] = []
    for index, plan in enumerate(plans):
        path = work_dir / f"audio-part-{index}.wav"
        write_wav_pieces(audio_path, path, [(piece.source_first, piece.count) for piece in plan.pieces])
        cut.append(AudioPart(path, plan))
    return cut


def _joined(transcripts: list[Transcript], parts: list[AudioPart]) -> Transcript:
    """The parts' words in order, in the audio's time; an engine pads a part's last window, so each part's
    words are clipped to the part first and never reach into the next."""
    words = []
    next_segment = 0
    for transcript, part in zip(transcripts, parts, strict=True):
        inside = transcript.clipped_to(ticks_from_seconds(part.seconds))
        for word in inside.words:
            start = word.start_ticks / TICKS_PER_SECOND
            piece = part.plan.piece_at(start)
            times = {
                "start_ticks": ticks_from_seconds(part.plan.source_seconds(start, piece=piece)),
                "end_ticks": ticks_from_seconds(
                    part.plan.source_seconds(word.end_ticks / TICKS_PER_SECOND, piece=piece)
                ),
                "segment_index": word.segment_index + next_segment,
            }
            words.append(word.model_copy(update=times))
        next_segment += max((word.segment_index for word in transcript.words), default=-1) + 1
    language = next((transcript.language for transcript in transcripts if transcript.language), None)
    encoder = joined_encoder([transcript.encoder for transcript in transcripts])
    return Transcript(words=tuple(words), language=language, encoder=encoder)


class _PartsProgress:
    """The mean of each part's furthest fraction: engines report per 30 s window, segments fill in between.

    The follow-up's progress is held back until every engine is done, so the bar never goes back a stage.
    """

    def __init__(self, parts: int, progressed: Callable[[JobProgress], None], follow_up_stage: JobStage | None) -> None:
        self._engine = [0.0] * parts
        self._follow_up = [0.0] * parts
        self._engines_running = parts
        self._progressed = progressed
        self._follow_up_stage = follow_up_stage
        self._reported = {JobStage.TRANSCRIBING: 0.0}

    def report(self, part: int, fraction: float) -> None:
        """What the engine's output says; a part is whole only once its process is done (engine_done)."""
        self._engine[part] = max(self._engine[part], min(_BEFORE_DONE, fraction))
        self._emit(JobStage.TRANSCRIBING, self._engine)

    def engine_done(self, part: int) -> None:
        self._engine[part] = 1.0
        self._emit(JobStage.TRANSCRIBING, self._engine)
        self._engines_running -= 1
        if self._engines_running == 0 and self._follow_up_stage is not None:
            self._emit(self._follow_up_stage, self._follow_up, force=True)

    def follow_up_report(self, part: int, fraction: float) -> None:
        self._follow_up[part] = max(self._follow_up[part], min(1.0, fraction))
        if self._engines_running == 0 and self._follow_up_stage is not None:
            self._emit(self._follow_up_stage, self._follow_up)

    def _emit(self, stage: JobStage, fractions: list[float], force: bool = False) -> None:
        overall = sum(fractions) / len(fractions)
        if force or overall > self._reported.get(stage, -1.0):
            self._reported[stage] = max(overall, self._reported.get(stage, 0.0))
            self._progressed(JobProgress(stage=stage, stage_fraction=overall))


# An engine prints its 100 % before it writes its output, and on stderr while its segments come on stdout,
# read by another thread: held just below whole, the bar neither ends early nor skips the live segments' steps.
_BEFORE_DONE = 0.99


@dataclass(frozen=True)
class _PartRunner:
    """Runs one part of the audio through the engine, then through the follow-up when there is one."""

    request: TranscriptionRequest
    adapter: EngineAdapter
    listener: EngineStageListener
    progress: _PartsProgress
    follow_up: PartFollowUp | None

    async def transcribe_and_follow_up(
        self, settings: TranscriptionSettings, part: AudioPart, work_dir: Path, index: int
    ) -> Transcript:
        # The engine's task is scheduled first, so its process starts before anything prepare starts.
        engine = asyncio.ensure_future(self.transcribe(settings, part, work_dir, index))
        prepared: PreparedFollowUp | None = None
        try:
            if self.follow_up is not None and self.follow_up.prepare is not None:
                prepared = self.follow_up.prepare(part.path, work_dir)
            transcript = await engine
            self.progress.engine_done(index)
            if self.follow_up is None or not transcript.words:
                self.progress.follow_up_report(index, 1.0)
                return transcript
            return await self.follow_up.run(
                transcript,
                part.path,
                work_dir,
                lambda fraction: self.progress.follow_up_report(index, fraction),
                prepared,
            )
        finally:
            if not engine.done():
                engine.cancel()
                with contextlib.suppress(BaseException):
                    await engine
            if prepared is not None:
                await prepared.discard()

    async def transcribe(
        self, settings: TranscriptionSettings, part: AudioPart, work_dir: Path, index: int
    ) -> Transcript:
        request, adapter, listener, progress = self.request, self.adapter, self.listener, self.progress
        work_dir.mkdir(parents=True, exist_ok=True)
        command = adapter.build_command(settings, work_dir)
        stall_timeout_seconds = request.stall_timeout_seconds or adapter.stall_timeout_seconds(settings.model_path)

        def on_stderr_line(line: str) -> None:
            fraction = adapter.progress_fraction(line)
            if fraction is not None:
                progress.report(index, fraction)

        def on_stdout_line(line: str) -> None:
            segment = adapter.live_segment(line)
            if segment is not None:
                progress.report(index, segment.end_seconds / part.seconds)
                piece = part.plan.piece_at(segment.start_seconds)
                times = {
                    "start_seconds": request.start_seconds
                    + part.plan.source_seconds(segment.start_seconds, piece=piece),
                    "end_seconds": request.start_seconds + part.plan.source_seconds(segment.end_seconds, piece=piece),
                }
                listener.segment_recognised(segment.model_copy(update=times))
            else:
                # Engines that print progress on stdout (WhisperKit) rather than stderr.
                on_stderr_line(line)

        try:
            result = await run_child_process(
                command.program,
                command.arguments,
                on_stdout_line=on_stdout_line,
                on_stderr_line=on_stderr_line,
                stall_timeout_seconds=stall_timeout_seconds,
                on_started=listener.process_started,
                environment=dict(command.environment),
            )
        except ChildProcessStalled as error:
            raise EngineTimedOut(f"{adapter.name} stopped responding: {error}") from error
        except ChildProcessFailedToStart as error:
            raise EngineNotFound(f"{adapter.name} could not be started: {error}") from error
        if result.crashed:
            raise EngineCrashed(
                f"{adapter.name} crashed while transcribing {request.input_path.name}. "
                "Try again; if it keeps crashing, try a smaller model.",
                stderr_tail=stderr_tail(result.stderr),
            )
        return adapter.read_result(command, result.exit_code, result.stderr)
