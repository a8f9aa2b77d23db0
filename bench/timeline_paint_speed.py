"""How fast the timeline window is on a 3-hour media with 30,000 words.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/timeline_paint_speed.py [--paints 40]

1. Peaks for 3 h of synthetic speech-like audio (a 16 kHz WAV written to a temp folder): computed
   in the worker thread as the window does, while a 10 ms timer on the UI thread measures the
   longest stall of the event loop.
2. Open with cached peaks: those peaks are put in the cache for a stand-in media file, and
   `open_timeline` on a 30,000-word transcript is timed until the waveform is on screen.
3. Paint of the visible timeline at several zoom levels, rendered to a QImage offscreen: "scrolled"
   paints land on a new position each time (waveform image rebuilt), "steady" ones repaint the same
   view (what a moving playhead or an edit costs). The first scrolled paint at a zoom is the worst.
4. One edit plus undo through the window's undo stack with every view attached (with its edit-journal
   line written and fsynced), export, and the resident memory.

Garbage is collected as the app collects it (`GuiThreadGarbageCollector`: by a timer on the UI thread).
The opening, paints and edits are CPU time of this process (`time.process_time`, the worker thread that
reads the cached peaks included), so other work on a busy machine does not count; the opening and the
edits also show wall time (the edits' adds the journal's fsync wait).
5. A full pass of the garbage collector with the window open, its objects frozen as the app leaves
   them after opening, and unfrozen: the pause a full pass can put into a paint or a drag.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

import numpy as np
import qasync
from bench_common import REPO_ROOT, format_table, median
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from timeline_edit_speed import DURATION_TICKS, WORD_COUNT, synthetic_records

from metavis_gui.contract import (
    ToolInfo,
    TranscriptSummary,
    WordRecord,
    render_webvtt,
    serialize_word_records,
    write_transcript_bundle,
)
from metavis_gui.jobs.gui_thread_garbage_collection import GuiThreadGarbageCollector
from metavis_gui.media.waveform_peaks import (
    compute_peaks_from_wav,
    peaks_cache_path,
    save_peaks,
)
from metavis_gui.timeline.edit_commands import MoveWordEdge, SetWordText

SAMPLE_RATE = 16_000
DURATION_SECONDS = DURATION_TICKS // 60_000
ZOOMS = (("whole 3 h", DURATION_TICKS), ("10 min", 600 * 60_000), ("1 min", 60 * 60_000),
         ("10 s", 10 * 60_000), ("1 s", 60_000))  # fmt: skip
VIEW_SIZE = (1600, 900)


def write_speech_like_wav(path: Path) -> None:
    """Noise bursts shaped like words (300 ms on, 60 ms off), a minute at a time, never all in memory."""
    generator = np.random.default_rng(5)
    minute = 60 * SAMPLE_RATE
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        for first in range(0, DURATION_SECONDS * SAMPLE_RATE, minute):
            time_s = (first + np.arange(minute)) / SAMPLE_RATE
            loud = (time_s % 0.36) < 0.30
            envelope = np.where(loud, 0.6 * np.abs(np.sin(np.pi * (time_s % 0.36) / 0.30)), 0.01)
            samples = envelope * generator.standard_normal(minute) * 9000
            writer.writeframes(np.clip(samples, -32768, 32767).astype("<i2").tobytes())


def measure_peaks_without_blocking(loop: qasync.QEventLoop, wav_path: Path):
    """(peaks, seconds, longest UI stall in ms) with the computation on the loop's worker thread."""
    gaps: list[float] = []
    last = [time.perf_counter()]

    def heartbeat() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(heartbeat)
    timer.start()
    started = time.perf_counter()
    peaks = loop.run_until_complete(loop.run_in_executor(None, compute_peaks_from_wav, wav_path, None))
    seconds = time.perf_counter() - started
    timer.stop()
    return peaks, seconds, max(gaps, default=0.0)


