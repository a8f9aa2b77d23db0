"""The headless command on real speech, through the real whisper-cli and the real tiny.en model."""

from __future__ import annotations

from pathlib import Path

import pytest

from metavis_gui import cli
from tests.conftest import JFK_REFERENCE, JFK_WAV, copy_to
from tests.support.transcript_checks import (
    assert_words_ordered_inside,
    read_summary_json,
    read_valid_words,
    word_error_rate,
)

pytestmark = pytest.mark.usefixtures("engine_ready")
JFK_DURATION_SECONDS = 11.0


def generate(input_path: Path, out_dir: Path, *extra: str) -> int:
    arguments = ["--input", str(input_path), "--out", str(out_dir), "--quiet", "--write-adjacent-captions", "false"]
    return cli.main(["transcript", "generate", *arguments, *extra])


@pytest.fixture(scope="module")
def jfk_transcript(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out_dir = tmp_path_factory.mktemp("jfk") / "out"
    assert generate(JFK_WAV, out_dir) == 0
    return out_dir


def test_jfk_gives_the_reference_sentence(jfk_transcript: Path) -> None:
    records = read_valid_words(jfk_transcript)
    text = " ".join(record.word for record in records)
    assert word_error_rate(JFK_REFERENCE, text) <= 0.10, text
    assert_words_ordered_inside(records, JFK_DURATION_SECONDS)
    assert all(0.0 <= record.confidence <= 1.0 for record in records)
    assert any(record.confidence < 1.0 for record in records), "confidence must come from the engine"


def test_jfk_words_sit_where_they_are_spoken(jfk_transcript: Path) -> None:
    records = read_valid_words(jfk_transcript)
    # "And" starts near 0.3 s and "country." ends near 10.6 s in this recording.
    assert records[0].source_time_ticks < 1.5 * 60000
    assert records[-1].source_time_end_ticks > 9.0 * 60000


def test_summary_and_captions_are_written(jfk_transcript: Path) -> None:
    summary = read_summary_json(jfk_transcript)
    records = read_valid_words(jfk_transcript)
    assert summary["schema"] == "transcript.summary.v1"
    assert summary["input"] == "jfk.wav"
    assert summary["durationSeconds"] == pytest.approx(JFK_DURATION_SECONDS, abs=0.05)
    assert summary["language"] == "en"
    assert summary["tool"] == {"name": "whisper.cpp", "version": "1.8.5", "model": "tiny.en"}
    assert summary["wordCount"] == len(records)
    captions = (jfk_transcript / "captions.vtt").read_text(encoding="utf-8")
    assert captions.startswith("WEBVTT\n")
    assert "-->" in captions and "Americans" in captions


def test_same_input_twice_gives_identical_bytes(jfk_transcript: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert generate(JFK_WAV, again) == 0
    for name in ("transcript.words.v1.jsonl", "transcript.summary.v1.json", "captions.vtt"):
        assert (again / name).read_bytes() == (jfk_transcript / name).read_bytes(), name


def test_speech_inside_a_video_gives_the_same_words(jfk_transcript: Path, jfk_mp4: Path, tmp_path: Path) -> None:
    assert generate(jfk_mp4, tmp_path / "video") == 0
    from_video = [record.word for record in read_valid_words(tmp_path / "video")]
    from_wav = [record.word for record in read_valid_words(jfk_transcript)]
    assert word_error_rate(" ".join(from_wav), " ".join(from_video)) <= 0.10
    assert read_summary_json(tmp_path / "video")["input"] == "jfk video.mp4"


def test_start_offset_shifts_every_tick(jfk_transcript: Path, tmp_path: Path) -> None:
    assert generate(JFK_WAV, tmp_path / "offset", "--start-seconds", "3") == 0
    shifted = read_valid_words(tmp_path / "offset")
    whole = read_valid_words(jfk_transcript)
    assert shifted, "the last 8 s hold speech"
    assert all(record.source_time_ticks >= 3 * 60000 for record in shifted)
    assert_words_ordered_inside(shifted, JFK_DURATION_SECONDS)
    # The same spoken words, timed against the whole file: the tail of both runs lines up.
    for late, early in zip(reversed(shifted[-4:]), reversed(whole[-4:])):
        assert late.word == early.word
        assert abs(late.source_time_ticks - early.source_time_ticks) < 0.3 * 60000, (late, early)


def test_max_seconds_limits_the_transcribed_span(tmp_path: Path) -> None:
    assert generate(JFK_WAV, tmp_path / "short", "--max-seconds", "4") == 0
    records = read_valid_words(tmp_path / "short")
    assert records and all(record.source_time_end_ticks <= 4 * 60000 for record in records)
    assert len(records) < 12, "the full sentence has 22 words; the first 4 s hold about 7"


def test_adjacent_captions_are_written_beside_the_media(tmp_path: Path) -> None:
    media = copy_to(JFK_WAV, tmp_path / "media" / "interview take 1.wav")
    assert generate(media, tmp_path / "out", "--write-adjacent-captions", "true") == 0
    adjacent = media.with_name("interview take 1.captions.vtt")
    assert adjacent.read_bytes() == (tmp_path / "out" / "captions.vtt").read_bytes()


def test_progress_rises_and_live_text_arrives_before_the_end(tmp_path: Path) -> None:
    from metavis_gui.engines.engine_command import LiveSegment
    from metavis_gui.jobs.transcription_pipeline import JobListener, run_transcription
    from metavis_gui.jobs.transcription_request import JobProgress, JobStage, TranscriptionRequest
    from metavis_gui.ui.qt_event_loop import run_on_qt_loop

    fractions: list[float] = []
    segments: list[LiveSegment] = []
    stages: list[JobStage] = []

    def progressed(progress: JobProgress) -> None:
        fractions.append(progress.fraction)
        stages.append(progress.stage)

    request = TranscriptionRequest(input_path=JFK_WAV, output_dir=tmp_path / "out", start_seconds=1.0)
    listener = JobListener(progressed=progressed, segment_recognised=segments.append)
    outcome = run_on_qt_loop(run_transcription(request, listener))

    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert [stage for index, stage in enumerate(stages) if stage not in stages[:index]] == list(JobStage)
    assert len(segments) >= 2, "whisper-cli prints every segment as it is recognised (patched for DTW)"
    live_text = " ".join(segment.text for segment in segments)
    written = " ".join(record.word for record in read_valid_words(tmp_path / "out"))
    assert word_error_rate(written, live_text) <= 0.10
    assert segments[0].start_seconds >= 1.0, "live segment times refer to the whole file"
    assert outcome.word_count == len(read_valid_words(tmp_path / "out"))


@pytest.mark.parametrize(
    ("suffix", "codec_arguments"),
    [
        (".mp3", ["-c:a", "libmp3lame", "-b:a", "64k"]),
        (".m4a", ["-c:a", "aac", "-b:a", "64k"]),
        (".flac", ["-c:a", "flac"]),
        (".ogg", ["-c:a", "libvorbis"]),
        (".webm", ["-c:a", "libopus", "-b:a", "48k"]),
        (".mkv", ["-c:a", "aac", "-ar", "44100", "-ac", "2"]),
        (".mov", ["-c:a", "pcm_s24le", "-ar", "48000", "-ac", "2"]),
    ],
)
def test_every_common_container_and_codec(
    jfk_transcript: Path, tmp_path: Path, suffix: str, codec_arguments: list[str]
) -> None:
    from tests.conftest import run_ffmpeg

    media = tmp_path / f"jfk{suffix}"
    run_ffmpeg("-i", str(JFK_WAV), *codec_arguments, str(media))
    assert generate(media, tmp_path / "out") == 0
    words = " ".join(record.word for record in read_valid_words(tmp_path / "out"))
    assert word_error_rate(JFK_REFERENCE, words) <= 0.10, words


def test_whispercpp_environment_variables_choose_binary_and_model(
    tmp_path: Path, default_model_path: Path, whisper_cli_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model_copy = copy_to(default_model_path, tmp_path / "models dir" / "my-model.bin")
    binary_copy = copy_to(whisper_cli_path, tmp_path / "bin" / "whisper-cli")
    binary_copy.chmod(0o755)
    monkeypatch.setenv("WHISPERCPP_MODEL", str(model_copy))
    monkeypatch.setenv("WHISPERCPP_BIN", str(binary_copy))
    assert generate(JFK_WAV, tmp_path / "out") == 0
    summary = read_summary_json(tmp_path / "out")
    assert summary["tool"]["model"] == "tiny.en", "the model is named from its shapes, not its file name"
    assert summary["tool"]["version"] is None, "a binary without our build manifest has no known version"
