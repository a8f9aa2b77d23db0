"""The timeline's File > Export formats… dialog, in a real window on the engine's transcript of jfk.wav."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from metavis_gui.exports.caption_rules import find_caption_preset
from metavis_gui.exports.clip_timing import clip_info_of
from metavis_gui.exports.export_document import ExportDocument
from metavis_gui.exports.export_formats import find_export_format
from metavis_gui.exports.export_words import export_words_of_timeline
from metavis_gui.timeline.edit_commands import SetWordText
from metavis_gui.timeline.timing_checks import ProblemKind
from tests.conftest import JFK_WAV, run_ffmpeg
from tests.support.timeline_fixtures import pump
from tests.support.ui_helpers import wait_until

pytestmark = pytest.mark.usefixtures("engine_ready")
CHOSEN = ("srt", "ass", "vtt", "txt", "tsv", "fcpxml", "edl", "otio")


def timecoded_take(folder: Path) -> Path:
    """The JFK speech as a 29.97 fps video whose timecode starts at 01:00:00;00."""
    take = folder / "take 1.mov"
    run_ffmpeg(
        "-f", "lavfi", "-i", "color=c=navy:s=64x48:r=30000/1001", "-i", str(JFK_WAV), "-shortest",
        "-c:v", "libx264", "-c:a", "aac", "-timecode", "01:00:00;00", str(take),
    )  # fmt: skip
    return take


def click_export(dialog) -> None:
    assert dialog.export_button.isEnabled()
    dialog.export_button.click()


def test_export_dialog_writes_the_chosen_formats_named_after_the_clip_and_asks_before_replacing(
    open_window, transcript_copy: Path, tmp_path: Path, qasync_loop
) -> None:
    take = timecoded_take(tmp_path)
    window = open_window(transcript_copy, media_path=take, wait_for_waveform=False)
    window.actions_by_name["export_formats"].trigger()
    dialog = window.files.export_dialog
    assert dialog is not None and dialog.isVisible()
    wait_until(qasync_loop, lambda: "01:00:00;00" in dialog.clip_label.text(), 20, "ffprobe reads the timecode")
    assert "29.97 fps" in dialog.clip_label.text()

    out = tmp_path / "exports"
    out.mkdir()
    dialog.choose_formats(CHOSEN)
    dialog.folder_field.setText(str(out))
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("web"))
    click_export(dialog)
    pump(qasync_loop)
    names = [
        "take 1.srt",
        "take 1.ass",
        "take 1.vtt",
        "take 1.txt",
        "take 1.words.tsv",
        "take 1.fcpxml",
        "take 1.edl",
        "take 1.otio",
    ]
    assert sorted(path.name for path in out.iterdir()) == sorted(names)
    assert not dialog.isVisible()

    # The same bytes the command writes for these words, clip and rules: the writers are shared.
    clip = clip_info_of(take, "30000/1001", "01:00:00;00", dialog.clip.duration_ticks / 60000)
    document = ExportDocument(
        export_words_of_timeline(window.document.transcript), clip, find_caption_preset("web").rules
    )
    for format_id, name in zip(CHOSEN, names, strict=True):
        assert (out / name).read_bytes() == find_export_format(format_id).writer(document), name
    assert "01:00:0" in (out / "take 1.edl").read_text() and "DROP FRAME" in (out / "take 1.edl").read_text()

    # Again: the choices are remembered, and nothing is replaced unasked.
    (out / "take 1.srt").write_text("kept")
    window.actions_by_name["export_formats"].trigger()
    again = window.files.export_dialog
    assert again is not dialog and not again.export_button.isEnabled()  # until ffprobe has answered
    wait_until(qasync_loop, again.export_button.isEnabled, 20, "ffprobe reads the timecode")
    assert [export_format.id for export_format in again.chosen_formats()] == list(CHOSEN)
    assert again.folder() == out and again.preset_box.currentData() == "web"
    click_export(again)
    prompt = again.overwrite_prompt
    assert prompt is not None and prompt.isVisible() and "take 1.srt" in prompt.text()
    prompt.button(QMessageBox.StandardButton.No).click()
    pump(qasync_loop)
    assert (out / "take 1.srt").read_text() == "kept" and again.isVisible()
    click_export(again)
    again.overwrite_prompt.button(QMessageBox.StandardButton.Yes).click()
    pump(qasync_loop)
    assert (out / "take 1.srt").read_bytes() == find_export_format("srt").writer(document)
    assert not again.isVisible()


def test_export_dialog_refuses_no_formats_and_a_missing_folder(
    open_window, transcript_copy: Path, tmp_path: Path, qasync_loop
) -> None:
    window = open_window(transcript_copy, wait_for_waveform=False)
    dialog = window.files.ask_export_formats()
    wait_until(qasync_loop, dialog.export_button.isEnabled, 20, "ffprobe reads the clip")
    dialog.choose_formats(())
    click_export(dialog)
    assert "at least one format" in dialog.problem_label.text() and dialog.isVisible()
    dialog.choose_formats(("srt",))
    dialog.folder_field.setText(str(tmp_path / "nowhere"))
    click_export(dialog)
    assert "no such folder" in dialog.problem_label.text() and not (tmp_path / "nowhere").exists()
    dialog.reject()
    pump(qasync_loop)


def test_the_checks_panel_lists_a_caption_rule_an_edit_breaks(open_window, transcript_copy: Path, qasync_loop) -> None:
    window = open_window(transcript_copy, wait_for_waveform=False)
    wait_until(qasync_loop, lambda: window.checks.summary.text() != "Checking…", 5, "the first check")
    assert not [problem for problem in window.checks.problems if problem.kind is ProblemKind.CAPTION]
    word = window.document.transcript[2]
    window.document.push(SetWordText(word.key, "extraordinarily-long-hyphenated-word-no-line-holds"))
    wait_until(qasync_loop, lambda: any(p.kind is ProblemKind.CAPTION for p in window.checks.problems), 5, "a recheck")
    rows = [problem for problem in window.checks.problems if problem.kind is ProblemKind.CAPTION]
    assert any("line-too-long" in problem.message and problem.word_key == word.key for problem in rows)
