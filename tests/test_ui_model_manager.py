"""The model manager dialog against an HTTP server started here on 127.0.0.1 serving the real tiny.en model."""

# ruff: noqa: F811 - pytest fixtures imported by name are redefined as parameters

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync

from metavis_gui.models.model_catalog import (
    CatalogEntry,
    catalog,
    find_entry,
    installed_path,
    partial_path,
)
from metavis_gui.ui.model_manager_dialog import PROGRESS_STEPS, ModelManagerDialog
from metavis_gui.ui.transcription_options_panel import TranscriptionOptionsPanel
from tests.test_model_download import (  # noqa: F401 - fixtures are used by name
    MODEL_FILE,
    ModelServer,
    direct_connections,
    model_bytes,
    sha1,
)
from tests.ui_helpers import qasync_loop, record, run_loop_for, wait_until  # noqa: F401

DOWNLOAD_TIMEOUT = 30.0


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv("METAVIS_MODELS_DIR", str(folder))
    return folder


@pytest.fixture
def server(model_bytes: bytes) -> Iterator[ModelServer]:
    running = ModelServer({MODEL_FILE: model_bytes}).start()
    yield running
    running.stop()


@pytest.fixture
def entry(model_bytes: bytes) -> CatalogEntry:
    """tiny.en as catalogued, with the size and SHA-1 of the converted file the test server serves."""
    return find_entry("tiny.en").model_copy(update={"size_bytes": len(model_bytes), "checksum": sha1(model_bytes)})


@pytest.fixture
def dialog(
    qasync_loop: qasync.QEventLoop, models_dir: Path, entry: CatalogEntry
) -> Iterator[ModelManagerDialog]:
    entries = [entry if (e.engine, e.name, e.kind) == (entry.engine, entry.name, entry.kind) else e for e in catalog()]
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


def test_lists_every_catalogued_model_per_engine_whisper_cpp_first(dialog: ModelManagerDialog) -> None:
    assert [dialog.tabs.tabText(index) for index in range(dialog.tabs.count())] == ["whisper.cpp", "openai-whisper"]
    for engine, table in dialog.tables.items():
        names = [table.item(row, 0).text().split()[0] for row in range(table.rowCount())]
        assert names == [e.name for e in catalog(engine)]
        assert all(table.item(row, 2).text() == "no" for row in range(table.rowCount()))
    large = find_entry("large-v3")
    table, row = dialog.row_of(large)
    assert table.item(row, 1).text() == "3095.0 MB"
    assert table.item(row, 3).text() == str(installed_path(large))


def test_download_shows_rising_progress_installs_and_deletes(
    dialog: ModelManagerDialog,
    qasync_loop: qasync.QEventLoop,
    server: ModelServer,
    entry: CatalogEntry,
    models_dir: Path,
    model_bytes: bytes,
) -> None:
    server.chunk_delay = 0.002  # a couple of seconds in all, so several progress reports arrive
    values = record(dialog.progress_bar.valueChanged)
    changes = record(dialog.models_changed)
    start_download(dialog, entry, server.url)
    wait_until(qasync_loop, lambda: not dialog.is_downloading(), DOWNLOAD_TIMEOUT, "download finished")

    progress = [args[0] for _, args in values if args[0] > 0]
    assert len(set(progress)) >= 3, progress
    assert progress == sorted(progress) and progress[-1] == PROGRESS_STEPS
    assert dialog.state_text(entry) == "yes"
    installed = models_dir / MODEL_FILE
    assert installed_path(entry) == installed and sha1(installed.read_bytes()) == sha1(model_bytes)
    assert "Installed" in dialog.status_label.text()
    assert len(changes) == 1
    assert not dialog.download_button.isEnabled()

    dialog.delete_selected()
    assert not installed.exists()
    assert dialog.state_text(entry) == "no"
    assert len(changes) == 2


def test_cancel_on_slow_server_keeps_partial_then_resumes(
    dialog: ModelManagerDialog,
    qasync_loop: qasync.QEventLoop,
    server: ModelServer,
    entry: CatalogEntry,
    model_bytes: bytes,
) -> None:
    server.chunk_delay = 0.05
    start_download(dialog, entry, server.url)
    wait_until(qasync_loop, lambda: dialog.progress_bar.value() > 0, DOWNLOAD_TIMEOUT, "first progress")
    assert dialog.state_text(entry).startswith("downloading")
    dialog.cancel_button.click()
    wait_until(qasync_loop, lambda: not dialog.is_downloading(), 5, "cancel took effect")

    assert dialog.state_text(entry).startswith("partial ") and dialog.state_text(entry).endswith(" MB")
    assert "cancelled" in dialog.status_label.text()
    assert not installed_path(entry).exists()
    kept = partial_path(entry).stat().st_size
    assert 0 < kept < len(model_bytes)
    assert dialog.download_button.text() == "&Resume"

    server.chunk_delay = 0.0
    dialog.download_button.click()
    wait_until(qasync_loop, lambda: not dialog.is_downloading(), DOWNLOAD_TIMEOUT, "resumed download finished")
    assert dialog.state_text(entry) == "yes"
    assert sha1(installed_path(entry).read_bytes()) == sha1(model_bytes)
    assert server.requests[-1].range_header == f"bytes={kept}-"


def test_refused_connection_shows_offline_message(
    dialog: ModelManagerDialog, qasync_loop: qasync.QEventLoop, entry: CatalogEntry
) -> None:
    # Bound but never listening: connecting to it is refused, and no other test can take the port meanwhile.
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        start_download(dialog, entry, f"http://127.0.0.1:{closed_port.getsockname()[1]}/")
        wait_until(qasync_loop, lambda: not dialog.is_downloading(), DOWNLOAD_TIMEOUT, "failure reported")

    message = dialog.status_label.text()
    assert "Cannot reach 127.0.0.1" in message and "offline" in message, message
    assert "Traceback" not in message
    assert dialog.state_text(entry) == "no"
    assert not installed_path(entry).exists()


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

        manager.import_button.click()
        file_dialog = manager._file_dialog
        assert file_dialog is not None and file_dialog.isVisible()  # opened with open(): nothing blocks here
        file_dialog.reject()

        not_a_model = tmp_path / "notes.bin"
        not_a_model.write_bytes(b"not a model at all" * 100)
        manager.import_ggml_file(not_a_model)
        assert "notes.bin" in manager.status_label.text() and "Traceback" not in manager.status_label.text()
        assert "not installed" in picker_label()

        manager.import_ggml_file(default_model_path)  # what the file dialog's fileSelected leads to
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
