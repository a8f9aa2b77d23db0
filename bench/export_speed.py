"""How fast every export format is written for a 3-hour transcript of 30,000 words (target: under 1 s in all).

    .venv/bin/python bench/export_speed.py [--repetitions 5] [--preset broadcast] [--rate 30000/1001]

The words are the real JFK transcript (tests/data/exports) repeated with its own pauses until there are
30,000, so captions break as they do on speech. Times: building the captions once (shared by every format),
then each writer of the export table on those captions; each figure is the median of `--repetitions` runs,
each run on a fresh document so the captions are built again. Times are this process's CPU time
(`time.process_time`): on a shared machine wall time mostly measures the other processes.
"""

from __future__ import annotations

import argparse
import sys
import time
from fractions import Fraction
from pathlib import Path

from bench_common import REPO_ROOT, format_table, median

from metavis_gui.contract import read_summary, read_words_jsonl
from metavis_gui.exports.caption_rules import DEFAULT_CAPTION_PRESET, find_caption_preset
from metavis_gui.exports.clip_timing import ClipInfo, parse_frame_rate
from metavis_gui.exports.export_document import ExportDocument
from metavis_gui.exports.export_formats import EXPORT_FORMATS
from metavis_gui.exports.export_words import ExportWord, export_words_of_records

WORD_COUNT = 30_000
TARGET_SECONDS = 1.0
JFK_DATA = REPO_ROOT / "tests" / "data" / "exports"


def thirty_thousand_words() -> tuple[list[ExportWord], int]:
    records = read_words_jsonl(JFK_DATA / "jfk.transcript.words.v1.jsonl").records
    timing = read_summary(JFK_DATA / "jfk.transcript.summary.v1.json").timing
    clip_words = export_words_of_records(records, timing.sources() if timing else None)
    period = clip_words[-1].end_ticks + 60_000  # the clip, then a second's pause
    words: list[ExportWord] = []
    while len(words) < WORD_COUNT:
        offset = (len(words) // len(clip_words)) * period
        for word in clip_words[: WORD_COUNT - len(words)]:
            words.append(
                ExportWord(
                    word.text, word.start_ticks + offset, word.end_ticks + offset, word.confidence, word.timing_source
                )
            )
    return words, words[-1].end_ticks + 60_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--preset", default=DEFAULT_CAPTION_PRESET.id)
    parser.add_argument("--rate", default="30000/1001", help="the clip's frame rate (29.97 counts in drop-frame)")
    arguments = parser.parse_args(argv)
    words, duration = thirty_thousand_words()
    rate = parse_frame_rate(arguments.rate)
    clip = ClipInfo(
        "interview.mov",
        rate,
        drop_frame=rate == Fraction(30000, 1001),
        start_frame=0,
        duration_ticks=duration,
        media_path=Path("/media/interview.mov"),
    )
    rules = find_caption_preset(arguments.preset).rules
    timings: dict[str, list[float]] = {"captions": []} | {row.id: [] for row in EXPORT_FORMATS}
    sizes: dict[str, int] = {}
    caption_count = 0
    for _ in range(arguments.repetitions):
        document = ExportDocument(words, clip, rules)
        started = time.process_time()
        caption_count = len(document.captions)
        timings["captions"].append(time.process_time() - started)
        for export_format in EXPORT_FORMATS:
            started = time.process_time()
            data = export_format.writer(document)
            timings[export_format.id].append(time.process_time() - started)
            sizes[export_format.id] = len(data)
    total = sum(median(values) for values in timings.values())
    rows = [
        [name, f"{median(values) * 1000:.1f}", f"{sizes.get(name, 0) / 1e6:.2f}" if name in sizes else ""]
        for name, values in timings.items()
    ]
    rows.append(["all formats, captions built once", f"{total * 1000:.1f}", ""])
    print(
        f"{len(words)} words, {caption_count} captions ({arguments.preset}), {float(rate):.3f} fps, {arguments.repetitions} runs"
    )
    print(format_table(["step", "median ms", "MB"], rows))
    verdict = "meets" if total < TARGET_SECONDS else "MISSES"
    print(f"total {total:.3f} s: {verdict} the target of {TARGET_SECONDS:g} s")
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
