"""Every pure layer imports, module by module, in a fresh interpreter without Qt and without the layers above.

import-linter checks the imports it can see; this checks what really ends up in sys.modules.
"""

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The least number of modules each layer has, so a layer that stops importing its modules is noticed.
PURE_LAYERS = {"contract": 5, "timeline": 10, "models": 10, "engines": 10, "media": 4, "align": 10, "exports": 10}
_CHECK = """
import importlib, pkgutil, sys
package = importlib.import_module("metavis_gui.{layer}")
for module in pkgutil.iter_modules(package.__path__):
    importlib.import_module(f"{{package.__name__}}.{{module.name}}")
qt = sorted(name for name in sys.modules if name.split(".")[0] in {{"PySide6", "qasync", "shiboken6"}})
above = sorted(name for name in sys.modules if name.startswith(("metavis_gui.jobs", "metavis_gui.ui", "metavis_gui.cli")))
print(len([name for name in sys.modules if name.startswith("metavis_gui.{layer}.")]), ",".join(qt + above))
"""


@pytest.mark.parametrize(("layer", "least_modules"), PURE_LAYERS.items())
def test_a_pure_layer_imports_no_qt_and_nothing_above_it(layer: str, least_modules: int) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CHECK.format(layer=layer)],
        capture_output=True, text=True, check=True, timeout=60, cwd=PROJECT_ROOT,
    )  # fmt: skip
    module_count, forbidden = result.stdout.split(" ", 1)
    assert int(module_count) >= least_modules
    assert forbidden.strip() == ""
