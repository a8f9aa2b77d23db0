"""What the window remembers between runs, and the model and language pickers' rules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from metavis_gui.engines.model_availability import OFFERED_MODEL_NAMES
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.jobs.transcription_request import AlignMode
from metavis_gui.ui.window_settings import LANGUAGE_KEY, MODEL_KEY
from tests.support.ui_helpers import run_loop_for


@pytest.fixture
def models_with_only_tiny_en(tmp_path: Path, default_model_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    (models_dir / default_model_path.name).symlink_to(default_model_path)
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(models_dir))
    return models_dir


def test_settings_survive_closing_and_reopening_the_window(
    window_factory: Callable[[], MainWindow], qasync_loop, tmp_path: Path
) -> None:
    first = window_factory()
    options = first.options_panel
    options.set_engine("whisper.cpp")
    options.set_model("base")
    options.set_language("de")
    options.set_output_folder(tmp_path / "transcripts")
    assert options.align_mode() is AlignMode.AUTO, "words are timed from the audio unless the editor says no"
    options.align_check.click()
    first.resize(760, 640)
    run_loop_for(qasync_loop, 0.1)
    total = sum(first.splitter.sizes())
    first.splitter.setSizes([total // 3, total - total // 3])
    run_loop_for(qasync_loop, 0.1)
    sizes_before = first.splitter.sizes()
    assert sizes_before != [total // 2, total - total // 2], "the test must move the divider"
    first.close()

    second = window_factory()
    run_loop_for(qasync_loop, 0.1)
    assert second is not first
    restored = second.options_panel
    assert restored.engine() == "whisper.cpp"
    assert restored.model() == "base"
    assert restored.language() == "de" and restored.language_combo.isEnabled()
    assert restored.output_folder() == tmp_path / "transcripts"
    assert restored.align_mode() is AlignMode.OFF and restored.job_settings().align is AlignMode.OFF
    assert (second.width(), second.height()) == (760, 640)
    assert second.splitter.sizes() == sizes_before


def test_an_english_only_model_locks_the_language_to_english_and_keeps_the_choice(
    transcription_window: MainWindow,
) -> None:
    options = transcription_window.options_panel
    options.set_model("base")
    options.set_language("fr")
    assert options.language() == "fr" and options.language_combo.isEnabled()
    options.set_model("tiny.en")
    assert options.language() == "en" and not options.language_combo.isEnabled()
    assert options.job_settings().language == "en"
    options.set_model("small")
    assert options.language() == "fr" and options.language_combo.isEnabled()
    transcription_window.close()
    assert transcription_window.settings.value(LANGUAGE_KEY) == "fr", "the user's choice, not the forced English"
    assert transcription_window.settings.value(MODEL_KEY) == "small"


def test_the_model_picker_lists_every_size_with_installed_ones_sized(
    models_with_only_tiny_en: Path, window_factory: Callable[[], MainWindow]
) -> None:
    combo = window_factory().options_panel.model_combo
    items = {combo.itemData(index): combo.itemText(index) for index in range(combo.count())}
    assert list(items)[: len(OFFERED_MODEL_NAMES)] == list(OFFERED_MODEL_NAMES)
    assert {"tiny", "base.en", "medium", "large-v3", "large-v3-turbo"} <= set(items)
    assert items["tiny.en"].endswith(" MB"), items["tiny.en"]
    for name in set(OFFERED_MODEL_NAMES) - {"tiny.en"}:
        assert items[name].endswith("not installed"), items[name]


def test_a_remembered_model_that_is_gone_stays_visible_as_not_installed(
    models_with_only_tiny_en: Path, window_factory: Callable[[], MainWindow], tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "metavis-transcribe-settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(MODEL_KEY, "my-fine-tune-q5_0")
    settings.sync()
    options = window_factory().options_panel
    assert options.model() == "my-fine-tune-q5_0"
    assert "not installed" in options.model_combo.currentText()


def test_controls_have_accessible_names(transcription_window: MainWindow) -> None:
    options = transcription_window.options_panel
    named = [
        options.engine_combo, options.model_combo, options.language_combo, options.choose_output_button,
        transcription_window.queue_view, transcription_window.drop_zone, transcription_window.drop_zone.open_button,
        transcription_window.details_panel.live_text, transcription_window.details_panel.details_text,
    ]  # fmt: skip
    assert all(widget.accessibleName() for widget in named)
    shortcuts = {
        transcription_window.open_action.shortcut().toString(),
        transcription_window.quit_action.shortcut().toString(),
        transcription_window.remove_action.shortcut().toString(),
    }
    assert shortcuts == {"Ctrl+O", "Ctrl+Q", "Del"}
