"""The contract package hands out its names on first use, so a child that needs one model builds only that one."""

from __future__ import annotations

import importlib
import subprocess
import sys

from metavis_gui import contract


def test_every_exported_name_resolves_from_the_module_the_table_names() -> None:
    assert sorted(contract.__all__) == sorted(contract._MODULE_OF_NAME)
    for name in contract.__all__:
        module = importlib.import_module(f"metavis_gui.contract.{contract._MODULE_OF_NAME[name]}")
        assert getattr(contract, name) is getattr(module, name), name


def test_reading_the_aligners_words_builds_no_other_contract_model() -> None:
    probe = (
        "import sys; import metavis_gui.timeline.transcript; "
        "print(sorted(name for name in sys.modules if name.startswith('metavis_gui.contract.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    for heavy in ("captions", "summary", "words_jsonl", "transcript_bundle", "output_commit"):
        assert f"metavis_gui.contract.{heavy}'" not in loaded, loaded


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        contract.WordRecordz  # noqa: B018
    except AttributeError as error:
        assert "WordRecordz" in str(error)
    else:
        raise AssertionError("an unknown name resolved")
