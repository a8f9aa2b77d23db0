"""Our source patches apply exactly once to v1.8.5 and refuse a source they were not written for."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from metavis_gui.engines.engine_command import COREML_COMPUTE_UNITS_VARIABLE, CoreMLComputeUnits

ENGINES_DIR = Path(__file__).resolve().parents[2] / "engines"


@pytest.fixture(scope="module")
def patches():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("whisper_cpp_patches", ENGINES_DIR / "whisper_cpp_patches.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def fake_tree(root: Path, text: str, path: str = "src/whisper.cpp") -> Path:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")
    return root


def test_patches_apply_once_and_are_idempotent(patches, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = {patch.path for patch in patches.PATCHES}
    assert paths == {"src/whisper.cpp", "src/coreml/whisper-encoder.mm"}
    for path in paths:
        mine = [patch for patch in patches.PATCHES if patch.path == path]
        fake_tree(tmp_path, "before\n" + "middle\n".join(patch.original for patch in mine) + "after\n", path)
    patches.apply_patches(tmp_path)
    patched = {path: (tmp_path / path).read_text(encoding="utf-8") for path in paths}
    for path in paths:
        mine = [patch for patch in patches.PATCHES if patch.path == path]
        assert patched[path] == "before\n" + "middle\n".join(patch.replacement for patch in mine) + "after\n"
    patches.apply_patches(tmp_path)
    assert {path: (tmp_path / path).read_text(encoding="utf-8") for path in paths} == patched


def test_patch_refuses_an_unknown_source(patches, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = fake_tree(tmp_path, "some other whisper.cpp\n")
    with pytest.raises(patches.PatchFailed, match="v1.8.5"):
        patches.apply_patches(root)


def extracted_roots() -> list[Path]:
    built = sorted((ENGINES_DIR / ".build" / "sources").glob("*/**/src/whisper.cpp"))
    if not built:
        pytest.skip("no whisper.cpp source extracted yet: run engines/build_whisper_cpp.py")
    return [source.parents[1] for source in built]


def test_the_built_source_carries_the_patches_or_the_next_build_adds_them(patches) -> None:  # type: ignore[no-untyped-def]
    manifests = [json.loads(path.read_text("utf-8")) for path in (ENGINES_DIR / "bin").glob("*/build-info.json")]
    for root in extracted_roots():
        missing = [patch for patch in patches.PATCHES if patch.replacement not in (root / patch.path).read_text()]
        if missing:
            # A patch newer than the build: the patch set's id changed, so the next set-up rebuilds with it.
            assert all(manifest["patches"] != patches.patch_set_id() for manifest in manifests), missing


def test_every_patch_applies_cleanly_to_the_real_v1_8_5_source(patches, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for index, root in enumerate(extracted_roots()):
        copy = tmp_path / str(index)
        for path in {patch.path for patch in patches.PATCHES}:
            (copy / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(root / path, copy / path)
        patches.apply_patches(copy)
        for patch in patches.PATCHES:
            assert (copy / patch.path).read_text(encoding="utf-8").count(patch.replacement) == 1, patch.reason


def test_the_encoder_reads_the_compute_units_the_app_offers(patches) -> None:  # type: ignore[no-untyped-def]
    encoder_patch = next(patch for patch in patches.PATCHES if "computeUnits" in patch.replacement)
    assert f'getenv("{COREML_COMPUTE_UNITS_VARIABLE}")' in encoder_patch.replacement
    for units, constant in (
        (CoreMLComputeUnits.CPU_AND_NEURAL_ENGINE, "MLComputeUnitsCPUAndNeuralEngine"),
        (CoreMLComputeUnits.CPU_ONLY, "MLComputeUnitsCPUOnly"),
    ):
        assert f'strcmp(compute_units, "{units.value}") == 0) {{\n        config.computeUnits = {constant};' in (
            encoder_patch.replacement
        )
    assert CoreMLComputeUnits.ALL.value == "all"  # the hard-coded default the replacement keeps first


@pytest.mark.parametrize(
    ("system", "machine", "coreml"),
    [("Darwin", "arm64", True), ("Darwin", "x86_64", False), ("Linux", "aarch64", False), ("Linux", "x86_64", False)],
)
def test_the_build_chooses_core_ml_by_platform(
    system: str, machine: str, coreml: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location("build_whisper_cpp", ENGINES_DIR / "build_whisper_cpp.py")
    assert spec is not None and spec.loader is not None
    build_script = importlib.util.module_from_spec(spec)
    monkeypatch.syspath_prepend(str(ENGINES_DIR))
    spec.loader.exec_module(build_script)
    monkeypatch.setattr(build_script.platform, "system", lambda: system)
    monkeypatch.setattr(build_script.platform, "machine", lambda: machine)
    wanted = build_script.wanted_inputs(native=False)
    assert wanted["coreml"] is coreml
    assert ("-DWHISPER_COREML=1" in wanted["cmake_flags"]) is coreml
    assert ("-DWHISPER_COREML_ALLOW_FALLBACK=1" in wanted["cmake_flags"]) is coreml
    assert build_script.build_key().endswith("-coreml" if coreml else "-cpu")
