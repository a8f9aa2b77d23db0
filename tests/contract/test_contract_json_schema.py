import json
import re
from pathlib import Path
from typing import Any

import pytest

from metavis_gui.contract import WORD_ID_PATTERN, WordDraft, WordRecord, build_word_records, serialize_word_records

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "resources" / "transcript.word.v1.schema.json"


def _resource_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_resource_schema_agrees_with_the_model_on_keys_and_required() -> None:
    resource = _resource_schema()
    model = WordRecord.model_json_schema(by_alias=True)
    assert resource["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(resource["properties"]) == set(model["properties"])
    assert len(resource["properties"]) == 12
    assert sorted(resource["required"]) == sorted(model["required"])
    assert resource["additionalProperties"] is False
    assert model["additionalProperties"] is False


def test_nullable_keys_allow_null_and_the_rest_do_not() -> None:
    properties = _resource_schema()["properties"]
    required = set(_resource_schema()["required"])
    for key, rule in properties.items():
        allows_null = "null" in rule.get("type", [])
        assert allows_null == (key not in required), key


def test_word_id_pattern_is_the_model_pattern() -> None:
    pattern = _resource_schema()["properties"]["wordId"]["pattern"]
    assert pattern == WORD_ID_PATTERN
    assert re.search(pattern, "w_0_60_1") and not re.search(pattern, "w_0_60_0")


def test_sample_lines_validate_against_the_resource_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(_resource_schema())
    records = build_word_records(
        [
            WordDraft(word="hi", start_ticks=0, end_ticks=60),
            WordDraft(word="yo", start_ticks=0, end_ticks=60, speaker_label="T1"),
        ]
    )
    for line in serialize_word_records(records).decode("utf-8").splitlines():
        validator.validate(json.loads(line))
    older = {
        "schema": "transcript.word.v1",
        "wordId": "w_0_1_1",
        "word": "a",
        "confidence": 1,
        "sourceTimeTicks": 0,
        "sourceTimeEndTicks": 1,
    }
    validator.validate(older)
    assert not validator.is_valid({**older, "colour": "red"})
    assert not validator.is_valid({**older, "word": " a"})
    assert not validator.is_valid({**older, "sourceTimeTicks": 0.5})
