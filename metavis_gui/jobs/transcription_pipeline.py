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
from metavis_gui.contract.file_name_text import file_name_text
from metavis_gui.contract.output_commit import reserve_output_folder
from metavis_gui.contract.ticks import ticks_from_seconds
from metavis_gui.engines.engine_adapter import EngineAdapter
from metavis_gui.engines.engine_command import LiveSegment
from metavis_gui.engines.engine_table import create_engine_adapter, resolve_model_path
from metavis_gui.engines.errors import EngineError
from metavis_gui.exports.run_exports import run_export_files
from metavis_gui.jobs.alignment_stage import WarmAligner, align_transcript, alignment_will_run, joined_timing
from metavis_gui.jobs.audio_decoding import decode_to_wav, needs_decoding
from metavis_gui.jobs.child_process import run_child_process
from metavis_gui.jobs.engine_stage import PartFollowUp, PreparedFollowUp, planned_part_count, transcribe_audio
from metavis_gui.jobs.preflight import (
    check_model_language,
    check_room,
    chosen_audio_stream,
    promised_media_seconds,
    warn_if_truncated,
)
from metavis_gui.jobs.silence_skipping import skips_non_speech
from metavis_gui.jobs.stale_temp_folders import make_private_work_dir, remove_stale_work_dirs
from metavis_gui.jobs.transcription_request import (
    AlignMode,
    JobProgress,
    JobStage,
    JobWarning,
    TranscriptionFailed,
    TranscriptionOutcome,
    TranscriptionRequest,
)
from metavis_gui.media.decode import (
    decoded_duration_seconds,
    expected_decoded_seconds,
    is_silent,
    scan_decoded_audio,
    too_short_notice,
)
from metavis_gui.media.errors import MediaError, MediaUnreadable
from metavis_gui.media.probe import (
    MediaInfo,
    check_media_file,
    find_media_tool,
    parse_probe_output,
    pcm_wav_media_info,
    probe_arguments,
)
from metavis_gui.models.errors import ModelError
from metavis_gui.timeline.transcript import Transcript


@dataclass
class JobListener:
    """Callbacks a job reports to; the window turns them into signals, the command into printed lines."""

    progressed: Callable[[JobProgress], None] = lambda progress: None
    segment_recognised: Callable[[LiveSegment], None] = lambda segment: None
    process_started: Callable[[int], None] = lambda pid: None
    warned: Callable[[JobWarning], None] = lambda warning: None
    # Told as soon as the whole new set is in place: a run cancelled after it must not say "nothing written".
    outputs_written: Callable[[tuple[Path, ...]], None] = lambda paths: None


_USER_FACING_ERRORS = (MediaError, EngineError, ModelError, ContractError)


async def run_transcription(request: TranscriptionRequest, listener: JobListener | None = None) -> TranscriptionOutcome:
    listener = listener or JobListener()
    try:
        # Held from before any work: a second run on the same folder is refused at once, not after minutes.
        with reserve_output_folder(request.output_dir):
            return await _run(request, listener)
    except _USER_FACING_ERRORS as error:
        details = getattr(error, "stderr_tail", "")
        raise TranscriptionFailed(str(error), details) from error
    except OSError as error:
        raise TranscriptionFailed(f"{error.filename or request.output_dir}: {error.strerror or error}") from error


async def _run(request: TranscriptionRequest, listener: JobListener) -> TranscriptionOutcome:
    listener.progressed(JobProgress(stage=JobStage.PREPARING, stage_fraction=0.0))
    check_media_file(request.input_path)
    remove_stale_work_dirs()
    adapter = create_engine_adapter(request.engine)
    model_path = resolve_model_path(request.engine, request.model)
    model_id = adapter.model_id(model_path)  # read once: for a ggml file it is its header
    check_model_language(model_id, model_path, request.language)
    media = await _probe(request.input_path, listener)
    stream = chosen_audio_stream(media, request.audio_stream, listener.warned)
    if request.start_seconds >= media.duration_seconds:
        raise MediaUnreadable(
            request.input_path,
            f"{request.input_path}: the start offset {request.start_seconds:g} s lies past its end "
            f"({media.duration_seconds:.3f} s). Choose a smaller start.",
        )
    expected_seconds = expected_decoded_seconds(
        promised_media_seconds(media, stream), request.start_seconds, request.max_seconds
    )
    check_room(request.output_dir, Path(tempfile.gettempdir()), expected_seconds)
    listener.progressed(JobProgress(stage=JobStage.PREPARING, stage_fraction=1.0))
    work_dir = make_private_work_dir()
    audio_path = work_dir / "audio-16k-mono.wav"
    spoken_language = request.language or _language_of_model(model_id)
    early: WarmAligner | None = None
    try:
        if needs_decoding(request.input_path, stream.number):  # a copy leaves no time to load it in
            early = _early_aligner(
                request, model_path, audio_path, work_dir, spoken_language, expected_seconds, listener
            )
        await _decode(request, media, audio_path, listener, stream.number)
        samples = scan_decoded_audio(request.input_path, audio_path)
        decoded_seconds = decoded_duration_seconds(samples)
        warn_if_truncated(media, expected_seconds, decoded_seconds, listener.warned)
        timing: TimingSummary | None = None
        too_short = too_short_notice(request.input_path, decoded_seconds)
        if too_short is not None:
            transcript, notice = Transcript(), too_short
        elif is_silent(samples):
            transcript, notice = Transcript(), f"No speech found in {request.input_path.name}: its audio is silent."
        else:
            aligning = alignment_will_run(request.align is AlignMode.AUTO, spoken_language)
            part_timings: list[TimingSummary] = []
            follow_up = _alignment_follow_up(spoken_language, part_timings, listener, early)
            transcript = await transcribe_audio(
                request, adapter, model_path, audio_path, decoded_seconds, work_dir, listener,
                engine_word_times=not aligning, follow_up=follow_up if request.align is AlignMode.AUTO else None,
            )  # fmt: skip
            notice = None if transcript.words else f"No speech found in {request.input_path.name}."
            if part_timings:
                timing = joined_timing(transcript, part_timings)
    finally:
        if early is not None:
            await early.discard()  # unused (or already done)
        shutil.rmtree(work_dir, ignore_errors=True)
    return _write_outputs(request, media, adapter, model_id, transcript, timing, notice, listener)


