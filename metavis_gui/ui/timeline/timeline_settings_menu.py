"""The timeline's Settings menu and View > Theme: each choice applies at once and is kept in QSettings."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from metavis_gui.ui.timeline import timeline_preferences as preferences
from metavis_gui.ui.timeline.timeline_actions import menu_titled
from metavis_gui.ui.timeline.word_timeline_view import WordTimelineView


def build_settings_menus(window: QMainWindow, view: WordTimelineView) -> dict[str, dict[str, QAction]]:
    """Settings > shared-edge drag key, play-word pre-roll and post-roll; View > Theme. Returns the choice actions."""
    settings_menu = window.menuBar().addMenu("&Settings")
    view.shared_edge_modifier = preferences.shared_edge_modifier()

    def choose_modifier(label: str) -> None:
        preferences.write(preferences.SHARED_EDGE_MODIFIER_KEY, label)
        view.shared_edge_modifier = preferences.SHARED_EDGE_MODIFIERS[label]

    def choose_theme(label: str) -> None:
        preferences.write(preferences.THEME_KEY, label)
        preferences.apply_theme(window, label)

    theme = preferences.read_choice(preferences.THEME_KEY, preferences.THEMES, "System")
    preferences.apply_theme(window, theme)
    roll_labels = [f"{milliseconds} ms" for milliseconds in preferences.ROLL_CHOICES_MS]
    pre = preferences.read_milliseconds(preferences.PRE_ROLL_KEY, preferences.DEFAULT_PRE_ROLL_MS)
    post = preferences.read_milliseconds(preferences.POST_ROLL_KEY, preferences.DEFAULT_POST_ROLL_MS)
    return {
        "shared_edge": preferences.choice_menu(
            settings_menu, "Drag a &shared edge with", list(preferences.SHARED_EDGE_MODIFIERS),
            preferences.read_choice(preferences.SHARED_EDGE_MODIFIER_KEY, list(preferences.SHARED_EDGE_MODIFIERS),
                                    preferences.DEFAULT_SHARED_EDGE_MODIFIER), choose_modifier),
        "pre_roll": preferences.choice_menu(
            settings_menu, "Play word: &pre-roll", roll_labels, f"{pre} ms",
            lambda label: preferences.write(preferences.PRE_ROLL_KEY, int(label.split()[0]))),
        "post_roll": preferences.choice_menu(
            settings_menu, "Play word: p&ost-roll", roll_labels, f"{post} ms",
            lambda label: preferences.write(preferences.POST_ROLL_KEY, int(label.split()[0]))),
        "theme": preferences.choice_menu(menu_titled(window, "&View"), "&Theme", list(preferences.THEMES), theme,
                                         choose_theme),
    }  # fmt: skip
