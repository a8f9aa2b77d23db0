"""Final Cut Pro XML (version 1.10): the clip as an asset-clip on a project's spine, with a marker per caption
or the captions themselves (ITT captions on lane 1).

Every time is a whole number of frames written as a rational number of seconds (`1001/30000s` a frame at
29.97), as Final Cut requires.
"""

from __future__ import annotations

from fractions import Fraction
from xml.etree import ElementTree

from metavis_gui.exports.clip_timing import ClipInfo
from metavis_gui.exports.export_document import ExportDocument, FcpxmlContent, TimedText

FCPXML_VERSION = "1.10"


def write_fcpxml(document: ExportDocument) -> bytes:
    clip = document.clip
    frame = 1 / clip.frame_rate
    length = max(clip.duration_frames, max((caption.end_frame for caption in document.captions), default=0), 1)
    start, duration = _time(clip.start_frame, frame), _time(length, frame)
    tc_format = "DF" if clip.drop_frame else "NDF"
    source = clip.media_path.resolve().as_uri() if clip.media_path is not None else clip.file_name
    name = _quoteattr(clip.stem)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!DOCTYPE fcpxml>",
        f'<fcpxml version="{FCPXML_VERSION}">',
        "  <resources>",
        f'    <format id="r1" name="FFVideoFormatRateUndefined" frameDuration="{_time(1, frame)}"/>',
        f'    <asset id="r2" name={name} start="{start}" duration="{duration}" hasAudio="1" format="r1">',
        f'      <media-rep kind="original-media" src={_quoteattr(source)}/>',
        "    </asset>",
        "  </resources>",
        "  <library>",
        f"    <event name={name}>",
        f"      <project name={_quoteattr(clip.stem + ' transcript')}>",
        f'        <sequence format="r1" duration="{duration}" tcStart="{start}" tcFormat="{tc_format}">',
        "          <spine>",
        f'            <asset-clip ref="r2" name={name} offset="{start}" start="{start}" duration="{duration}" tcFormat="{tc_format}">',
    ]
    in_clip = _captions if document.fcpxml_content is FcpxmlContent.CAPTIONS else _markers
    lines.extend(in_clip(document, frame))
    lines += [
        "            </asset-clip>",
        "          </spine>",
        "        </sequence>",
        "      </project>",
        "    </event>",
        "  </library>",
        "</fcpxml>",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


def read_fcpxml(data: bytes, clip: ClipInfo) -> list[TimedText]:
    """Markers or captions back, in ticks from the media's start."""
    root = ElementTree.fromstring(data)
    entries: list[TimedText] = []
    for element in root.iter():
        if element.tag not in ("marker", "caption"):
            continue
        start_frame = (
            round(_seconds(element.get("start") or element.get("offset", "0s")) * clip.frame_rate) - clip.start_frame
        )
        duration_frames = round(_seconds(element.get("duration", "0s")) * clip.frame_rate)
        text = element.get("value") if element.tag == "marker" else "".join(element.itertext()).strip()
        entries.append(
            TimedText(clip.ticks_of_frame(start_frame), clip.ticks_of_frame(start_frame + duration_frames), text or "")
        )
    return entries


def _markers(document: ExportDocument, frame: Fraction) -> list[str]:
    start_frame = document.clip.start_frame
    return [
        f'              <marker start="{_time(start_frame + caption.start_frame, frame)}" '
        f'duration="{_time(caption.duration_frames, frame)}" value={_quoteattr(caption.text)}/>'
        for caption in document.captions
    ]


def _captions(document: ExportDocument, frame: Fraction) -> list[str]:
    start_frame = document.clip.start_frame
    lines: list[str] = []
    for number, caption in enumerate(document.captions, start=1):
        style = f"ts{number}"
        text = _escape("\n".join(caption.lines))
        lines += [
            (
                f'              <caption lane="1" offset="{_time(start_frame + caption.start_frame, frame)}" '
                f'duration="{_time(caption.duration_frames, frame)}" name={_quoteattr(caption.text[:60])} '
                'role="iTT?captionFormat=ITT.en">'
            ),
            f'                <text placement="bottom"><text-style ref="{style}">{text}</text-style></text>',
            (
                f'                <text-style-def id="{style}"><text-style font=".AppleSystemUIFont" '
                'fontSize="13" fontFace="Regular" fontColor="1 1 1 1" backgroundColor="0 0 0 1"/>'
                "</text-style-def>"
            ),
            "              </caption>",
        ]
    return lines


def _time(frames: int, frame: Fraction) -> str:
    # Over the frame's own denominator (1001/30000s a frame, not a reduced fraction), as Final Cut writes them.
    value, scale = frames * frame.numerator, frame.denominator
    return f"{value // scale}s" if value % scale == 0 else f"{value}/{scale}s"


def _seconds(text: str) -> Fraction:
    return Fraction(text.removesuffix("s"))


# xml.sax.saxutils imports urllib.request (and with it ssl and http): loaded only when a file is written,
# since the command imports the export table before every run.
def _quoteattr(text: str) -> str:
    from xml.sax.saxutils import quoteattr

    return quoteattr(text)


def _escape(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)
