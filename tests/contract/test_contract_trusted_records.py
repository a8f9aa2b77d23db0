"""The writer trusts validated records (for speed) and only those."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from metavis_gui.contract import WordDraft, WordRecord, WordRecordsInvalid, build_word_records, serialize_word_records


def one_record() -> WordRecord:
    return build_word_records([WordDraft(word="hello", start_ticks=60, end_ticks=120, confidence=0.5)])[0]


def test_validated_records_are_stamped_and_constructed_ones_are_not() -> None:
    record = one_record()
    assert record.is_validated
    assert not WordRecord.model_construct(**record.model_dump()).is_validated


def test_copy_with_changes_validates_again() -> None:
    record = one_record()
    assert record.model_copy(update={"confidence": 0.25}).is_validated
    with pytest.raises(ValidationError):
        record.model_copy(update={"word": "  "})
    with pytest.raises(ValidationError):
        record.model_copy(update={"source_time_end_ticks": 10})


def test_an_unvalidated_bad_record_is_still_refused_by_the_writer() -> None:
    bad = WordRecord.model_construct(**{**one_record().model_dump(), "word": ""})
    with pytest.raises(WordRecordsInvalid, match="record 1"):
        serialize_word_records([bad])
