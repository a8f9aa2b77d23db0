"""How fast the pure timeline core is on a 3-hour transcript of 30,000 words.

    .venv/bin/python bench/timeline_edit_speed.py [--repetitions 200]

Builds a synthetic transcript (words 300 ms long, 60 ms apart, 12 to a segment, confidences spread
over 0..1, every tenth word mapped into a clip at an offset), then times: opening it from contract
records, one edit plus its undo for each command, export (records plus bytes), the checks, refine_all
against a synthetic envelope, and lookups by time. Each figure is the median of `--repetitions` runs
(export and open: of 7) and is printed against its target where the issue sets one.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable

import numpy as np
from bench_common import format_table, median

from metavis_gui.contract import WordDraft, WordRecord, build_word_records, serialize_word_records
from metavis_gui.timeline.boundary_refinement import SpeechEnvelope, refine_all
from metavis_gui.timeline.edit_commands import (
    DeleteWords,
    EditCommand,
    InsertWord,
    MergeWithNext,
    MoveSharedEdge,
    MoveWord,
    MoveWordEdge,
    ReplaceText,
    SetWordText,
    SplitWord,
)
from metavis_gui.timeline.editable_transcript import EditableTranscript
from metavis_gui.timeline.timing_checks import find_timing_problems

WORD_COUNT = 30_000
DURATION_TICKS = 3 * 3600 * 60_000
WORD_TICKS = 18_000  # 300 ms
STRIDE_TICKS = DURATION_TICKS // WORD_COUNT  # 360 ms: a 60 ms pause after every word


def synthetic_records() -> list[WordRecord]:
    generator = random.Random(20251126)
    drafts = []
    for index in range(WORD_COUNT):
        start = index * STRIDE_TICKS
        mapped = index % 10 == 0
        drafts.append(
            WordDraft(
                word=generator.choice(("the", "lighthouse", "keeper,", "climbed", "stairs.", "every", "evening")),
                start_ticks=start,
                end_ticks=start + WORD_TICKS,
                confidence=round(generator.random(), 6),
                segment_id=f"s_{index // 12 + 1}",
                timeline_start_ticks=start + 90_000 if mapped else None,
                timeline_end_ticks=start + WORD_TICKS + 90_000 if mapped else None,
                clip_id="clip-1" if mapped else None,
            )
        )
    return build_word_records(drafts)


def synthetic_envelope() -> SpeechEnvelope:
    """Speech exactly where each word is, 40 ms earlier than the transcript says."""
    onsets = np.arange(WORD_COUNT, dtype=np.int64) * STRIDE_TICKS - 2_400
    onsets[0] = 0
    return SpeechEnvelope(16_000, 160, np.zeros(1), -60.0, onsets, onsets + WORD_TICKS, DURATION_TICKS)


def encode_with_json_dumps(records: list[WordRecord]) -> bytes:
    """The bytes serialize_word_records writes, the plain json.dumps way (what its hand-built lines replace)."""
    return "".join(
        json.dumps(record.model_dump(by_alias=True), sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
        for record in records
    ).encode("utf-8")


def median_milliseconds(action: Callable[[], object], repetitions: int) -> float:
    timings = []
    for _ in range(repetitions):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return median(timings)


def edit_and_undo(transcript: EditableTranscript, make: Callable[[], EditCommand]) -> Callable[[], None]:
    def run() -> None:
        applied = make().apply(transcript)
        applied.inverse.apply(transcript)

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=200)
    arguments = parser.parse_args(argv)
    repetitions = arguments.repetitions

    records = synthetic_records()
    open_ms = median_milliseconds(lambda: EditableTranscript.from_word_records(records, DURATION_TICKS), 7)
    transcript = EditableTranscript.from_word_records(records, DURATION_TICKS)
    middle = transcript[WORD_COUNT // 2].key
    after_middle = transcript[WORD_COUNT // 2 + 1].key
    in_gap = transcript[WORD_COUNT // 2].end_ticks + 600

    edits: list[tuple[str, Callable[[], EditCommand]]] = [
        ("nudge an edge (MoveWordEdge)", lambda: MoveWordEdge(middle, "end", 600)),
        ("drag a word (MoveWord)", lambda: MoveWord(middle, -3_000)),
        ("drag a shared edge (MoveSharedEdge)", lambda: MoveSharedEdge(middle, 600)),
        ("retype (SetWordText)", lambda: SetWordText(middle, "lamp")),
        ("split (SplitWord)", lambda: SplitWord.create(transcript, middle, transcript.word(middle).start_ticks + 9_000, "light", "house")),
        ("merge (MergeWithNext)", lambda: MergeWithNext(middle)),
        ("insert (InsertWord)", lambda: InsertWord.create(transcript, "and", in_gap, in_gap + 1_200)),
        ("delete (DeleteWords)", lambda: DeleteWords((middle, after_middle))),
    ]  # fmt: skip
    rows: list[list[object]] = [
        ["open: from_word_records", f"{open_ms:.1f} ms", "< 1 s (with peaks)", _verdict(open_ms < 1000)]
    ]
    for label, make in edits:
        figure = median_milliseconds(edit_and_undo(transcript, make), repetitions)
        rows.append([f"edit + undo: {label}", f"{figure:.3f} ms", "< 5 ms", _verdict(figure < 5)])
    replace_all = ReplaceText("keeper", "guard")
    figure = median_milliseconds(edit_and_undo(transcript, lambda: replace_all), 7)
    changed = sum("keeper" in word.text for word in transcript)
    rows.append([f"find & replace + undo ({changed} words)", f"{figure:.1f} ms", "-", ""])

    records_ms = median_milliseconds(transcript.to_word_records, 7)
    texts = iter(("a", "b") * 4)
    after_edit_ms = median_milliseconds(
        lambda: (SetWordText(middle, next(texts)).apply(transcript), transcript.to_word_records()), 7
    )
    exported = transcript.to_word_records()
    assert encode_with_json_dumps(exported) == serialize_word_records(exported)
    serialize_ms = median_milliseconds(lambda: serialize_word_records(exported), 7)
    encode_ms = median_milliseconds(lambda: encode_with_json_dumps(exported), 7)
    export_ms = records_ms + serialize_ms
    rows += [
        ["export: to_word_records", f"{records_ms:.0f} ms", "", ""],
        ["  the same after one edit (edit included)", f"{after_edit_ms:.0f} ms", "", ""],
        ["export: serialize_word_records", f"{serialize_ms:.0f} ms", "", ""],
        ["export: total", f"{export_ms:.0f} ms", "< 300 ms", _verdict(export_ms < 300)],
        ["  the same bytes by json.dumps (reference)", f"{encode_ms:.0f} ms", "", ""],
    ]
    checks_ms = median_milliseconds(lambda: find_timing_problems(transcript), 7)
    rows.append(["timing checks (all words)", f"{checks_ms:.0f} ms", "-", ""])
    envelope = synthetic_envelope()
    refine_ms = median_milliseconds(lambda: refine_all(transcript, envelope), 3)
    command = refine_all(transcript, envelope)
    apply_ms = median_milliseconds(edit_and_undo(transcript, lambda: command), 3)
    rows.append([f"refine_all ({len(command.new_times)} words moved)", f"{refine_ms:.0f} ms", "-", ""])
    rows.append(["  apply + undo of it", f"{apply_ms:.0f} ms", "-", ""])
    generator = random.Random(1)
    ticks = [generator.randrange(DURATION_TICKS) for _ in range(10_000)]
    lookup_us = median_milliseconds(lambda: [transcript.index_at_tick(tick) for tick in ticks], 7) / len(ticks) * 1000
    rows.append(["word at the playhead (index_at_tick)", f"{lookup_us:.2f} µs", "-", ""])

    print(f"Timeline core, {WORD_COUNT} words over 3 h ({sys.implementation.name} {sys.version.split()[0]})")
    print(format_table(["figure", "measured", "target", ""], rows))
    if export_ms >= 300:
        per_word_us = (serialize_ms - encode_ms) / WORD_COUNT * 1000
        print(
            f"\nexport misses its target in serialize_word_records, which validates every WordRecord again "
            f"(~{per_word_us:.0f} µs a word more than writing the same bytes without it)."
        )
    return 0


def _verdict(met: bool) -> str:
    return "ok" if met else "MISSED"


if __name__ == "__main__":
    raise SystemExit(main())
