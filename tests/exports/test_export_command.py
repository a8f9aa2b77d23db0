"""`transcript generate --export ...` through the installed console script, on real speech with the real engine:
the exports join the contract files, are named after the clip, and open in their readers within one frame."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from metavis_gui.contract import read_summary, read_words_jsonl
from metavis_gui.exports.caption_rules import DEFAULT_CAPTION_PRESET
from metavis_gui.exports.clip_timing import clip_info_of
from metavis_gui.exports.export_document import ExportDocument
from metavis_gui.exports.export_formats import find_export_format
from metavis_gui.exports.export_words import export_words_of_records
from metavis_gui.media.probe import parse_probe_output, probe_arguments
from tests.cli.console_script import GENERATE, jfk_copy, run_command
from tests.conftest import JFK_WAV, run_ffmpeg

pytestmark = pytest.mark.usefixtures("engine_ready")

EIGHT_FORMATS = ("srt", "ass", "vtt", "txt", "tsv", "fcpxml", "edl", "otio")


def test_export_writes_eight_files_named_after_the_clip_that_read_back_within_one_frame(tmp_path: Path) -> None:
    media = jfk_copy(tmp_path, "interview.wav")
    out = tmp_path / "out"
    completed = run_command(
        *GENERATE,
        "--input",
        media,
        "--out",
        out,
        "--export",
        "srt,ass,vtt,txt",
        "--export",
        "tsv,fcpxml,edl,otio",
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    written = sorted(path.name for path in out.iterdir())
    names = sorted(
        [
            "interview.srt",
            "interview.ass",
            "interview.vtt",
            "interview.txt",
            "interview.words.tsv",
            "interview.fcpxml",
            "interview.edl",
            "interview.otio",
        ]
    )
    assert written == sorted([*names, "captions.vtt", "transcript.summary.v1.json", "transcript.words.v1.jsonl"])
    printed = completed.stdout.splitlines()
    assert all(str(out / name) in printed for name in names), completed.stdout

    records = read_words_jsonl(out / "transcript.words.v1.jsonl").records
    timing = read_summary(out / "transcript.summary.v1.json").timing
    clip = clip_info_of(media, None, None, 11.0)
    document = ExportDocument(
        export_words_of_records(records, timing.sources() if timing else None), clip, DEFAULT_CAPTION_PRESET.rules
    )
    one_frame = 60000 / 25
    for format_id in EIGHT_FORMATS:
        export_format = find_export_format(format_id)
        data = (out / f"interview{export_format.suffix}").read_bytes()
        assert data == export_format.writer(document), format_id  # the same words, the same file
        if export_format.reader is None:
            continue
        read = export_format.reader(data, clip)
        expected = document.words if export_format.holds_words else document.captions
        assert len(read) == len(expected) > 0, format_id
        for got, wanted in zip(read, expected, strict=True):
            assert abs(got.start_ticks - wanted.start_ticks) <= one_frame, (format_id, got, wanted)
    assert "ask not what your country can do for you" in (out / "interview.txt").read_text()


def test_an_unknown_export_format_is_a_usage_error_naming_the_known_ones(tmp_path: Path) -> None:
    completed = run_command(*GENERATE, "--input", jfk_copy(tmp_path), "--out", tmp_path / "out", "--export", "srt,docx")
    assert completed.returncode == 2, completed.stderr
    assert "unknown export format 'docx'" in completed.stderr and "fcpxml" in completed.stderr
    assert not (tmp_path / "out").exists()


def test_probe_reads_a_videos_frame_rate_and_start_timecode(tmp_path: Path) -> None:
    video = tmp_path / "take.mov"
    run_ffmpeg(
        "-f", "lavfi", "-i", "color=c=navy:s=64x48:r=30000/1001", "-i", str(JFK_WAV), "-t", "2",
        "-c:v", "libx264", "-c:a", "aac", "-timecode", "01:00:00;00", str(video),
    )  # fmt: skip
    probed = subprocess.run(["ffprobe", *probe_arguments(video)], capture_output=True, text=True, check=False)
    media = parse_probe_output(video, probed.returncode, probed.stdout, probed.stderr)
    assert (media.frame_rate, media.start_timecode) == ("30000/1001", "01:00:00;00")
    clip = clip_info_of(video, media.frame_rate, media.start_timecode, media.duration_seconds)
    assert (clip.drop_frame, clip.start_frame, clip.start_timecode) == (True, 107892, "01:00:00;00")
    probed = subprocess.run(["ffprobe", *probe_arguments(JFK_WAV)], capture_output=True, text=True, check=False)
    audio = parse_probe_output(JFK_WAV, probed.returncode, probed.stdout, probed.stderr)
    assert (audio.frame_rate, audio.start_timecode) == (None, None)