def _language_of_model(model_id: str) -> str | None:
    """English-only models (tiny.en, ...) speak English; a multilingual one says only after decoding."""
    return "en" if model_id.endswith(".en") else None


def _early_aligner(
    request: TranscriptionRequest,
    model_path: Path,
    audio_path: Path,
    work_dir: Path,
    spoken_language: str | None,
    expected_seconds: float,
    listener: JobListener,
) -> WarmAligner | None:
    """The aligner started before the audio is decoded, so it loads while ffmpeg (one core) and then the
    engine's model load (one core) leave the other core free, rather than beside the engine's two threads
    (0.07 s of an 11 s clip's run). Only where the audio will be the one engine part: under a minute,
    nothing skipped, one process."""
    if request.align is not AlignMode.AUTO or skips_non_speech(request, expected_seconds):
        return None
    if planned_part_count(request, model_path, expected_seconds) != 1:
        return None
    return WarmAligner.start(audio_path, work_dir, spoken_language, listener.process_started, expected_seconds)


def _alignment_follow_up(
    spoken_language: str | None, part_timings: list[TimingSummary], listener: JobListener, early: WarmAligner | None
) -> PartFollowUp:
    """The aligner on each engine part's words as soon as that part is transcribed; each part's timing
    summary is kept in part_timings. `early`: an aligner already started for the part it fits."""
    unclaimed = [early] if early is not None else []

    def warm_aligner(audio_path: Path, work_dir: Path) -> WarmAligner | None:
        if unclaimed and unclaimed[0].fits_part(audio_path, work_dir):
            return unclaimed.pop()
        return WarmAligner.start(audio_path, work_dir, spoken_language, listener.process_started)

    async def align_part(
        transcript: Transcript,
        audio_path: Path,
        work_dir: Path,
        on_fraction: Callable[[float], None],
        warm: PreparedFollowUp | None,
    ) -> Transcript:
        language = transcript.language or spoken_language
        aligned = await align_transcript(
            transcript, audio_path, work_dir, language, on_fraction=on_fraction, on_started=listener.process_started,
            warm=warm if isinstance(warm, WarmAligner) else None,
        )  # fmt: skip
        part_timings.append(aligned.timing)
        return aligned.transcript

    return PartFollowUp(stage=JobStage.ALIGNING, run=align_part, prepare=warm_aligner)


async def _probe(path: Path, listener: JobListener) -> MediaInfo:
    from_header = pcm_wav_media_info(path)
    if from_header is not None:
        return from_header
    ffprobe = find_media_tool("ffprobe")
    result = await run_child_process(ffprobe, probe_arguments(path), on_started=listener.process_started)
    return parse_probe_output(path, result.exit_code, result.stdout, result.stderr)


async def _decode(
    request: TranscriptionRequest, media: MediaInfo, audio_path: Path, listener: JobListener, audio_stream: int
) -> None:
    await decode_to_wav(
        request.input_path,
        audio_path,
        start_seconds=request.start_seconds,
        max_seconds=request.max_seconds,
        audio_stream=audio_stream,
        expected_seconds=expected_decoded_seconds(media.duration_seconds, request.start_seconds, request.max_seconds),
        on_fraction=lambda fraction: listener.progressed(JobProgress(stage=JobStage.DECODING, stage_fraction=fraction)),
        on_started=listener.process_started,
    )


def _write_outputs(
    request: TranscriptionRequest,
    media: MediaInfo,
    adapter: EngineAdapter,
    model_id: str,
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
            input=file_name_text(request.input_path.name),
            duration_seconds=media.duration_seconds,
            language=language,
            tool=ToolInfo(name=adapter.name, version=adapter.version, model=model_id),
            word_count=len(records),
            timing=timing,
            encoder=positioned.encoder,
        )
    except ValidationError as error:
        raise TranscriptionFailed(f"The transcript summary is invalid: {error}") from error
    adjacent = request.input_path if request.write_adjacent_captions else None
    exports = run_export_files(
        request.input_path, records, timing.sources() if timing is not None else None, request.export_formats,
        request.caption_preset, media.frame_rate, media.start_timecode, media.duration_seconds,
    )  # fmt: skip
    paths = write_transcript_bundle(
        request.output_dir, records, summary, adjacent_captions_for=adjacent, extra_files=exports
    )
    listener.outputs_written(tuple(paths))
    listener.progressed(JobProgress(stage=JobStage.WRITING, stage_fraction=1.0))
    return TranscriptionOutcome(
        output_paths=tuple(paths),
        word_count=len(records),
        language=language,
        duration_seconds=media.duration_seconds,
        notice=notice,
        timing=timing,
        encoder=positioned.encoder,
    )
