"""The timeline window's menus, keys and toolbar, in one table, so every shortcut is visible in one place.

Keys follow the editors people know: Aegisub's Q/W (500 ms before/after) and
S (play selection), video editors' I/O (in/out at the playhead) and J/K/L
shuttle, F8 for the next problem. Every action's tooltip names its keys.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QMenu, QToolBar

from metavis_gui.contract import TICKS_PER_SECOND
from metavis_gui.ui.timeline.ruler_choice import RULER_CHOICES, RulerChoice
from metavis_gui.ui.timeline.timeline_document import TimelineDocument
from metavis_gui.ui.timeline.timeline_editor import TimelineEditor
from metavis_gui.ui.timeline.timeline_file_commands import TimelineFileCommands
from metavis_gui.ui.timeline.timeline_player import PLAYBACK_RATES, TimelinePlayer
from metavis_gui.ui.timeline.timeline_shuttle import TimelineShuttle
from metavis_gui.ui.timeline.word_timeline_view import WordTimelineView


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    keys: tuple[str, ...]
    tip: str = ""
    checkable: bool = False


MENUS: dict[str, tuple[ActionSpec | None, ...]] = {
    "&File": (
        ActionSpec("open", "&Open words file…", ("Ctrl+O",), "Open a transcript.words.v1.jsonl"),
        ActionSpec("save", "&Save", ("Ctrl+S",), "Write the edited words, summary and captions over the opened ones"),
        ActionSpec("export", "&Export transcript to folder…", ("Ctrl+E",)),
        ActionSpec("export_srt", "Export S&RT…", ("Ctrl+Shift+E",)),
        ActionSpec("export_formats", "Export &formats…", ("Ctrl+Alt+E",),
                   "Captions, text, word tables and editing-suite markers, several at once, named after the clip"),
        None,
        ActionSpec("close", "&Close", ("Ctrl+W",)),
    ),
    "&Edit": (
        ActionSpec("undo", "&Undo", ("Ctrl+Z",)),
        ActionSpec("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y")),
        None,
        ActionSpec("retype", "Re&type word", ("F2",)),
        ActionSpec("split", "S&plit word at playhead", ("Ctrl+K",)),
        ActionSpec("split_at_letter", "Split word at &letter…", ("Ctrl+Shift+K",),
                   "Put the cursor where the word splits, then Enter; the time is the playhead's, if inside the word"),
        ActionSpec("merge", "&Merge with next word", ("M",)),
        ActionSpec("insert", "&Insert word in gap", ("Ins", "Ctrl+I")),
        ActionSpec("delete", "&Delete words", ("Del",)),
        None,
        ActionSpec("set_start", "Set start at playhead", ("I",)),
        ActionSpec("set_end", "Set end at playhead", ("O",)),
        ActionSpec("pick_start", "Pick start edge", ("[",)),
        ActionSpec("pick_end", "Pick end edge", ("]",)),
        ActionSpec("pick_word", "Pick whole word", ("\\",)),
        ActionSpec("nudge_left", "Nudge left", ("Alt+Left", ",")),
        ActionSpec("nudge_right", "Nudge right", ("Alt+Right", ".")),
        ActionSpec("nudge_left_frame", "Nudge left 1 frame", ("Ctrl+Shift+Left",)),
        ActionSpec("nudge_right_frame", "Nudge right 1 frame", ("Ctrl+Shift+Right",)),
        ActionSpec("nudge_left_10ms", "Nudge left 10 ms", ("Shift+Left",)),
        ActionSpec("nudge_right_10ms", "Nudge right 10 ms", ("Shift+Right",)),
        ActionSpec("previous_word", "Previous word", ("Ctrl+Left",)),
        ActionSpec("next_word", "Next word", ("Ctrl+Right",)),
        None,
        ActionSpec("snap", "Snap boundary to &audio", ("A",), "Move the picked edge (or both) to the speech onset/offset"),
        ActionSpec("refine_all", "Re&fine all boundaries", ("Ctrl+Shift+R",)),
        ActionSpec("realign_selection", "Re-a&lign selection", ("Ctrl+L",),
                   "Time the selected words (and those between them) from the audio again"),
        ActionSpec("realign_all", "Re-align &all words", ("Ctrl+Shift+L",), "Time every word from the audio again"),
        ActionSpec("find", "&Find and replace…", ("Ctrl+F",)),
        ActionSpec("next_problem", "&Next problem", ("F8",)),
    ),
    "&View": (
        ActionSpec("zoom_in", "Zoom &in", ("+", "Ctrl+=")),
        ActionSpec("zoom_out", "Zoom &out", ("-", "Ctrl+-")),
        ActionSpec("fit_selection", "&Fit selection", ("F",)),
        ActionSpec("fit_all", "Fit &all", ("Shift+F",)),
    ),
    "&Playback": (
        ActionSpec("play_pause", "&Play / pause", ("Space",)),
        ActionSpec("play_word", "Play &selected words", ("S",)),
        ActionSpec("play_before", "Play 500 ms &before", ("Q",)),
        ActionSpec("play_after", "Play 500 ms &after", ("W",)),
        ActionSpec("loop", "&Loop selection", ("Shift+L",), "Play the selected words over and over", checkable=True),
        None,
        ActionSpec("shuttle_back", "Shuttle &backwards", ("J",), "Each press faster; K stops"),
        ActionSpec("shuttle_stop", "Shuttle s&top", ("K",)),
        ActionSpec("shuttle_forward", "Shuttle &forwards", ("L",), "Each press faster (1x, 1.5x, 2x); K stops"),
    ),
}

NUDGE_STEPS = ("10 ms", "1 frame", "100 ms")
TEN_MS_TICKS = TICKS_PER_SECOND // 100


def tooltip_of(spec: ActionSpec) -> str:
    """The action's name with its shortcuts, e.g. "Nudge left 10 ms (Shift+Left)"."""
    text = spec.text.replace("&", "").rstrip("…")
    keys = ", ".join(QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) for key in spec.keys)
    return f"{text} ({keys})" if keys else text


