"""The macOS .app's Info.plist: resources/macos/Info.plist.in with the version, plus the document types.

A pure function, so the keys the spec hands PyInstaller's BUNDLE are tested on any platform
(tests/packaging/test_macos_release.py). The document types make Finder offer the app for audio and video
files ("Open With"); Alternate: it never claims to be their default editor.
"""

from __future__ import annotations

import plistlib
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "resources" / "macos" / "Info.plist.in"
MINIMUM_MACOS = "13.0"  # Qt 6.11's minimum; also where MLComputeUnitsCPUAndNeuralEngine exists

# (the kind's name in Finder, the Uniform Type Identifiers it covers)
DOCUMENT_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Audio", ("public.audio",)),  # WAV, AIFF, MP3, M4A, FLAC, ... conform to it
    ("Video", ("public.movie",)),  # QuickTime, MPEG-4, ... conform to it
)


def info_plist(version: str, template: Path = TEMPLATE) -> dict:
    keys = plistlib.loads(template.read_text(encoding="utf-8").replace("@VERSION@", version).encode("utf-8"))
    keys["LSMinimumSystemVersion"] = MINIMUM_MACOS
    keys["CFBundleDocumentTypes"] = [
        {
            "CFBundleTypeName": name,
            "CFBundleTypeRole": "Viewer",
            "LSHandlerRank": "Alternate",
            "LSItemContentTypes": list(content_types),
        }
        for name, content_types in DOCUMENT_TYPES
    ]
    return keys
