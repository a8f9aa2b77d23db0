"""The align stage of the one pipeline: on by default, off on request, never fatal, cancellable."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from metavis_gui import cli
from metavis_gui.jobs import alignment_stage
from metavis_gui.jobs.transcription_pipeline import JobListener, run_transcription
from metavis_gui.jobs.transcription_request import JobProgress, JobStage, TranscriptionRequest
from metavis_gui.ui.qt_event_loop import run_on_qt_loop
from tests.conftest import JFK_WAV
from tests.jobs.test_pipeline_bad_input import process_is_gone
from tests.support.fault_injection.fake_aligners import write_fake_aligner
from tests.support.transcript_checks import read_summary_json, read_valid_words

pytestmark = pytest.mark.usefixtures("engine_ready")
SUMMARY_KEYS_BEFORE_ALIGNMENT = ["durationSeconds", "input", "language", "schema", "tool", "wordCount"]


def generate(out_dir: Path, *extra: str) -> int:
    arguments = ["--input", str(JFK_WAV), "--out", str(out_dir), "--quiet", "--write-adjacent-captions", "false"]
    return cli.main(["transcript", "generate", *arguments, *extra])


@pytest.fixture(scope="module")
def aligned_and_engine_timed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("align")
    assert generate(folder / "auto") == 0
    assert generate(folder / "off", "--align", "off") == 0
    return folder / "auto", folder / "off"


def test_by_default_every_word_is_timed_from_the_audio_and_the_summary_says_so(aligned_and_engine_timed) -> None:
    aligned, _ = aligned_and_engine_timed
    summary = read_summary_json(aligned)
    timing = summary["timing"]
    assert timing["aligner"] == "pocketsphinx 5.1.1" and timing["acousticModel"] == "en-us"
    assert timing["aligned"] == summary["wordCount"] == len(read_valid_words(aligned))
    assert timing["wordSources"] == "a" * summary["wordCount"]


def test_align_off_writes_the_engine_times_and_the_summary_of_before(aligned_and_engine_timed) -> None:
    aligned, engine_timed = aligned_and_engine_timed
    assert sorted(read_summary_json(engine_timed)) == SUMMARY_KEYS_BEFORE_ALIGNMENT
    aligned_words, engine_words = read_valid_words(aligned), read_valid_words(engine_timed)
    assert [word.word for word in aligned_words] == [word.word for word in engine_words]
    moved = [a for a, e in zip(aligned_words, engine_words, strict=True) if a.source_time_ticks != e.source_time_ticks]
    assert len(moved) > len(aligned_words) // 2, "alignment must move the engine's starts"


@pytest.mark.parametrize("behaviour", ["crashing", "failing"])
def test_a_failing_aligner_keeps_the_engine_times_and_the_job_succeeds(
    behaviour: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = write_fake_aligner(tmp_path, behaviour)
    monkeypatch.setattr(alignment_stage, "aligner_command", lambda: (str(fake), []))
    arguments = ["--input", str(JFK_WAV), "--out", str(tmp_path / "out"), "--write-adjacent-captions", "false"]
    assert cli.main(["transcript", "generate", *arguments]) == 0
    timing = read_summary_json(tmp_path / "out")["timing"]
    assert timing["aligner"] is None and timing["aligned"] == 0 and timing["engineTimed"] > 0
    assert "Alignment failed" in timing["notice"]
    assert "Alignment failed" in capsys.readouterr().err


def test_cancelling_while_aligning_kills_the_aligner_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = write_fake_aligner(tmp_path, "hanging")
    monkeypatch.setattr(alignment_stage, "aligner_command", lambda: (str(fake), []))
    started: list[int] = []
    stages: list[JobStage] = []

    def progressed(progress: JobProgress) -> None:
        stages.append(progress.stage)

    async def cancel_once_aligning() -> None:
        request = TranscriptionRequest(input_path=JFK_WAV, output_dir=tmp_path / "out")
        listener = JobListener(progressed=progressed, process_started=started.append)
        job = asyncio.ensure_future(run_transcription(request, listener))
        while JobStage.ALIGNING not in stages or len(started) < 2:  # whisper-cli, the aligner (no FFmpeg for JFK)
            await asyncio.sleep(0.05)
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job

    run_on_qt_loop(cancel_once_aligning())
    assert started and all(process_is_gone(pid) for pid in started)
    assert not (tmp_path / "out").exists()


def test_progress_runs_through_aligning_and_never_goes_back(tmp_path: Path) -> None:
    fractions: list[float] = []
    stages: list[JobStage] = []

    def progressed(progress: JobProgress) -> None:
        fractions.append(progress.fraction)
        stages.append(progress.stage)

    request = TranscriptionRequest(input_path=JFK_WAV, output_dir=tmp_path / "out")
    run_on_qt_loop(run_transcription(request, JobListener(progressed=progressed)))
    assert JobStage.ALIGNING in stages
    assert fractions == sorted(fractions), "the progress bar must never move back"
    assert json.loads((tmp_path / "out" / "transcript.summary.v1.json").read_text())["timing"]["aligned"] > 0


def test_long_audio_is_aligned_a_window_at_a_time_with_the_times_of_one_pass(
    long_speech_wav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The aligner's child holds one window of audio; cutting between words must not move the words."""
    common = ["--input", str(long_speech_wav), "--quiet", "--write-adjacent-captions", "false"]
    assert cli.main(["transcript", "generate", *common, "--out", str(tmp_path / "whole")]) == 0
    started: list[int] = []
    monkeypatch.setattr(alignment_stage, "ALIGNMENT_WINDOW_SECONDS", 20.0)
    real_run = alignment_stage.run_child_process

    async def counting_run(*arguments, **options):  # type: ignore[no-untyped-def]
        started.append(1)
        return await real_run(*arguments, **options)

    monkeypatch.setattr(alignment_stage, "run_child_process", counting_run)
    assert cli.main(["transcript", "generate", *common, "--out", str(tmp_path / "windows")]) == 0
    assert len(started) >= 3, "a 66 s clip in 20 s windows takes three aligner runs or more"
    whole, windows = read_valid_words(tmp_path / "whole"), read_valid_words(tmp_path / "windows")
    assert [word.word for word in windows] == [word.word for word in whole]
    timing_whole = read_summary_json(tmp_path / "whole")["timing"]
    timing_windows = read_summary_json(tmp_path / "windows")["timing"]
    # A cut may leave one short stretch the aligner cannot match (4 of 132 words, measured), never more.
    assert timing_windows["aligned"] >= 0.95 * timing_whole["aligned"]
    assert timing_windows["aligned"] >= 0.75 * len(windows)
    # Where both runs timed a word from the audio, the windows moved it by no more than the aligner's own error.
    both_aligned = [
        abs(a.source_time_ticks - b.source_time_ticks) / 60000
        for a, b, source_a, source_b in zip(
            whole, windows, timing_whole["wordSources"], timing_windows["wordSources"], strict=True
        )
        if source_a == source_b == "a"
    ]
    differences = sorted(both_aligned)
    assert len(differences) >= 0.7 * len(windows)
    assert differences[len(differences) // 2] < 0.02 and differences[int(0.9 * len(differences))] < 0.1


def test_each_engine_part_is_aligned_on_its_own_audio_and_progress_never_goes_back(
    long_speech_wav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two engine processes, each part's words go to the aligner as soon as that part is done."""
    aligned_audio: list[str] = []
    real_run = alignment_stage.run_child_process

    async def recording_run(program, arguments, **options):  # type: ignore[no-untyped-def]
        aligned_audio.append(Path(arguments[arguments.index("--audio") + 1]).name)
        return await real_run(program, arguments, **options)

    monkeypatch.setattr(alignment_stage, "run_child_process", recording_run)
    seen: list[tuple[JobStage, float]] = []
    request = TranscriptionRequest(
        input_path=long_speech_wav, output_dir=tmp_path / "out", engine_processes=2, write_adjacent_captions=False
    )
    listener = JobListener(progressed=lambda progress: seen.append((progress.stage, progress.fraction)))
    run_on_qt_loop(run_transcription(request, listener))
    assert sorted(aligned_audio) == ["audio-part-0.wav", "audio-part-1.wav"]
    fractions = [fraction for _, fraction in seen]
    assert fractions == sorted(fractions), "the progress bar must never move back"
    stages = [stage for stage, _ in seen]
    first_aligning = stages.index(JobStage.ALIGNING)
    assert JobStage.TRANSCRIBING not in stages[first_aligning:], "aligning is shown once every engine is done"
    words, summary = read_valid_words(tmp_path / "out"), read_summary_json(tmp_path / "out")
    assert summary["timing"]["aligned"] >= 0.9 * len(words) > 100
    starts = [word.source_time_ticks for word in words]
    assert starts == sorted(starts) and starts[-1] / 60000 > 50
