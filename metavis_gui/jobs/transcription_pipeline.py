"""The one path from a media file to the contract files, used by the window and the headless command alike.

probe (ffprobe) -> decode to 16 kHz mono WAV (ffmpeg) -> engine (child process) -> parse
-> align (aligner child process, when a model covers the language) -> write atomically.
Every child runs through run_child_process, so cancelling the awaiting task kills whichever is running;
the private temp folder is removed in every case, and nothing is written until the transcript is whole.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from metavis_gui.contract import (
    ContractError,
    TimingSummary,
    ToolInfo,
    TranscriptSummary,
    WordDraft,
    build_word_records,
    write_transcript_bundle,
)
from metavis_gui.contract.ticks import ticks_from_seconds
from metavis_gui.engines.engine_adapter import EngineAdapter
from metavis_gui.engines.engine_command import LiveSegment, TranscriptionSettings
from metavis_gui.engines.engine_table import create_engine_adapter, resolve_model_path
from metavis_gui.engines.errors import EngineCrashed, EngineError, EngineNotFound, EngineTimedOut, stderr_tail
from metavis_gui.jobs.alignment_stage import AlignedTranscript, align_transcript, alignment_will_run
from metavis_gui.jobs.audio_decoding import decode_to_wav
from metavis_gui.jobs.child_process import ChildProcessFailedToStart, ChildProcessStalled, run_child_process
from metavis_gui.jobs.transcription_request import (
    AlignMode,
    JobProgress,
    JobStage,
    TranscriptionFailed,
    TranscriptionOutcome,
    TranscriptionRequest,
)
from metavis_gui.media.decode import (
    decoded_duration_seconds,
    expected_decoded_seconds,
    is_silent,
    read_decoded_samples,
)
from metavis_gui.media.errors import MediaError, MediaUnreadable
from metavis_gui.media.probe import MediaInfo, check_media_file, find_media_tool, parse_probe_output, probe_arguments
from metavis_gui.models.errors import ModelError
from metavis_gui.timeline.transcript import Transcript


@dataclass
class JobListener:
    """Callbacks a job reports to; the window turns them into signals, the command into printed lines."""

    progressed: Callable[[JobProgress], None] = lambda progress: None
    segment_recognised: Callable[[LiveSegment], None] = lambda segment: None
    process_started: Callable[[int], None] = lambda pid: None


_USER_FACING_ERRORS = (MediaError, EngineError, ModelError, ContractError)


async def run_transcription(request: TranscriptionRequest, listener: JobListener | None = None) -> TranscriptionOutcome:
    listener = listener or JobListener()
    try:
        return await _run(request, listener)
    except _USER_FACING_ERRORS as error:
        details = getattr(error, "stderr_tail", "")
        raise TranscriptionFailed(str(error), details) from error
    except OSError as error:
        raise TranscriptionFailed(f"{error.filename or request.output_dir}: {error.strerror or error}") from error


async def _run(request: TranscriptionRequest, listener: JobListener) -> TranscriptionOutcome:
    listener.progressed(JobProgress(stage=JobStage.PREPARING, stage_fraction=0.0))
    check_media_file(request.input_path)
    adapter = create_engine_adapter(request.engine)
    model_path = resolve_model_path(request.engine, request.model)
    media = await _probe(request.input_path, listener)
    if request.start_seconds >= media.duration_seconds:
        raise MediaUnreadable(
            request.input_path,
            f"{request.input_path}: the start offset {request.start_seconds:g} s lies past its end "
            f"({media.duration_seconds:.3f} s). Choose a smaller start.",
        )
    listener.progressed(JobProgress(stage=JobStage.PREPARING, stage_fraction=1.0))
    work_dir = Path(tempfile.mkdtemp(prefix="metavis-transcribe-"))
    try:
        audio_path = work_dir / "audio-16k-mono.wav"
        await _decode(request, media, audio_path, listener)
        samples = read_decoded_samples(request.input_path, audio_path)
        timing: TimingSummary | None = None
        if is_silent(samples):
            transcript, notice = Transcript(), f"No speech found in {request.input_path.name}: its audio is silent."
        else:
            spoken_language = request.language or _language_of_model(adapter, model_path)
            aligning = alignment_will_run(request.align is AlignMode.AUTO, spoken_language)
            transcript = await _transcribe(
                request, adapter, model_path, audio_path, decoded_duration_seconds(samples), work_dir, listener,
                engine_word_times=not aligning,
            )  # fmt: skip
            notice = None if transcript.words else f"No speech found in {request.input_path.name}."
            if transcript.words and request.align is AlignMode.AUTO:
                aligned = await _align(transcript, audio_path, work_dir, transcript.language or spoken_language, listener)
                transcript, timing = aligned.transcript, aligned.timing
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return _write_outputs(request, media, adapter, model_path, transcript, timing, notice, listener)


def _language_of_model(adapter: EngineAdapter, model_path: Path) -> str | None:
    """English-only models (tiny.en, ...) speak English; a multilingual one says only after decoding."""
    return "en" if adapter.model_id(model_path).endswith(".en") else None


async def _align(
    transcript: Transcript, audio_path: Path, work_dir: Path, language: str | None, listener: JobListener
) -> AlignedTranscript:
    def on_fraction(fraction: float) -> None:
        listener.progressed(JobProgress(stage=JobStage.ALIGNING, stage_fraction=fraction))

    return await align_transcript(
        transcript, audio_path, work_dir, language, on_fraction=on_fraction, on_started=listener.process_started
    )


async def _probe(path: Path, listener: JobListener) -> MediaInfo:
    ffprobe = find_media_tool("ffprobe")
    result = await run_child_process(ffprobe, probe_arguments(path), on_started=listener.process_started)
    return parse_probe_output(path, result.exit_code, result.stdout, result.stderr)


async def _decode(request: TranscriptionRequest, media: MediaInfo, audio_path: Path, listener: JobListener) -> None:
    await decode_to_wav(
        request.input_path,
        audio_path,
        start_seconds=request.start_seconds,
        max_seconds=request.max_seconds,
        expected_seconds=expected_decoded_seconds(media.duration_seconds, request.start_seconds, request.max_seconds),
        on_fraction=lambda fraction: listener.progressed(JobProgress(stage=JobStage.DECODING, stage_fraction=fraction)),
        on_started=listener.process_started,
    )


async def _transcribe(
    request: TranscriptionRequest,
    adapter: EngineAdapter,
    model_path: Path,
    audio_path: Path,
    audio_seconds: float,
    work_dir: Path,
    listener: JobListener,
    engine_word_times: bool,
) -> Transcript:
    settings = TranscriptionSettings(
        audio_path=audio_path,
        model_path=model_path,
        language=request.language,
        threads=request.threads,
        engine_word_times=engine_word_times,
    )
    command = adapter.build_command(settings, work_dir)
    stall_timeout_seconds = request.stall_timeout_seconds or adapter.stall_timeout_seconds(model_path)
    offset_seconds = request.start_seconds
    reported = 0.0

    def report(fraction: float) -> None:
        # Engines report progress per 30 s window; recognised segments fill in between, so take the furthest.
        nonlocal reported
        if fraction > reported:
            reported = min(1.0, fraction)
            listener.progressed(JobProgress(stage=JobStage.TRANSCRIBING, stage_fraction=reported))

    def on_stderr_line(line: str) -> None:
        fraction = adapter.progress_fraction(line)
        if fraction is not None:
            report(fraction)

    def on_stdout_line(line: str) -> None:
        segment = adapter.live_segment(line)
        if segment is not None:
            report(segment.end_seconds / audio_seconds)
            listener.segment_recognised(
                segment.model_copy(
                    update={
                        "start_seconds": segment.start_seconds + offset_seconds,
                        "end_seconds": segment.end_seconds + offset_seconds,
                    }
                )
            )

    listener.progressed(JobProgress(stage=JobStage.TRANSCRIBING, stage_fraction=0.0))
    try:
        result = await run_child_process(
            command.program,
            command.arguments,
            on_stdout_line=on_stdout_line,
            on_stderr_line=on_stderr_line,
            stall_timeout_seconds=stall_timeout_seconds,
            on_started=listener.process_started,
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
    transcript = adapter.read_result(command, result.exit_code, result.stderr)
    listener.progressed(JobProgress(stage=JobStage.TRANSCRIBING, stage_fraction=1.0))
    return transcript


def _write_outputs(
    request: TranscriptionRequest,
    media: MediaInfo,
    adapter: EngineAdapter,
    model_path: Path,
    transcript: Transcript,
    timing: TimingSummary | None,
    notice: str | None,
    listener: JobListener,
) -> TranscriptionOutcome:
    listener.progressed(JobProgress(stage=JobStage.WRITING, stage_fraction=0.0))
    end_seconds = expected_decoded_seconds(media.duration_seconds, request.start_seconds, request.max_seconds)
    positioned = transcript.shifted(ticks_from_seconds(request.start_seconds)).clipped_to(
        ticks_from_seconds(request.start_seconds + end_seconds)
    )
    records = build_word_records(
        WordDraft(
            word=word.text,
            start_ticks=word.start_ticks,
            end_ticks=word.end_ticks,
            confidence=word.confidence,
            segment_id=f"s_{word.segment_index + 1}",
        )
        for word in positioned.words
    )
    if timing is not None:
        # The records are in the contract's order (start, end, then engine order), one timing letter each.
        in_record_order = sorted(positioned.words, key=lambda word: (word.start_ticks, word.end_ticks))
        timing = TimingSummary.of_sources(
            (word.timing_source for word in in_record_order), timing.aligner, timing.acoustic_model, timing.notice
        )
    language = positioned.language or request.language
    try:
        summary = TranscriptSummary(
            input=request.input_path.name,
            duration_seconds=media.duration_seconds,
            language=language,
            tool=ToolInfo(name=adapter.name, version=adapter.version, model=adapter.model_id(model_path)),
            word_count=len(records),
            timing=timing,
        )
    except ValidationError as error:
        raise TranscriptionFailed(f"The transcript summary is invalid: {error}") from error
    adjacent = request.input_path if request.write_adjacent_captions else None
    paths = write_transcript_bundle(request.output_dir, records, summary, adjacent_captions_for=adjacent)
    listener.progressed(JobProgress(stage=JobStage.WRITING, stage_fraction=1.0))
    return TranscriptionOutcome(
        output_paths=tuple(paths),
        word_count=len(records),
        language=language,
        duration_seconds=media.duration_seconds,
        notice=notice,
        timing=timing,
    )