def build_actions(window: QMainWindow, handlers: dict[str, Callable[[], object]]) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    menu_bar = window.menuBar()
    for title, specs in MENUS.items():
        menu = menu_bar.addMenu(title)
        for spec in specs:
            if spec is None:
                menu.addSeparator()
                continue
            action = QAction(spec.text, window)
            action.setObjectName(spec.name)
            action.setShortcuts([QKeySequence(key) for key in spec.keys])
            action.setCheckable(spec.checkable)
            if spec.tip:
                action.setStatusTip(spec.tip)
            action.setToolTip(tooltip_of(spec))
            # Looked up now, so an action without a handler fails when the window is built, not when used.
            action.triggered.connect(lambda checked=False, handler=handlers[spec.name]: handler())
            menu.addAction(action)
            window.addAction(action)  # keys work wherever focus is in the window
            actions[spec.name] = action
    return actions


def menu_titled(window: QMainWindow, title: str) -> QMenu:
    """One of the menus MENUS made, by its title (e.g. "&View"), for entries added outside the table."""
    return next(action.menu() for action in window.menuBar().actions() if action.text() == title)


def build_toolbar(window: QMainWindow, actions: dict[str, QAction]) -> tuple[QComboBox, QComboBox, QComboBox]:
    """(speed, nudge step, ruler format) choosers."""
    toolbar = QToolBar("Timeline", window)
    toolbar.setObjectName("timeline-toolbar")
    window.addToolBar(toolbar)
    for name in ("play_pause", "play_word", "loop", "undo", "redo", "zoom_in", "zoom_out", "fit_selection"):
        toolbar.addAction(actions[name])
    speed = QComboBox(toolbar)
    speed.addItems([f"{rate:g}x" for rate in PLAYBACK_RATES])
    speed.setCurrentIndex(PLAYBACK_RATES.index(1.0))
    nudge = QComboBox(toolbar)
    nudge.addItems(NUDGE_STEPS)
    ruler = QComboBox(toolbar)
    ruler.addItems(list(RULER_CHOICES))
    for label, widget in (("Speed", speed), ("Nudge", nudge), ("Ruler", ruler)):
        widget.setAccessibleName({"Speed": "Playback speed", "Nudge": "Nudge step", "Ruler": "Ruler format"}[label])
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(f" {label} ", toolbar))
        toolbar.addWidget(widget)
    return speed, nudge, ruler


