"""What `transcript generate` tells while and after it runs: human lines on stderr, JSON lines on stdout.

Without --json, stdout carries only the written paths; with it, only the events of `json_events`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from metavis_gui.cli.exit_codes import ErrorCode
from metavis_gui.cli.json_events import (
    ErrorEvent,
    ProgressEvent,
    ResultEvent,
    ResultTiming,
    SegmentEvent,
    WarningEvent,
    write_event,
)
from metavis_gui.engines.engine_command import LiveSegment
from metavis_gui.jobs.remaining_time import RemainingTimeEstimate
from metavis_gui.jobs.transcription_request import JobProgress, TranscriptionOutcome

PROGRAM = "metavis-transcribe"


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class GenerateReporter:
    def __init__(self, *, quiet: bool, json_lines: bool, clock: Callable[[], float] = time.monotonic) -> None:
        self._quiet = quiet
        self._json_lines = json_lines
        self._clock = clock
        self._last_printed_step: tuple[str, int] | None = None  # one human line per 5 % of a stage
        self._last_event_step: tuple[str, int] | None = None  # one event per whole percent of a stage
        self._remaining = RemainingTimeEstimate()
        self._words_so_far = 0

    def progressed(self, progress: JobProgress) -> None:
        eta = self._remaining.update(progress, self._clock())
        stage_percent = progress.stage_fraction * 100
        step = (progress.stage.value, int(stage_percent) // 5 * 5)
        if not self._quiet and step != self._last_printed_step:
            self._last_printed_step = step
            _say(f"{step[0]:<12} {step[1]:3d}%  (overall {progress.fraction * 100:5.1f}%)")
        event_step = (progress.stage.value, int(stage_percent))
        if self._json_lines and event_step != self._last_event_step:
            self._last_event_step = event_step
            write_event(
                ProgressEvent(
                    stage=progress.stage,
                    stage_percent=round(stage_percent, 1),
                    percent=round(progress.fraction * 100, 1),
                    eta_seconds=None if eta is None else round(max(0.0, eta), 1),
                )
            )

    def segment_recognised(self, segment: LiveSegment) -> None:
        self._words_so_far += len(segment.text.split())
        if not self._quiet:
            _say(f"  [{segment.start_seconds:8.2f}s] {segment.text}")
        if self._json_lines:
            write_event(
                SegmentEvent(
                    start_seconds=max(0.0, segment.start_seconds),
                    end_seconds=max(0.0, segment.end_seconds),
                    text=segment.text,
                    words_so_far=self._words_so_far,
                )
            )

    def warned(self, warning: WarningEvent) -> None:
        _say(f"{PROGRAM}: {warning.message}")
        if self._json_lines:
            write_event(warning)

    def finished(self, outcome: TranscriptionOutcome) -> None:
        timing = outcome.timing
        if not self._quiet:
            _say(f"{outcome.word_count} words, language {outcome.language or 'unknown'}")
            if timing is not None:
                aligner = f" by {timing.aligner} ({timing.acoustic_model})" if timing.aligner else ""
                _say(
                    f"{timing.aligned} words timed from the audio{aligner}, {timing.engine_timed} kept the engine's times"
                )
            if outcome.encoder is not None:
                _say(outcome.encoder.describe())
        if not self._json_lines:
            for path in outcome.output_paths:
                print(path, flush=True)
            return
        result_timing = None
        if timing is not None:
            result_timing = ResultTiming(
                aligner=timing.aligner,
                acoustic_model=timing.acoustic_model,
                aligned=timing.aligned,
                engine_timed=timing.engine_timed,
            )
        write_event(
            ResultEvent(
                output_paths=tuple(str(path.absolute()) for path in outcome.output_paths),
                word_count=outcome.word_count,
                language=outcome.language,
                duration_seconds=outcome.duration_seconds,
                timing=result_timing,
            )
        )

    def failed(self, error: ErrorEvent) -> None:
        # After Ctrl-C the terminal shows ^C on the current line.
        _say(f"{chr(10) if error.code is ErrorCode.INTERRUPTED else ''}{PROGRAM}: {error.message}")
        if error.details and not self._quiet:
            _say(f"--- engine output ---\n{error.details}")
        if self._json_lines:
            write_event(error)
