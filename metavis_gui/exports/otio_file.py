"""OpenTimelineIO: one clip on one track, at the clip's rate and start timecode, with a marker per caption."""

from __future__ import annotations

from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.exports.export_document import ExportDocument, TimedText


def write_otio(document: ExportDocument) -> bytes:
    import opentimelineio as otio  # here: the command imports the export table long before any export
    from opentimelineio.opentime import RationalTime, TimeRange

    clip = document.clip
    rate = float(clip.frame_rate)
    length = max(clip.duration_frames, max((caption.end_frame for caption in document.captions), default=0), 1)
    media_range = TimeRange(RationalTime(clip.start_frame, rate), RationalTime(length, rate))
    target = clip.media_path.resolve().as_uri() if clip.media_path is not None else clip.file_name
    media_clip = otio.schema.Clip(
        name=clip.file_name,
        media_reference=otio.schema.ExternalReference(target_url=target, available_range=media_range),
        source_range=media_range,
    )
    for caption in document.captions:
        marked = TimeRange(
            RationalTime(clip.start_frame + caption.start_frame, rate), RationalTime(caption.duration_frames, rate)
        )
        media_clip.markers.append(
            otio.schema.Marker(name=caption.text, marked_range=marked, color=otio.schema.MarkerColor.BLUE)
        )
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    track.append(media_clip)
    timeline = otio.schema.Timeline(name=clip.stem, global_start_time=RationalTime(clip.start_frame, rate))
    timeline.tracks.append(track)
    return (otio.adapters.write_to_string(timeline, "otio_json") + "\n").encode("utf-8")


def read_otio(data: bytes, clip: ClipInfo) -> list[TimedText]:
    import opentimelineio as otio

    timeline = otio.adapters.read_from_string(data.decode("utf-8"), "otio_json")
    markers: list[TimedText] = []
    for media_clip in timeline.find_clips():
        for marker in media_clip.markers:
            marked = marker.marked_range
            start = round(marked.start_time.to_seconds() * float(clip.frame_rate)) - clip.start_frame
            end = start + round(marked.duration.to_seconds() * float(clip.frame_rate))
            markers.append(TimedText(clip.ticks_of_frame(start), clip.ticks_of_frame(end), marker.name))
    return markers
