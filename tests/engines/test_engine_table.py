"""The engine table: one row per engine, found by id or alias, and the only place that names an engine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import metavis_gui
from metavis_gui.engines import engine_table
from metavis_gui.engines.engine_table import ENGINE_TABLE, create_engine_adapter, engine_spec, resolve_model_path
from metavis_gui.engines.errors import EngineNotFound
from metavis_gui.engines.model_availability import describe_models
from metavis_gui.jobs.transcription_request import TranscriptionRequest
from metavis_gui.models import engine_ids
from metavis_gui.models.engine_ids import (
    ENGINE_IDENTITIES,
    EngineId,
    UnknownEngine,
    accepted_engine_names,
    engine_id_from_name,
)

PACKAGE = Path(metavis_gui.__file__).parent
TABLE_MODULES = {Path(engine_ids.__file__), Path(engine_table.__file__)}


def package_sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(PACKAGE.rglob("*.py"))]


def test_every_engine_id_has_one_identity_and_one_row_in_the_ids_order() -> None:
    assert list(ENGINE_IDENTITIES) == list(EngineId)
    assert list(ENGINE_TABLE) == list(EngineId)
    for engine_id, spec in ENGINE_TABLE.items():
        assert spec.engine_id is engine_id and spec.identity is ENGINE_IDENTITIES[engine_id]
        assert spec.display_name and spec.model_kinds


def test_names_and_aliases_lead_to_one_engine_each() -> None:
    names = accepted_engine_names()
    assert len(names) == len(set(names))
    assert names[: len(EngineId)] == tuple(engine_id.value for engine_id in EngineId)
    for engine_id in EngineId:
        assert engine_id_from_name(engine_id.value) is engine_id is engine_id_from_name(engine_id)
        for alias in ENGINE_IDENTITIES[engine_id].aliases:
            assert engine_id_from_name(alias) is engine_id
    assert engine_id_from_name("whisper-cli") is EngineId.OPENAI_WHISPER
    assert engine_id_from_name("whispercpp-coreml") is EngineId.WHISPER_CPP


def test_an_unknown_name_is_refused_with_every_known_name() -> None:
    with pytest.raises(UnknownEngine) as refused:
        engine_id_from_name("whisperx")
    assert "'whisperx'" in str(refused.value)
    assert all(name in str(refused.value) for name in accepted_engine_names())
    with pytest.raises(EngineNotFound, match="Known engines"):
        engine_spec("whisperx")
    with pytest.raises(ValueError, match="Unknown engine 'whisperx'"):
        TranscriptionRequest.model_validate({"input_path": "a.wav", "output_dir": "out", "engine": "whisperx"})


def test_a_request_takes_an_alias_and_keeps_the_engine_id() -> None:
    request = TranscriptionRequest.model_validate({"input_path": "a.wav", "output_dir": "out", "engine": "whisper-cli"})
    assert request.engine is EngineId.OPENAI_WHISPER
    assert TranscriptionRequest(input_path=Path("a.wav"), output_dir=Path("out")).engine is EngineId.WHISPER_CPP


@pytest.mark.usefixtures("engine_ready")
def test_an_alias_runs_the_engine_under_its_own_name(default_model_path: Path) -> None:
    adapter = create_engine_adapter("whispercpp-coreml")
    assert adapter.name is EngineId.WHISPER_CPP and adapter.name == "whisper.cpp"  # the summary's tool name
    assert resolve_model_path("whispercpp-coreml", None, environ={}) == default_model_path


def test_every_engine_lists_its_models_from_an_empty_store(tmp_path: Path) -> None:
    for engine_id in EngineId:
        models = describe_models(tmp_path, engine=engine_id)
        assert "tiny.en" in {model.name for model in models}, engine_id


def test_only_the_engine_table_spells_an_engine_id() -> None:
    ids = {engine_id.value for engine_id in EngineId}
    spelled = [
        f"{path.relative_to(PACKAGE)}:{node.lineno} {node.value!r}"
        for path, tree in package_sources()
        if path not in TABLE_MODULES
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in ids
    ]
    assert spelled == [], "engine ids belong in models/engine_ids.py and engines/engine_table.py"


def test_nothing_branches_on_a_particular_engine() -> None:
    def names_an_engine(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "EngineId"

    comparisons = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path, tree in package_sources()
        if path not in TABLE_MODULES
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare) and any(names_an_engine(part) for part in (node.left, *node.comparators))
    ]
    assert comparisons == [], "look the engine's row up in the engine table instead"
