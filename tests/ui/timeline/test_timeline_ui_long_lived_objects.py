"""An open timeline's objects are frozen out of the garbage collector's full passes, and released on close."""

from __future__ import annotations

import gc

import pytest

from metavis_gui.timeline.edit_commands import SetWordText
from metavis_gui.ui.timeline import open_timeline_windows
from tests.support.timeline_fixtures import pump

pytestmark = pytest.mark.usefixtures("engine_ready")


def tracked_by_the_collector(value: object) -> bool:
    return any(candidate is value for candidate in gc.get_objects())


def test_opening_freezes_the_transcript_and_closing_the_last_window_releases_it(
    open_window, transcript_copy, qasync_loop
) -> None:
    window = open_window(transcript_copy)
    word = window.document.transcript[3]
    assert gc.get_freeze_count() > len(window.document.transcript)
    assert not tracked_by_the_collector(word), "a full pass no longer walks the open transcript"

    assert window.document.push(SetWordText(word.key, "thing"))
    assert window.document.transcript.word(word.key).text == "thing"

    window.files._close_answered = True
    window.close()
    pump(qasync_loop)
    assert window not in open_timeline_windows()
    assert gc.get_freeze_count() == 0, "nothing stays exempt from collection once the window is closed"
