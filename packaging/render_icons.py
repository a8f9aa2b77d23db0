"""Render the hand-drawn SVG app icon to PNG sizes (and an .icns on macOS, where iconutil exists).

Usage: python packaging/render_icons.py SVG OUT_DIR

Writes OUT_DIR/metavis-transcribe-<size>.png for every size in SIZES and, when `iconutil` is on PATH,
OUT_DIR/metavis-transcribe.icns made from an .iconset of the same renders. Runs in its own process
(build_bundle.py starts it) so that the build script itself never loads Qt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ICON_NAME = "metavis-transcribe"
SIZES = (16, 32, 48, 64, 128, 256, 512, 1024)
# iconutil's file names: icon_<points>x<points>[@2x].png, each backed by a pixel size.
ICONSET_ENTRIES = {
    "icon_16x16.png": 16, "icon_16x16@2x.png": 32,
    "icon_32x32.png": 32, "icon_32x32@2x.png": 64,
    "icon_128x128.png": 128, "icon_128x128@2x.png": 256,
    "icon_256x256.png": 256, "icon_256x256@2x.png": 512,
    "icon_512x512.png": 512, "icon_512x512@2x.png": 1024,
}


def render_pngs(svg: Path, out_dir: Path) -> dict[int, Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    application = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841  (painting needs one)
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"error: {svg} is not an SVG Qt can render")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[int, Path] = {}
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_dir / f"{ICON_NAME}-{size}.png"
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"error: could not write {target}")
        written[size] = target
    return written


def make_icns(pngs: dict[int, Path], out_dir: Path) -> Path | None:
    iconutil = shutil.which("iconutil")
    if iconutil is None:
        return None
    target = out_dir / f"{ICON_NAME}.icns"
    with tempfile.TemporaryDirectory() as scratch:
        iconset = Path(scratch) / f"{ICON_NAME}.iconset"
        iconset.mkdir()
        for name, size in ICONSET_ENTRIES.items():
            shutil.copyfile(pngs[size], iconset / name)
        subprocess.run([iconutil, "--convert", "icns", "--output", str(target), str(iconset)], check=True)
    return target


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    svg, out_dir = Path(argv[0]), Path(argv[1])
    pngs = render_pngs(svg, out_dir)
    icns = make_icns(pngs, out_dir)
    print(f"rendered {len(pngs)} PNG sizes" + (f" and {icns.name}" if icns else " (no iconutil: no .icns)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
