"""Help > About: the app's version, its own licence, and the third-party software it ships with their licences.

The list is THIRD_PARTY_LICENSES, written by packaging/third_party_licenses.py from what the bundle holds:
inside a packaged app it is in the bundle's resources, in a checkout at the repository's root.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from metavis_gui import __version__, app_paths

LICENCES_FILE_NAME = "THIRD_PARTY_LICENSES"


def third_party_licenses_candidates() -> list[Path]:
    """Where the list may be, in the order looked at."""
    candidates = []
    bundle = app_paths.bundled_resources_dir()
    if bundle is not None:
        candidates.append(bundle / "resources" / LICENCES_FILE_NAME)
    root = app_paths.project_root()
    if root is not None:
        candidates.append(root / LICENCES_FILE_NAME)
    return candidates


def third_party_licenses_text() -> str:
    """The list, or a message naming where it was looked for and how to make it."""
    candidates = third_party_licenses_candidates()
    for path in candidates:
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            continue
    looked = ", ".join(str(path) for path in candidates) or "nowhere: neither a bundle nor a checkout"
    return (
        f"{LICENCES_FILE_NAME} is missing from this installation (looked in {looked}). "
        "It is written by packaging/third_party_licenses.py when the app is packaged."
    )


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About MetaVis Transcribe")
        heading = QLabel(f"<b>MetaVis Transcribe</b> {__version__}")
        self.licence_note = QLabel(
            "MetaVis Transcribe's own code is proprietary. It ships with the third-party software below, each "
            "under its own licence; FFmpeg, which it runs as a separate program, is under the GNU GPL."
        )
        self.licence_note.setWordWrap(True)
        self.licences = QPlainTextEdit(third_party_licenses_text())
        self.licences.setReadOnly(True)
        self.licences.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.licences.setAccessibleName("Third-party licences")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (heading, self.licence_note, self.licences, buttons):
            layout.addWidget(widget)
        self.resize(760, 560)