def paint_timings(window, span_ticks: int, paints: int) -> tuple[float, float, float]:
    """(median scrolled, worst scrolled, median steady) paint milliseconds at this zoom."""
    view = window.view
    view.scale.fit(0, span_ticks, 0.0)
    image = QImage(view.size(), QImage.Format.Format_ARGB32_Premultiplied)
    generator = random.Random(span_ticks)
    scrolled = []
    for _ in range(paints):
        view.scale.scroll_to(generator.uniform(0, DURATION_TICKS - span_ticks))
        started = time.process_time()
        view.render(image)
        scrolled.append((time.process_time() - started) * 1000)
    steady = []
    for _ in range(paints):
        started = time.process_time()
        view.render(image)
        steady.append((time.process_time() - started) * 1000)
    return median(scrolled), max(scrolled), median(steady)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paints", type=int, default=40)
    arguments = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="metavis-timeline-bench-"))
    os.environ["METAVIS_CACHE_DIR"] = str(work / "cache")
    os.environ["METAVIS_DATA_DIR"] = str(work / "data")
    application = QApplication.instance() or QApplication([])
    # As in the app: cyclic garbage is collected by a timer on this thread, never automatically (so never in
    # the middle of the opening, which builds 150,000 objects that all stay).
    garbage_collector = GuiThreadGarbageCollector(application)
    loop = qasync.QEventLoop(application)
    asyncio.set_event_loop(loop)
    rows: list[list[object]] = []
    try:
        long_wav = work / "three-hours.wav"
        write_speech_like_wav(long_wav)
        peaks, peaks_seconds, stall_ms = measure_peaks_without_blocking(loop, long_wav)
        long_wav.unlink()
        rows.append(["peaks for 3 h of audio (worker thread)", f"{peaks_seconds:.2f} s", "no UI block", ""])
        rows.append(["  longest UI event-loop stall meanwhile", f"{stall_ms:.0f} ms", "< 50 ms", _verdict(stall_ms < 50)])

        media = work / "project" / "three-hours.wav"
        media.parent.mkdir()
        shutil.copyfile(REPO_ROOT / "tests" / "data" / "jfk.wav", media)  # a stand-in: the cache is what is read
        save_peaks(peaks_cache_path(media), peaks)
        records = synthetic_records()
        summary = TranscriptSummary(input=media.name, duration_seconds=float(DURATION_SECONDS), language="en",
                                    tool=ToolInfo(name="bench", model="synthetic"), word_count=len(records))  # fmt: skip
        folder = media.parent / "three-hours.transcript"
        write_transcript_bundle(folder, records, summary)
        del records

        from metavis_gui.ui.timeline import open_timeline

        started, started_cpu = time.perf_counter(), time.process_time()
        window = open_timeline(folder)
        window.resize(*VIEW_SIZE)

        async def until_drawn() -> None:
            while window.peaks is None:
                await asyncio.sleep(0.002)

        loop.run_until_complete(asyncio.wait_for(until_drawn(), 30))
        application.processEvents()
        open_seconds, open_cpu_seconds = time.perf_counter() - started, time.process_time() - started_cpu
        measured = f"{open_cpu_seconds * 1000:.0f} ms (wall {open_seconds * 1000:.0f})"
        rows.append([f"open {WORD_COUNT} words with cached peaks", measured, "< 1 s", _verdict(open_cpu_seconds < 1)])

        rows += full_collection_rows()

        for label, span in ZOOMS:
            scrolled, worst, steady = paint_timings(window, span, arguments.paints)
            rows.append([f"paint, {label} visible, scrolled", f"{scrolled:.2f} ms (worst {worst:.1f})", "< 8 ms",
                         _verdict(worst < 8)])  # fmt: skip
            rows.append([f"paint, {label} visible, steady", f"{steady:.2f} ms", "< 8 ms", _verdict(steady < 8)])

        document = window.document
        middle = document.transcript[WORD_COUNT // 2].key
        edits = {"nudge": [MoveWordEdge(middle, "end", 600)] * 50,
                 "retype": [SetWordText(middle, text) for text in ("lamp", "post") * 5]}  # fmt: skip
        for label, commands in edits.items():
            cpu, wall = [], []
            for command in commands:
                started, started_wall = time.process_time(), time.perf_counter()
                document.push(command)
                document.undo_stack.undo()
                cpu.append((time.process_time() - started) * 1000)
                wall.append((time.perf_counter() - started_wall) * 1000)
            edit_ms = median(cpu)
            rows.append([f"{label} + undo through the window (views attached, journaled)",
                         f"{edit_ms:.2f} ms (wall {median(wall):.2f})", "< 5 ms", _verdict(edit_ms < 5)])  # fmt: skip

        timings = []
        for attempt in range(7):
            started = time.perf_counter()
            window.files.export_to(work / f"exported-{attempt}")
            timings.append((time.perf_counter() - started) * 1000)
        export_ms = median(timings)
        rows.append([f"export the bundle (words, summary, captions; median of 7, first {timings[0]:.0f} ms)",
                     f"{export_ms:.0f} ms", "< 300 ms", _verdict(export_ms < 300)])  # fmt: skip
        rows += export_breakdown(document.records)
        resident_mb = _resident_mb()
        rows.append(["resident memory, the window open and painted", f"{resident_mb:.0f} MB", "< 300 MB",
                     _verdict(resident_mb < 300)])  # fmt: skip
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append(["  peak of the whole run (making the test data included)", f"{peak_mb:.0f} MB", "-", ""])
        window.files._close_answered = True
        window.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        loop.close()  # stops the worker threads
        garbage_collector.stop()
    print(f"Timeline window, {WORD_COUNT} words over 3 h, view {VIEW_SIZE[0]} x {VIEW_SIZE[1]} "
          f"({sys.implementation.name} {sys.version.split()[0]}, Qt platform {application.platformName()})")  # fmt: skip
    print(format_table(["figure", "measured", "target", ""], rows))
    return 0


def full_collection_rows() -> list[list[object]]:
    """A full pass of the cyclic garbage collector with the window open: as the app leaves it (the window's
    objects frozen), and with everything unfrozen (how it was before), median of 5."""
    rows: list[list[object]] = []
    for label, frozen in (("frozen (app)", True), ("unfrozen", False)):
        if not frozen:
            gc.unfreeze()
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            gc.collect()
            timings.append((time.perf_counter() - started) * 1000)
        rows.append([f"full garbage collection, window open, {label}", f"{median(timings):.2f} ms", "", ""])
    gc.freeze()
    return rows


def export_breakdown(make_records: Callable[[], list[WordRecord]]) -> list[list[object]]:
    """Where the export time goes: each step alone, median of 7."""
    records = make_records()
    steps: dict[str, Callable[[], object]] = {
        "  of which: the edited words as records": make_records,
        "  of which: serialize the words": lambda: serialize_word_records(records),
        "  of which: render the captions": lambda: render_webvtt(records),
    }
    rows: list[list[object]] = []
    for label, step in steps.items():
        timings = []
        for _ in range(7):
            started = time.perf_counter()
            step()
            timings.append((time.perf_counter() - started) * 1000)
        rows.append([label, f"{median(timings):.0f} ms", "", ""])
    return rows


def _resident_mb() -> float:
    """VmRSS now (Linux); the peak from getrusage elsewhere."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _verdict(met: bool) -> str:
    return "ok" if met else "MISSED"


if __name__ == "__main__":
    raise SystemExit(main())
