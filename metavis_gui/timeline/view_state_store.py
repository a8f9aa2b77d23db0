"""How a clip was last looked at in the timeline (zoom, scroll, ruler, selected word), kept per clip.

One small JSON file per clip in `<user data>/view-state/`, named by a hash of
the media path (the words path when there is no media), so reopening a clip
shows it as it was left. A view state is a convenience: one that cannot be
read is reported and replaced, never an error that stops the opening.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from metavis_gui.app_paths import user_data_dir
from metavis_gui.contract import write_bytes_atomic

VIEW_STATE_FORMAT = "metavis.timeline.view-state.v1"


@dataclass(frozen=True)
class TimelineViewState:
    ticks_per_pixel: float
    start_ticks: float
    ruler: str  # the Ruler box's choice, e.g. "Frames 25"
    selected_start_ticks: int | None = None  # the selected word, found again by its start and text
    selected_text: str | None = None


class ViewStateUnreadable(ValueError):
    """The clip's view-state file exists but is not one; the message names it."""


def view_state_dir() -> Path:
    return user_data_dir() / "view-state"


def view_state_path(clip_path: Path) -> Path:
    digest = hashlib.sha256(str(Path(clip_path).resolve()).encode("utf-8")).hexdigest()[:24]
    return view_state_dir() / f"{digest}.json"


def save_view_state(clip_path: Path, state: TimelineViewState) -> Path:
    path = view_state_path(clip_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"format": VIEW_STATE_FORMAT, "clip": str(Path(clip_path).resolve()), **asdict(state)}
    write_bytes_atomic(path, json.dumps(document, ensure_ascii=False).encode("utf-8"))
    return path


def load_view_state(clip_path: Path) -> TimelineViewState | None:
    """The clip's saved view, None when it has none; raises `ViewStateUnreadable` for a damaged file."""
    path = view_state_path(clip_path)
    try:
        document = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ViewStateUnreadable(
            f"{path} is not a view-state file ({error}); the clip opens at the default view"
        ) from error
    try:
        if document.pop("format") != VIEW_STATE_FORMAT:
            raise ValueError("unknown format")
        document.pop("clip", None)
        state = TimelineViewState(**document)
        if not (state.ticks_per_pixel > 0 and state.start_ticks >= 0 and isinstance(state.ruler, str)):
            raise ValueError("zoom, scroll or ruler out of range")
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise ViewStateUnreadable(
            f"{path} is not a view-state file ({error}); the clip opens at the default view"
        ) from error
    return state
