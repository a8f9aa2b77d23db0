"""When the checks panel checks: once the window has opened (its waveform drawn), after edits stop, and never
for a window that has closed, on a transcript of jfk.wav from the real engine."""

from __future__ import annotations

import asyncio

import pytest

from metavis_gui.jobs.waveform_job import MediaAudio
from metavis_gui.timeline.edit_commands import SetWordText
from metavis_gui.ui.timeline import TimelineWindow
from metavis_gui.ui.timeline.checks_panel import RECHECK_DELAY_MS, ChecksPanel
from tests.support.timeline_fixtures import pump
from tests.support.ui_helpers import wait_until

pytestmark = pytest.mark.usefixtures("engine_ready")
SLOW_WAVEFORM_SECONDS = 3.0  # the waveform of a long media, read from a slow disk: longer than the check's delay


@pytest.fixture
def checks_made(monkeypatch: pytest.MonkeyPatch) -> list[ChecksPanel]:
    """Every ChecksPanel.refresh, by the panel that ran it."""
    made: list[ChecksPanel] = []
    real_refresh = ChecksPanel.refresh
    monkeypatch.setattr(ChecksPanel, "refresh", lambda panel: made.append(panel) or real_refresh(panel))
    return made


def test_the_first_check_waits_for_the_waveform_so_the_opening_does_not(
    open_window, transcript_copy, qasync_loop, monkeypatch: pytest.MonkeyPatch, checks_made: list[ChecksPanel]
) -> None:
    real_peaks = MediaAudio.peaks

    async def slow_peaks(audio: MediaAudio, on_progress):
        await asyncio.sleep(SLOW_WAVEFORM_SECONDS)
        return await real_peaks(audio, on_progress)

    monkeypatch.setattr(MediaAudio, "peaks", slow_peaks)
    window: TimelineWindow = open_window(transcript_copy, wait_for_waveform=False)
    pump(qasync_loop, 3 * RECHECK_DELAY_MS / 1000)
    assert window.peaks is None and checks_made == [], "no check while the window is still opening"
    assert window.checks.summary.text() == "Checking…"

    wait_until(qasync_loop, lambda: window.checks.summary.text() != "Checking…", 10, "the first check")
    assert window.peaks is not None and checks_made == [window.checks]


def test_a_window_with_no_media_is_checked_at_once(
    open_window, transcript_copy, qasync_loop, checks_made: list[ChecksPanel]
) -> None:
    (transcript_copy.parent / "jfk.wav").unlink()  # the media is gone: nothing to wait for
    window: TimelineWindow = open_window(transcript_copy, wait_for_waveform=False)
    assert window.audio is None
    wait_until(qasync_loop, lambda: checks_made == [window.checks], 5, "the first check")


def test_a_closed_window_checks_nothing_more(
    open_window, transcript_copy, qasync_loop, checks_made: list[ChecksPanel]
) -> None:
    window: TimelineWindow = open_window(transcript_copy)
    wait_until(qasync_loop, lambda: checks_made == [window.checks], 5, "the first check")
    assert window.document.push(SetWordText(window.document.transcript[0].key, "Und"))  # a recheck pending
    window.files._close_answered = True
    window.close()
    pump(qasync_loop, 3 * RECHECK_DELAY_MS / 1000)
    assert checks_made == [window.checks], "no recheck after the close"
