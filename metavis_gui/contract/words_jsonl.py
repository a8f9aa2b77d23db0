"""Write, read and check `transcript.words.v1.jsonl`, one word record a line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from metavis_gui.contract.atomic_write import write_bytes_atomic
from metavis_gui.contract.bounded_reading import (
    MAX_LINE_CHARACTERS,
    MAX_WORDS_FILE_BYTES,
    JsonRefused,
    decode_contract_text,
    loads_bounded,
    read_contract_bytes,
)
from metavis_gui.contract.errors import WordRecordsInvalid
from metavis_gui.contract.word_record import WordRecord, format_word_id

_MAX_SHOWN_INPUT = 60


@dataclass(frozen=True, slots=True)
class LineProblem:
    """What is wrong with one line; `field` is the JSON key, None for the whole line."""

    line_number: int
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line_number}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class WordsFileContents:
    """The valid lines of a words file, and a problem for each bad field or line."""

    records: list[WordRecord]
    problems: list[LineProblem]


@dataclass(frozen=True, slots=True)
class _ParsedLine:
    line_number: int
    record: WordRecord | None
    # Ticks and wordId as written, also for invalid lines, so numbering checks do not cascade.
    span: tuple[int, int] | None
    word_id: str | None


class _DuplicateKey(ValueError):
    pass


class _NonStandardNumber(ValueError):
    pass


def serialize_word_records(records: Iterable[WordRecord]) -> bytes:
    """The file's bytes: all twelve keys, sorted, compact, one `\\n`-ended line a word.

    Raises `WordRecordsInvalid` when a record is invalid (e.g. made with
    model_construct) or the records break the file's order or wordId numbering.
    """
    checked = [
        record if isinstance(record, WordRecord) and record.is_validated else _revalidated(record, position)
        for position, record in enumerate(records, start=1)
    ]
    if not _in_order_and_numbered(checked):
        parsed_lines = [
            _ParsedLine(position, record, (record.source_time_ticks, record.source_time_end_ticks), record.word_id)
            for position, record in enumerate(checked, start=1)
        ]
        problems = _order_and_numbering_problems(parsed_lines)
        raise WordRecordsInvalid("records break the file rules: " + "; ".join(map(str, problems)))
    return "".join(map(_encode_line, checked)).encode("utf-8")


def write_words_jsonl(path: Path, records: Iterable[WordRecord]) -> None:
    """Serialize first, then replace `path` atomically."""
    write_bytes_atomic(Path(path), serialize_word_records(records))


def read_words_jsonl(path: Path) -> WordsFileContents:
    """Read every valid line and report every bad field; lines may omit nullable keys.

    Raises `TranscriptFileInvalid` when the file is missing, unreadable, not a regular file, over
    `MAX_WORDS_FILE_BYTES` or not UTF-8; any other damage is a `LineProblem` naming its line.
    """
    parsed_lines, problems = _parse_lines(_read_text(Path(path)))
    records = [line.record for line in parsed_lines if line.record is not None]
    return WordsFileContents(records=records, problems=problems)


def validate_words_jsonl(path: Path) -> list[LineProblem]:
    """Every problem `read_words_jsonl` finds, plus the file-level rules.

    File-level: no byte order mark, `\\n` (not `\\r\\n`) line ends, a final
    newline, order by (sourceTimeTicks, sourceTimeEndTicks), and wordId n
    counting words with the same span in file order.
    """
    text = _read_text(Path(path))
    parsed_lines, problems = _parse_lines(text)
    problems.extend(_order_and_numbering_problems(parsed_lines))
    if text.startswith("\ufeff"):
        problems.append(LineProblem(1, None, "file starts with a byte order mark; write UTF-8 without it"))
    for line_number, line in enumerate(text.split("\n"), start=1):
        if line.endswith("\r"):
            problems.append(LineProblem(line_number, None, "line ends with \\r\\n; lines end with \\n only"))
    if text and not text.endswith("\n"):
        problems.append(LineProblem(text.count("\n") + 1, None, "last line does not end with a newline"))
    return sorted(problems, key=lambda problem: problem.line_number)


def _revalidated(record: WordRecord, position: int) -> WordRecord:
    if not isinstance(record, WordRecord):
        raise WordRecordsInvalid(f"record {position} is a {type(record).__name__}, not a WordRecord")
    try:
        return WordRecord.model_validate(record.model_dump(by_alias=True))
    except ValidationError as error:
        problems = _problems_from_validation(position, error)
        details = "; ".join(f"{problem.field}: {problem.message}" for problem in problems)
        raise WordRecordsInvalid(f"record {position} is invalid: {details}") from None


# The line is exactly json.dumps(dump, sort_keys=True, separators=(",", ":"), ensure_ascii=False), built
# by hand because json.dumps is most of the export time for long transcripts; a test holds the two equal
# for every field, so a new field cannot be left out silently. Floats go out with repr, as json writes them.
_encode_string = json.encoder.encode_basestring  # the C encoder json uses when ensure_ascii is off


def _optional_string(value: str | None) -> str:
    return "null" if value is None else _encode_string(value)


def _optional_int(value: int | None) -> str:
    return "null" if value is None else int.__repr__(value)


def _encode_line(record: WordRecord) -> str:
    fields = record.__dict__  # validated records: strict ints, finite floats, str
    return (
        f'{{"clipId":{_optional_string(fields["clip_id"])},'
        f'"confidence":{float.__repr__(fields["confidence"])},'
        f'"schema":{_encode_string(fields["schema_name"])},'
        f'"segmentId":{_optional_string(fields["segment_id"])},'
        f'"sourceTimeEndTicks":{int.__repr__(fields["source_time_end_ticks"])},'
        f'"sourceTimeTicks":{int.__repr__(fields["source_time_ticks"])},'
        f'"speakerId":{_optional_string(fields["speaker_id"])},'
        f'"speakerLabel":{_optional_string(fields["speaker_label"])},'
        f'"timelineTimeEndTicks":{_optional_int(fields["timeline_time_end_ticks"])},'
        f'"timelineTimeTicks":{_optional_int(fields["timeline_time_ticks"])},'
        f'"word":{_encode_string(fields["word"])},'
        f'"wordId":{_encode_string(fields["word_id"])}}}\n'
    )


def _read_text(path: Path) -> str:
    return decode_contract_text(path, read_contract_bytes(path, MAX_WORDS_FILE_BYTES))


def _parse_lines(text: str) -> tuple[list[_ParsedLine], list[LineProblem]]:
    lines = text.removeprefix("\ufeff").split("\n")
    if lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start a new one
    parsed_lines: list[_ParsedLine] = []
    problems: list[LineProblem] = []
    for line_number, line in enumerate(lines, start=1):
        parsed, line_problems = _parse_line(line_number, line.removesuffix("\r"))
        if parsed is not None:
            parsed_lines.append(parsed)
        problems.extend(line_problems)
    return parsed_lines, problems


def _parse_line(line_number: int, line: str) -> tuple[_ParsedLine | None, list[LineProblem]]:
    if len(line) > MAX_LINE_CHARACTERS:
        message = f"line is {len(line)} characters long, over the limit of {MAX_LINE_CHARACTERS}; one word a line"
        return None, [LineProblem(line_number, None, message)]
    canonical = _canonical_record(line)
    if canonical is not None:
        return _ParsedLine(line_number, canonical, (canonical.source_time_ticks, canonical.source_time_end_ticks),
                           canonical.word_id), []  # fmt: skip
    return _parse_line_carefully(line_number, line)


def _canonical_record(line: str) -> WordRecord | None:
    """The record of a line exactly as this module writes it, else None.

    The quick way for the usual file (pydantic's own JSON parser, no per-key hook): a line that
    re-encodes to itself has each key once and standard numbers, so the careful checks are moot.
    """
    try:
        record = WordRecord.model_validate_json(line)
    except ValidationError:
        return None
    return record if _encode_line(record) == line + "\n" else None


def _parse_line_carefully(line_number: int, line: str) -> tuple[_ParsedLine | None, list[LineProblem]]:
    if not line.strip():
        return None, [LineProblem(line_number, None, "blank line; the file has one word on every line")]
    try:
        value = loads_bounded(line, object_pairs_hook=_object_without_duplicate_keys, parse_constant=_reject_constant)
    except JsonRefused as error:
        return None, [LineProblem(line_number, None, error.reason)]
    except _DuplicateKey as error:
        return None, [LineProblem(line_number, str(error), "key appears more than once")]
    except _NonStandardNumber as error:
        return None, [LineProblem(line_number, None, f"not valid JSON: {error} is not a JSON number")]
    if not isinstance(value, dict):
        found = type(value).__name__ if value is not None else "null"
        return None, [LineProblem(line_number, None, f"expected a JSON object, found {found}")]
    span = _raw_span(value)
    raw_word_id = value.get("wordId") if isinstance(value.get("wordId"), str) else None
    try:
        record = WordRecord.model_validate(value)
    except ValidationError as error:
        return _ParsedLine(line_number, None, span, raw_word_id), _problems_from_validation(line_number, error)
    return _ParsedLine(line_number, record, span, record.word_id), []


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise _NonStandardNumber(name)


def _raw_span(value: dict[str, Any]) -> tuple[int, int] | None:
    start, end = value.get("sourceTimeTicks"), value.get("sourceTimeEndTicks")
    if type(start) is int and type(end) is int:
        return start, end
    return None


def _problems_from_validation(line_number: int, error: ValidationError) -> list[LineProblem]:
    problems: list[LineProblem] = []
    seen_fields: set[str | None] = set()
    for detail in error.errors(include_url=False):
        field = str(detail["loc"][0]) if detail["loc"] else None
        if field in seen_fields:
            continue  # one problem per field: unions can report several
        seen_fields.add(field)
        problems.append(LineProblem(line_number, field, _describe(detail)))
    return problems


def _describe(detail: Any) -> str:
    if detail["type"] == "missing":
        return "missing required key"
    if detail["type"] == "extra_forbidden":
        return "unknown key; transcript.word.v1 has exactly twelve keys"
    message = str(detail["msg"]).removeprefix("Value error, ")
    if detail["type"] == "value_error":
        return message
    shown = repr(detail.get("input"))
    if len(shown) > _MAX_SHOWN_INPUT:
        shown = shown[: _MAX_SHOWN_INPUT - 3] + "..."
    return f"{message}, got {shown}"


def _in_order_and_numbered(records: list[WordRecord]) -> bool:
    """The quick yes of `_order_and_numbering_problems` for valid records; a no is explained by it."""
    previous_span = (-1, -1)
    occurrence = 0
    for record in records:
        fields = record.__dict__
        span = (fields["source_time_ticks"], fields["source_time_end_ticks"])
        if span < previous_span:
            return False
        occurrence = occurrence + 1 if span == previous_span else 1
        # Words sharing a span are adjacent in a sorted file, so counting runs counts them all.
        if not fields["word_id"].endswith(f"_{occurrence}"):
            return False
        previous_span = span
    return True


def _order_and_numbering_problems(parsed_lines: list[_ParsedLine]) -> list[LineProblem]:
    problems: list[LineProblem] = []
    occurrences_by_span: dict[tuple[int, int], int] = {}
    previous: _ParsedLine | None = None
    for line in parsed_lines:
        if line.span is None:
            continue
        if previous is not None and previous.span is not None and line.span < previous.span:
            problems.append(
                LineProblem(
                    line.line_number,
                    "sourceTimeTicks",
                    f"out of order: span {line.span} comes after {previous.span} on line "
                    f"{previous.line_number}; lines are sorted by (sourceTimeTicks, sourceTimeEndTicks)",
                )
            )
        previous = line
        occurrence = occurrences_by_span.get(line.span, 0) + 1
        occurrences_by_span[line.span] = occurrence
        # A valid record's wordId already matches the pattern and its own ticks: only n is left to check.
        if line.record is not None and int(line.record.word_id.rpartition("_")[2]) != occurrence:
            expected = format_word_id(*line.span, occurrence)
            problems.append(
                LineProblem(
                    line.line_number,
                    "wordId",
                    f"wordId {line.word_id!r} should be {expected!r}: n counts the words "
                    "with the same start and end ticks in file order",
                )
            )
    return problems
