"""The clip's own frame rate (ffprobe's), which typed and shown timecodes use when the media has video."""

from __future__ import annotations

from pathlib import Path

from metavis_gui.exports.clip_timing import ClipTimingInvalid, parse_frame_rate
from metavis_gui.jobs.child_process import ChildProcessError, run_child_process
from metavis_gui.media.errors import MediaError
from metavis_gui.media.probe import find_media_tool, parse_probe_output, probe_arguments

# What reading the rate can fail with; the window then says so and keeps the ruler's rate.
FRAME_RATE_ERRORS = (MediaError, ChildProcessError, ClipTimingInvalid, OSError)


async def read_clip_frame_rate(media_path: Path) -> float | None:
    """Frames a second of the media's video (30000/1001 gives 29.97...), None for audio-only media.

    Raises one of FRAME_RATE_ERRORS when ffprobe cannot read the file or gives a rate out of range.
    """
    ffprobe = find_media_tool("ffprobe")
    result = await run_child_process(ffprobe, probe_arguments(media_path))
    media = parse_probe_output(media_path, result.exit_code, result.stdout, result.stderr)
    return float(parse_frame_rate(media.frame_rate)) if media.frame_rate else None
