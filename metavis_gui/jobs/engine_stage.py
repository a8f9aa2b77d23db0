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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from metavis_gui.contract.ticks import ticks_from_seconds
from metavis_gui.engines.engine_adapter import EngineAdapter
from metavis_gui.engines.engine_command import LiveSegment, TranscriptionSettings
from metavis_gui.engines.engine_table import engine_spec
from metavis_gui.engines.errors import EngineCrashed, EngineNotFound, EngineTimedOut, stderr_tail
from metavis_gui.jobs.child_process import ChildProcessFailedToStart, ChildProcessStalled, run_child_process
from metavis_gui.jobs.silence_skipping import vad_model_for_run
from metavis_gui.jobs.transcription_request import JobProgress, JobStage, TranscriptionRequest, usable_cpu_count
from metavis_gui.media.split_points import MIN_ASKED_PART_SECONDS, SAMPLE_RATE, part_count, split_points
from metavis_gui.media.wav_parts import write_wav_part
from metavis_gui.media.wav_samples import WavSamples
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
    first_sample: int

    @property
    def offset_seconds(self) -> float:
        return self.first_sample / SAMPLE_RATE


# (a part's words in the part's time, the part's audio, a work folder, on_fraction) -> its words, same time.
PartFollowUpRun = Callable[[Transcript, Path, Path, Callable[[float], None]], Awaitable[Transcript]]


@dataclass(frozen=True)
class PartFollowUp:
    stage: JobStage  # the stage its progress is shown as
    run: PartFollowUpRun


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
        vad_model_path=vad_model_for_run(request, audio_seconds),
        coreml_compute_units=request.coreml_compute_units,
    )
    parts = _cut_into_parts(audio_path, work_dir, planned_part_count(request, model_path, audio_seconds))
    progress = _PartsProgress(len(parts), listener.progressed, follow_up.stage if follow_up else None)
    listener.progressed(JobProgress(stage=JobStage.TRANSCRIBING, stage_fraction=0.0))
    if len(parts) == 1:
        return await _run_part_and_follow_up(
            request, adapter, settings, parts[0], work_dir, audio_seconds, 0, progress, listener, follow_up
        )
    return await _run_parts(request, adapter, settings, parts, work_dir, audio_seconds, progress, listener, follow_up)


async def _run_parts(
    request: TranscriptionRequest,
    adapter: EngineAdapter,
    settings: TranscriptionSettings,
    parts: list[AudioPart],
    work_dir: Path,
    audio_seconds: float,
    progress: _PartsProgress,
    listener: EngineStageListener,
    follow_up: PartFollowUp | None,
) -> Transcript:
    """All parts at once, the threads shared out; the first failure cancels (and so kills) the others."""
    threads = max(1, request.threads // len(parts))
    ends = [part.first_sample for part in parts[1:]] + [round(audio_seconds * SAMPLE_RATE)]
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [
                group.create_task(
                    _run_part_and_follow_up(
                        request,
                        adapter,
                        settings.model_copy(update={"audio_path": part.path, "threads": threads}),
                        part,
                        work_dir / f"part-{index}",
                        (end - part.first_sample) / SAMPLE_RATE,
                        index,
                        progress,
                        listener,
                        follow_up,
                    )
                )
                for index, (part, end) in enumerate(zip(parts, ends))
            ]
    except BaseExceptionGroup as failures:
        raise failures.exceptions[0] from None
    return _joined([task.result() for task in tasks], parts, ends)


def _cut_into_parts(audio_path: Path, work_dir: Path, parts: int) -> list[AudioPart]:
    if parts == 1:
        return [AudioPart(audio_path, 0)]
    with WavSamples(audio_path) as samples:
        total = len(samples)
        starts = [0, *split_points(total, parts, lambda first, count: samples[first : first + count])]
    cut: list[AudioPart] = []
    for index, first in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else total
        path = work_dir / f"audio-part-{index}.wav"
        write_wav_part(audio_path, path, first, end - first)
        cut.append(AudioPart(path, first))
    return cut


def _joined(transcripts: list[Transcript], parts: list[AudioPart], ends: list[int]) -> Transcript:
    """The parts' words in order, in the audio's time; an engine pads a part's last window, so each part's
    words are clipped to the part first and never reach into the next."""
    words = []
    next_segment = 0
    for transcript, part, end in zip(transcripts, parts, ends, strict=True):
        inside = transcript.clipped_to(ticks_from_seconds((end - part.first_sample) / SAMPLE_RATE))
        shifted = inside.shifted(ticks_from_seconds(part.offset_seconds))
        words += [
            word.model_copy(update={"segment_index": word.segment_index + next_segment}) for word in shifted.words
        ]
        next_segment += max((word.segment_index for word in transcript.words), default=-1) + 1
    language = next((transcript.language for transcript in transcripts if transcript.language), None)
    return Transcript(words=tuple(words), language=language)


async def _run_part_and_follow_up(
    request: TranscriptionRequest,
    adapter: EngineAdapter,
    settings: TranscriptionSettings,
    part: AudioPart,
    work_dir: Path,
    part_seconds: float,
    index: int,
    progress: _PartsProgress,
    listener: EngineStageListener,
    follow_up: PartFollowUp | None,
) -> Transcript:
    transcript = await _run_part(request, adapter, settings, part, work_dir, part_seconds, index, progress, listener)
    progress.engine_done(index)
    if follow_up is None or not transcript.words:
        progress.follow_up_report(index, 1.0)
        return transcript
    return await follow_up.run(
        transcript, part.path, work_dir, lambda fraction: progress.follow_up_report(index, fraction)
    )


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
        self._engine[part] = max(self._engine[part], min(1.0, fraction))
        self._emit(JobStage.TRANSCRIBING, self._engine)

    def engine_done(self, part: int) -> None:
        self.report(part, 1.0)
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


async def _run_part(
    request: TranscriptionRequest,
    adapter: EngineAdapter,
    settings: TranscriptionSettings,
    part: AudioPart,
    work_dir: Path,
    part_seconds: float,
    index: int,
    progress: _PartsProgress,
    listener: EngineStageListener,
) -> Transcript:
    work_dir.mkdir(parents=True, exist_ok=True)
    command = adapter.build_command(settings, work_dir)
    stall_timeout_seconds = request.stall_timeout_seconds or adapter.stall_timeout_seconds(settings.model_path)
    offset_seconds = request.start_seconds + part.offset_seconds

    def on_stderr_line(line: str) -> None:
        fraction = adapter.progress_fraction(line)
        if fraction is not None:
            progress.report(index, fraction)

    def on_stdout_line(line: str) -> None:
        segment = adapter.live_segment(line)
        if segment is not None:
            progress.report(index, segment.end_seconds / part_seconds)
            listener.segment_recognised(
                segment.model_copy(
                    update={
                        "start_seconds": segment.start_seconds + offset_seconds,
                        "end_seconds": segment.end_seconds + offset_seconds,
                    }
                )
            )

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
