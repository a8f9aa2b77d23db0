import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_the_timeline_layer_imports_no_qt() -> None:
    code = (
        "import importlib, pkgutil, sys, metavis_gui.timeline as package\n"
        "for module in pkgutil.iter_modules(package.__path__):\n"
        "    importlib.import_module(f'{package.__name__}.{module.name}')\n"
        "qt = sorted(name for name in sys.modules if name.split('.')[0] in {'PySide6', 'qasync', 'shiboken6'})\n"
        "print(len([name for name in sys.modules if name.startswith('metavis_gui.timeline.')]), ','.join(qt))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60, cwd=PROJECT_ROOT
    )
    module_count, qt_modules = result.stdout.split(" ", 1)
    assert int(module_count) >= 10
    assert qt_modules.strip() == ""
