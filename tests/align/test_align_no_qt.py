import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_the_alignment_package_imports_no_qt_and_nothing_above_it() -> None:
    code = (
        "import importlib, pkgutil, sys, metavis_gui.align as package\n"
        "for module in pkgutil.iter_modules(package.__path__):\n"
        "    importlib.import_module(f'{package.__name__}.{module.name}')\n"
        "qt = sorted(name for name in sys.modules if name.split('.')[0] in {'PySide6', 'qasync', 'shiboken6'})\n"
        "above = sorted(name for name in sys.modules if name.startswith(('metavis_gui.jobs', 'metavis_gui.ui', 'metavis_gui.cli')))\n"
        "print(len([name for name in sys.modules if name.startswith('metavis_gui.align.')]), ','.join(qt + above))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60, cwd=PROJECT_ROOT
    )
    module_count, forbidden = result.stdout.split(" ", 1)
    assert int(module_count) >= 10
    assert forbidden.strip() == ""
