"""What the timeline remembers in QSettings: the shared-edge drag modifier, the theme, play-word pre/post roll.

Alt-drag is taken by the window manager on many Linux desktops (it moves the
window), so dragging a shared edge defaults to Ctrl; Alt and Meta stay
choices for those who know Aegisub's. Shift always means "overlap allowed".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QMenu, QWidget

SHARED_EDGE_MODIFIER_KEY = "timeline/shared_edge_modifier"
THEME_KEY = "timeline/theme"
PRE_ROLL_KEY = "timeline/play_word_pre_roll_ms"
POST_ROLL_KEY = "timeline/play_word_post_roll_ms"

SHARED_EDGE_MODIFIERS = {
    "Ctrl": Qt.KeyboardModifier.ControlModifier,
    "Alt": Qt.KeyboardModifier.AltModifier,
    "Meta": Qt.KeyboardModifier.MetaModifier,
}
DEFAULT_SHARED_EDGE_MODIFIER = "Ctrl"
THEMES = ("System", "Light", "Dark")
ROLL_CHOICES_MS = (0, 100, 250, 500, 1000)
DEFAULT_PRE_ROLL_MS = 0
DEFAULT_POST_ROLL_MS = 0


def read_choice(key: str, choices: tuple[str, ...] | list[str], default: str) -> str:
    value = QSettings().value(key, default)
    return value if isinstance(value, str) and value in choices else default


def read_milliseconds(key: str, default: int) -> int:
    value = QSettings().value(key, default)
    try:
        milliseconds = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return milliseconds if milliseconds in ROLL_CHOICES_MS else default


def write(key: str, value: str | int) -> None:
    QSettings().setValue(key, value)


def shared_edge_modifier() -> Qt.KeyboardModifier:
    return SHARED_EDGE_MODIFIERS[read_choice(SHARED_EDGE_MODIFIER_KEY, list(SHARED_EDGE_MODIFIERS),
                                             DEFAULT_SHARED_EDGE_MODIFIER)]  # fmt: skip


def choice_menu(
    parent: QMenu, title: str, choices: list[str], current: str, on_chosen: Callable[[str], None]
) -> dict[str, QAction]:
    """A submenu of exclusive, checkable choices; `on_chosen` gets the label picked."""
    menu = parent.addMenu(title)
    group = QActionGroup(menu)
    actions: dict[str, QAction] = {}
    for label in choices:
        action = QAction(label, menu, checkable=True)
        action.setChecked(label == current)
        action.triggered.connect(lambda checked=False, chosen=label: on_chosen(chosen))
        group.addAction(action)
        menu.addAction(action)
        actions[label] = action
    return actions


def palette_for(theme: str) -> QPalette:
    """The palette a theme gives the window's widgets; "System" follows the desktop's (the word canvas keeps
    its own dark colours, as editing suites do)."""
    if theme not in ("Light", "Dark"):
        return QGuiApplication.palette()
    palette = QPalette()
    roles = QPalette.ColorRole
    colours = _DARK if theme == "Dark" else _LIGHT
    for role, colour in colours.items():
        palette.setColor(getattr(roles, role), QColor(colour))
    for role in ("Text", "WindowText", "ButtonText"):
        palette.setColor(QPalette.ColorGroup.Disabled, getattr(roles, role), QColor(colours["PlaceholderText"]))
    return palette


def apply_theme(window: QWidget, theme: str) -> None:
    window.setPalette(palette_for(theme))


_DARK = {
    "Window": "#2b2e36", "WindowText": "#e6e8ee", "Base": "#1f2128", "AlternateBase": "#2a2d35",
    "Text": "#e6e8ee", "Button": "#353944", "ButtonText": "#e6e8ee", "Highlight": "#5b8fd6",
    "HighlightedText": "#ffffff", "ToolTipBase": "#353944", "ToolTipText": "#e6e8ee", "PlaceholderText": "#8a93a3",
    "Link": "#7fb2ff", "Mid": "#454a57", "Dark": "#16181d", "Light": "#4a4f5c", "Midlight": "#3d414c",
}  # fmt: skip
_LIGHT = {
    "Window": "#efeff2", "WindowText": "#1c1e24", "Base": "#ffffff", "AlternateBase": "#f4f5f8",
    "Text": "#1c1e24", "Button": "#e4e5ea", "ButtonText": "#1c1e24", "Highlight": "#2f6fcf",
    "HighlightedText": "#ffffff", "ToolTipBase": "#ffffdc", "ToolTipText": "#1c1e24", "PlaceholderText": "#7a808c",
    "Link": "#1d5fbf", "Mid": "#b8bac2", "Dark": "#9a9ca5", "Light": "#ffffff", "Midlight": "#d8d9de",
}  # fmt: skip
