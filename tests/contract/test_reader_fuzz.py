"""Every reader of the contract's files, fed anything: a result or a `ContractError` naming the file, never a crash.

Hostile cases first (each once raised RecursionError, ValueError, OverflowError, UnicodeEncodeError,
or hung), then hypothesis over bytes and JSON, then round trips of valid records and summaries.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from metavis_gui.contract import (
    SUMMARY_FILE_NAME,
    WORDS_FILE_NAME,
    ContractError,
    TimingSummary,
    ToolInfo,
    TranscriptFileInvalid,
    TranscriptSummary,
    WordDraft,
    WordTimingSource,
    build_word_records,
    read_summary,
    read_words_jsonl,
    serialize_summary,
    serialize_word_records,
    validate_words_jsonl,
    write_summary,
    write_words_jsonl,
)
from metavis_gui.contract.bounded_reading import MAX_LINE_CHARACTERS
from metavis_gui.timeline.autosave_store import read_recovery
from metavis_gui.timeline.edit_journal import replay_journal
from metavis_gui.timeline.transcript_files import open_transcript

GOOD_LINE = serialize_word_records(build_word_records([WordDraft(word="ask", start_ticks=0, end_ticks=600)]))
GOOD_SUMMARY = serialize_summary(
    TranscriptSummary(
        input="jfk.wav",
        duration_seconds=11.0,
        language="en",
        tool=ToolInfo(name="whisper.cpp", model="tiny.en"),
        word_count=1,
    )
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read_every_way(folder: Path, words: bytes, summary: bytes | None = None) -> None:
    """Each reader over the same files: each may refuse, none may raise anything but a ContractError."""
    words_path = folder / WORDS_FILE_NAME
    words_path.write_bytes(words)
    if summary is not None:
        (folder / SUMMARY_FILE_NAME).write_bytes(summary)
    for reader in (read_words_jsonl, validate_words_jsonl, open_transcript):
        try:
            reader(words_path)
        except ContractError as error:
            assert str(words_path) in str(error)
    if summary is not None:
        try:
            read_summary(folder / SUMMARY_FILE_NAME)
        except ContractError as error:
            assert str(folder / SUMMARY_FILE_NAME) in str(error)
    assert read_recovery(words_path) is None or True  # never raises
    assert replay_journal(words_path) is None or True


def refusal_of_summary(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / SUMMARY_FILE_NAME
    path.write_bytes(data)
    with pytest.raises(TranscriptFileInvalid) as caught:
        read_summary(path)
    assert str(path) in str(caught.value)
    return str(caught.value)


def line_problems(tmp_path: Path, data: bytes) -> list[str]:
    path = tmp_path / WORDS_FILE_NAME
    path.write_bytes(data)
    return [str(problem) for problem in read_words_jsonl(path).problems]


def test_deep_nesting_is_a_problem_of_its_line(tmp_path: Path) -> None:
    problems = line_problems(tmp_path, GOOD_LINE + b"[" * 60_000 + b"\n" + b'{"a":' * 10_000 + b"\n")
    assert problems == ["line 2: nested more than 32 levels deep", "line 3: nested more than 32 levels deep"]
    assert "line 3: nested more than 32 levels deep" in refusal_of_summary(tmp_path, b"{}\n\n" + b"[" * 10_000)


def test_numbers_too_long_or_too_large_are_problems(tmp_path: Path) -> None:
    record = json.loads(GOOD_LINE)
    lines = [
        json.dumps({**record, "sourceTimeEndTicks": "X"}).replace('"X"', "9" * 5000),
        json.dumps({**record, "sourceTimeEndTicks": 10**400}),
        json.dumps({**record, "confidence": "X"}).replace('"X"', "1e999"),
    ]
    problems = line_problems(tmp_path, ("\n".join(lines) + "\n").encode())
    assert problems[0] == "line 1: a number has more than 4300 digits"
    assert problems[1].startswith("line 2, sourceTimeEndTicks: Input should be less than or equal to 9007199254740991")
    assert problems[2].startswith("line 3, confidence:")

    summary = json.loads(GOOD_SUMMARY)
    for key, value in (("durationSeconds", "1" * 5000), ("durationSeconds", "1e999"), ("wordCount", "1e999")):
        text = json.dumps({**summary, key: "X"}).replace('"X"', value)
        assert key in refusal_of_summary(tmp_path, text.encode()) or "digits" in refusal_of_summary(
            tmp_path, text.encode()
        )
    assert "durationSeconds" in refusal_of_summary(tmp_path, json.dumps({**summary, "durationSeconds": 1e300}).encode())


def test_invalid_utf8_names_the_line_and_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    path = tmp_path / WORDS_FILE_NAME
    path.write_bytes(GOOD_LINE + b'{"word": "\xff"}\n')
    with pytest.raises(TranscriptFileInvalid, match=r"invalid byte at offset \d+, line 2"):
        read_words_jsonl(path)
    assert "line 1" in refusal_of_summary(tmp_path, b"\xfe{}")
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_LINE)
    assert len(read_words_jsonl(path).records) == 1
    (tmp_path / SUMMARY_FILE_NAME).write_bytes(b"\xef\xbb\xbf" + GOOD_SUMMARY)
    assert read_summary(tmp_path / SUMMARY_FILE_NAME).word_count == 1


def test_a_huge_line_is_refused_by_its_length(tmp_path: Path) -> None:
    line = b'{"word": "' + b"a" * MAX_LINE_CHARACTERS + b'"}\n'
    assert line_problems(tmp_path, GOOD_LINE + line) == [
        f"line 2: line is {len(line) - 1} characters long, over the limit of {MAX_LINE_CHARACTERS}; one word a line"
    ]


def test_text_utf8_cannot_hold_is_refused_so_a_save_never_fails_later(tmp_path: Path) -> None:
    summary = json.loads(GOOD_SUMMARY)
    for key in ("language", "input"):
        text = json.dumps({**summary, key: "a\ud800b"})  # json escapes it: \\ud800
        assert key in refusal_of_summary(tmp_path, text.encode())
    timing = TimingSummary.of_sources([WordTimingSource.HAND]).model_dump(by_alias=True)
    text = json.dumps({**summary, "timing": {**timing, "notice": "\udcff"}})
    assert "timing.notice" in refusal_of_summary(tmp_path, text.encode())


def test_an_input_name_no_file_system_can_hold_is_refused(tmp_path: Path) -> None:
    """It was looked up beside the transcript, and the OS refused it with an OSError or ValueError."""
    summary = json.loads(GOOD_SUMMARY)
    for name in ("a" * 300 + ".wav", "clip\x00.wav"):
        assert "input" in refusal_of_summary(tmp_path, json.dumps({**summary, "input": name}).encode())
        folder = tmp_path / "jfk.transcript"
        folder.mkdir(exist_ok=True)
        read_every_way(folder, GOOD_LINE, json.dumps({**summary, "input": name}).encode())
        assert open_transcript(folder).summary_problem is not None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_at_once_instead_of_read_forever(tmp_path: Path) -> None:
    fifo = tmp_path / WORDS_FILE_NAME
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        for reader in (read_words_jsonl, read_summary):
            try:
                reader(fifo)
            except ContractError as error:
                outcome.append(error)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(5)
    if thread.is_alive():  # unblock the reader so the test run can end
        os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        pytest.fail("a reader blocked on a FIFO")
    assert len(outcome) == 2 and all("not a regular file" in str(error) for error in outcome)


# Hypothesis: any bytes, JSON of any shape, records with any field replaced.

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
field_names = st.sampled_from(sorted(json.loads(GOOD_LINE)) + ["extra"])
odd_numbers = st.sampled_from(["1e999", "-1e999", "NaN", "Infinity", "9" * 4400, "-0", "1.5e-400", str(2**64)])


@FUZZ
@given(data=st.binary(max_size=400))
def test_any_bytes_are_read_or_refused(tmp_path: Path, data: bytes) -> None:
    read_every_way(tmp_path, data, data)


@FUZZ
@given(values=st.lists(json_values, max_size=4))
def test_any_json_lines_are_read_or_refused(tmp_path: Path, values: list) -> None:
    text = "".join(json.dumps(value) + "\n" for value in values)
    read_every_way(tmp_path, text.encode("utf-8", "surrogatepass"), (json.dumps(values[0]) if values else "").encode(
        "utf-8", "surrogatepass"))  # fmt: skip


@FUZZ
@given(key=field_names, value=json_values, number=odd_numbers, use_number=st.booleans())
def test_a_record_with_any_field_replaced_is_read_or_refused(tmp_path: Path, key, value, number, use_number) -> None:
    record = json.loads(GOOD_LINE)
    record[key] = "PLACEHOLDER" if use_number else value
    line = json.dumps(record).replace('"PLACEHOLDER"', number)
    summary = json.loads(GOOD_SUMMARY)
    summary[key if key in summary else "durationSeconds"] = "PLACEHOLDER" if use_number else value
    summary_text = json.dumps(summary).replace('"PLACEHOLDER"', number)
    read_every_way(tmp_path, GOOD_LINE + line.encode("utf-8", "surrogatepass") + b"\n",
                   summary_text.encode("utf-8", "surrogatepass"))  # fmt: skip


# Round trips: valid records and summaries come back equal.

drafts = st.builds(
    lambda word, start, length, confidence, speaker_label: WordDraft(
        word=word, start_ticks=start, end_ticks=start + length, confidence=confidence, speaker_label=speaker_label
    ),
    word=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12).map(str.strip).filter(bool),
    start=st.integers(0, 10**12),
    length=st.integers(0, 10**6),
    confidence=st.floats(0.0, 1.0),
    speaker_label=st.none() | st.text(st.characters(exclude_categories=("Cs",)), max_size=6),
)


@FUZZ
@given(words=st.lists(drafts, max_size=20))
def test_any_valid_records_come_back_equal(tmp_path: Path, words: list[WordDraft]) -> None:
    records = build_word_records(words)
    write_words_jsonl(tmp_path / WORDS_FILE_NAME, records)
    contents = read_words_jsonl(tmp_path / WORDS_FILE_NAME)
    assert contents.problems == [] and contents.records == records
    assert validate_words_jsonl(tmp_path / WORDS_FILE_NAME) == []


@FUZZ
@given(
    name=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\\\x00"), min_size=1, max_size=40),
    duration=st.floats(0.0, 1e7),
    language=st.none() | st.text(st.characters(exclude_categories=("Cs",)), max_size=5),
    sources=st.lists(st.sampled_from(list(WordTimingSource)), max_size=10),
)
def test_any_valid_summary_comes_back_equal(tmp_path: Path, name: str, duration: float, language, sources) -> None:
    assume(name not in {".", ".."})
    summary = TranscriptSummary(input=name, duration_seconds=duration, language=language,
                                tool=ToolInfo(name="whisper.cpp", model="tiny.en"), word_count=len(sources),
                                timing=TimingSummary.of_sources(sources, aligner="pocketsphinx"))  # fmt: skip
    write_summary(tmp_path / SUMMARY_FILE_NAME, summary)
    assert read_summary(tmp_path / SUMMARY_FILE_NAME) == summary
