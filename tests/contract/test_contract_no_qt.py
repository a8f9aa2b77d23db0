import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_the_contract_layer_imports_no_qt() -> None:
    code = (
        "import sys, metavis_gui.contract\n"
        "qt = sorted(name for name in sys.modules if name.split('.')[0] in {'PySide6', 'qasync', 'shiboken6'})\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60, cwd=PROJECT_ROOT
    )
    assert result.stdout.strip() == ""