class ActionTarget(Protocol):
    """The parts of a timeline window that the actions drive (the window passes itself)."""

    document: TimelineDocument
    editor: TimelineEditor
    view: WordTimelineView
    ruler: RulerChoice
    player: TimelinePlayer  # replaced when the media changes: handlers look it up each time they run
    files: TimelineFileCommands

    def close(self) -> bool: ...
    def start_retype(self) -> None: ...
    def start_split_at_letter(self) -> None: ...
    def start_insert(self) -> None: ...
    def run_in_background(self, coroutine: Coroutine[Any, Any, object]) -> None: ...
    async def snap_selected_boundary(self) -> bool: ...
    async def refine_all_boundaries(self) -> bool: ...
    async def realign(self, selection_only: bool) -> bool: ...
    def show_find(self) -> None: ...
    def next_problem(self) -> None: ...
    def play_selection(self, offset: str = "word") -> None: ...
    def loop_toggled(self) -> None: ...
    @property
    def shuttle(self) -> TimelineShuttle: ...


def handlers_for(window: ActionTarget) -> dict[str, Callable[[], object]]:
    """What each action does, by the names in MENUS."""
    document, editor, view = window.document, window.editor, window.view
    playhead = lambda: window.player.position_ticks
    return {
        "open": window.files.ask_open, "save": window.files.save, "export": window.files.ask_export,
        "export_srt": window.files.ask_export_srt, "export_formats": window.files.ask_export_formats,
        "close": window.close,
        "undo": document.undo_stack.undo, "redo": document.undo_stack.redo,
        "retype": window.start_retype, "split": lambda: editor.split_at(playhead()),
        "merge": editor.merge_with_next, "insert": window.start_insert, "delete": editor.delete_selected,
        "set_start": lambda: editor.set_edge_at("start", playhead()),
        "set_end": lambda: editor.set_edge_at("end", playhead()),
        "pick_start": lambda: document.selection.set_edge("start"),
        "pick_end": lambda: document.selection.set_edge("end"),
        "pick_word": lambda: document.selection.set_edge(None),
        "nudge_left": lambda: editor.nudge(-1), "nudge_right": lambda: editor.nudge(+1),
        "nudge_left_frame": lambda: editor.nudge(-1, window.ruler.frame_ticks()),
        "nudge_right_frame": lambda: editor.nudge(+1, window.ruler.frame_ticks()),
        "nudge_left_10ms": lambda: editor.nudge(-1, TEN_MS_TICKS), "nudge_right_10ms": lambda: editor.nudge(+1, TEN_MS_TICKS),
        "split_at_letter": window.start_split_at_letter,
        "previous_word": lambda: editor.select_neighbour(-1), "next_word": lambda: editor.select_neighbour(+1),
        "snap": lambda: window.run_in_background(window.snap_selected_boundary()),
        "refine_all": lambda: window.run_in_background(window.refine_all_boundaries()),
        "realign_selection": lambda: window.run_in_background(window.realign(selection_only=True)),
        "realign_all": lambda: window.run_in_background(window.realign(selection_only=False)),
        "find": window.show_find, "next_problem": window.next_problem,
        "zoom_in": lambda: view.zoom(1.5625), "zoom_out": lambda: view.zoom(0.64),
        "fit_selection": view.fit_selection, "fit_all": view.fit_all,
        "play_pause": lambda: window.player.toggle(), "play_word": window.play_selection,
        "play_before": lambda: window.play_selection("before"), "play_after": lambda: window.play_selection("after"),
        "loop": window.loop_toggled,
        "shuttle_back": lambda: window.shuttle.backward(), "shuttle_stop": lambda: window.shuttle.stop(),
        "shuttle_forward": lambda: window.shuttle.forward(),
    }  # fmt: skip
