"""A long transcript zoomed far out: word density instead of boxes, kept right through edits, painted fast."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

from metavis_gui.contract import WordDraft, build_word_records
from metavis_gui.timeline.edit_commands import DeleteWords, InsertWord, MoveWord, MoveWordEdge, SplitWord
from metavis_gui.timeline.transcript_files import OpenedTranscript
from metavis_gui.ui.timeline import TimelineWindow
from metavis_gui.ui.timeline.timeline_painting import BACKGROUND, WordArrays
from tests.support.timeline_fixtures import pump

WORDS = 6000
STRIDE = 36_000  # 600 ms a word: 300 ms of word, 300 ms of pause
DURATION = WORDS * STRIDE


def long_transcript(tmp_path: Path) -> OpenedTranscript:
    drafts = [
        WordDraft(word=f"w{index}", start_ticks=index * STRIDE, end_ticks=index * STRIDE + STRIDE // 2,
                  confidence=0.2 if index >= WORDS // 2 else 0.95, segment_id=f"s_{index // 10}")
        for index in range(WORDS)
    ]  # fmt: skip
    return OpenedTranscript(tmp_path / "transcript.words.v1.jsonl", build_word_records(drafts), [], None, None)


def lane_row(window: TimelineWindow, image: QImage) -> list[int]:
    y = round(window.view.word_lane().center().y())
    return [image.pixel(x, y) for x in range(image.width())]


def test_zoomed_out_words_are_drawn_as_density_tinted_by_confidence_and_survive_edits(
    tmp_path: Path, user_folders, qasync_loop
) -> None:
    window = TimelineWindow(long_transcript(tmp_path))
    try:
        window.resize(1200, 700)
        window.show()
        pump(qasync_loop)
        view = window.view
        view.fit_all()
        image = QImage(view.size(), QImage.Format.Format_ARGB32)
        started = time.perf_counter()
        view.render(image)
        assert time.perf_counter() - started < 0.5
        row = lane_row(window, image)
        middle = round(view.scale.x_of(DURATION // 2))
        sure, doubtful = row[middle // 2], row[(middle + view.width()) // 2]
        assert sure != BACKGROUND.rgb() and doubtful != BACKGROUND.rgb() and sure != doubtful, "tinted by confidence"

        view.render(image)  # builds the arrays
        transcript = window.document.transcript
        window.document.push(MoveWordEdge(transcript[10].key, "end", 600))
        assert view._word_arrays is not None, "a retime updates the arrays in place"
        fresh = WordArrays.of(transcript)
        assert np.array_equal(view._word_arrays.ends, fresh.ends)

        window.document.push(DeleteWords(tuple(word.key for word in list(transcript)[: WORDS // 2])))
        view.render(image)
        row = lane_row(window, image)
        assert row[middle // 2] == BACKGROUND.rgb(), "deleted words are gone from the picture"
        assert row[(middle + view.width()) // 2] == doubtful
    finally:
        window.files._close_answered = True
        window.close()


def test_the_density_arrays_follow_inserts_deletes_and_moves_without_being_built_again(
    tmp_path: Path, user_folders, qasync_loop
) -> None:
    window = TimelineWindow(long_transcript(tmp_path))
    try:
        view, document = window.view, window.document
        transcript = document.transcript
        arrays = view._word_arrays
        assert arrays is not None, "built with the view, not in the first zoomed-out paint"
        built = []
        original_of = WordArrays.of
        WordArrays.of = classmethod(lambda cls, words: built.append(1) or original_of(words))  # type: ignore[method-assign]
        try:
            gap = transcript[20].end_ticks
            edits = [
                InsertWord.create(transcript, "uh", gap + 100, gap + 900),
                DeleteWords((transcript[5].key, transcript[300].key)),
                MoveWord(transcript[40].key, 3 * STRIDE, force=True),  # past two neighbours: a new index
                SplitWord.create(transcript, transcript[60].key, transcript[60].start_ticks + 900, "w", "60"),
            ]
            for edit in edits:
                assert document.push(edit)
                assert view._word_arrays is arrays, f"{edit} is taken in, not rebuilt"
                assert_arrays_match(arrays, original_of(transcript))
            for _ in edits:
                document.undo_stack.undo()
                assert_arrays_match(arrays, original_of(transcript))
        finally:
            WordArrays.of = original_of  # type: ignore[method-assign]
        assert built == []
    finally:
        window.files._close_answered = True
        window.close()


def assert_arrays_match(arrays: WordArrays, fresh: WordArrays) -> None:
    for name in ("keys", "starts", "ends", "confidences"):
        assert np.array_equal(getattr(arrays, name), getattr(fresh, name)), name
