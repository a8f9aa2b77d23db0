"""Our source patches apply exactly once to v1.8.5 and refuse a source they were not written for."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ENGINES_DIR = Path(__file__).resolve().parents[2] / "engines"


@pytest.fixture(scope="module")
def patches():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("whisper_cpp_patches", ENGINES_DIR / "whisper_cpp_patches.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def fake_tree(root: Path, text: str) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "whisper.cpp").write_text(text, encoding="utf-8")
    return root


def test_patches_apply_once_and_are_idempotent(patches, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert {patch.path for patch in patches.PATCHES} == {"src/whisper.cpp"}
    root = fake_tree(tmp_path, "before\n" + "middle\n".join(patch.original for patch in patches.PATCHES) + "after\n")
    patches.apply_patches(root)
    patched = (root / "src" / "whisper.cpp").read_text(encoding="utf-8")
    assert patched == "before\n" + "middle\n".join(patch.replacement for patch in patches.PATCHES) + "after\n"
    patches.apply_patches(root)
    assert (root / "src" / "whisper.cpp").read_text(encoding="utf-8") == patched


def test_patch_refuses_an_unknown_source(patches, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = fake_tree(tmp_path, "some other whisper.cpp\n")
    with pytest.raises(patches.PatchFailed, match="v1.8.5"):
        patches.apply_patches(root)


def test_the_built_source_carries_the_patch(patches) -> None:  # type: ignore[no-untyped-def]
    built = sorted((ENGINES_DIR / ".build" / "sources").glob("*/**/src/whisper.cpp"))
    if not built:
        pytest.skip("no whisper.cpp source extracted yet: run engines/build_whisper_cpp.py")
    for source in built:
        text = source.read_text(encoding="utf-8")
        assert all(patch.replacement in text for patch in patches.PATCHES), source
