"""Between contract records and editable words, remembering each word's record so export redoes only edits.

Every edit replaces a word with a new frozen value, so "this word is the very
object its record was made from" (an identity check) says the record is still
right. Export then builds records only for edited words and the words sharing
their span (so `build_word_records` numbers wordIds as the contract says), and
an unedited transcript exports the records it was opened from, byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence

from metavis_gui.contract import WordDraft, WordRecord, WordTimingSource, build_word_records
from metavis_gui.timeline.editable_word import EditableWord, WordKey


def editable_word_of(
    record: WordRecord, key: WordKey, timing_source: WordTimingSource = WordTimingSource.ENGINE
) -> EditableWord:
    return EditableWord(
        key=key,
        text=record.word,
        start_ticks=record.source_time_ticks,
        end_ticks=record.source_time_end_ticks,
        confidence=record.confidence,
        segment_id=record.segment_id,
        speaker_id=record.speaker_id,
        speaker_label=record.speaker_label,
        clip_id=record.clip_id,
        timeline_start_ticks=record.timeline_time_ticks,
        timeline_end_ticks=record.timeline_time_end_ticks,
        timing_source=timing_source,
    )


class WordRecordCache:
    """The last record made for each word key, with the word value and wordId occurrence it was made for."""

    def __init__(self) -> None:
        self._entries: dict[WordKey, tuple[EditableWord, int, WordRecord]] = {}

    def remember(self, word: EditableWord, record: WordRecord) -> None:
        # WordRecord checked wordId against its pattern, so its last part is n; a regex per word costs 4x more.
        occurrence = record.word_id.rsplit("_", 1)[-1]
        if occurrence.isdigit():  # else (a record made without validation) it is rebuilt on export
            self._entries[word.key] = (word, int(occurrence), record)

    def records_for(self, words: Sequence[EditableWord]) -> list[WordRecord]:
        """Records for `words` (in contract order), reusing every one whose word and wordId are unchanged."""
        records: list[WordRecord | None] = [None] * len(words)
        occurrences = _span_occurrences(words)
        stale: set[int] = set()
        for index, (word, occurrence) in enumerate(zip(words, occurrences)):
            entry = self._entries.get(word.key)
            if entry is not None and entry[0] is word and entry[1] == occurrence:
                records[index] = entry[2]
            else:
                stale.update(_same_span_group(words, index))
        if stale:
            indices = sorted(stale)
            # Whole same-span groups in order, so build_word_records counts n as in the full file.
            built = build_word_records(_draft_of(words[index]) for index in indices)
            for index, record in zip(indices, built, strict=True):
                word = words[index]
                if not _timeline_is_whole(word):
                    record = _with_timeline_of(record, word)
                self._entries[word.key] = (word, occurrences[index], record)
                records[index] = record
        return records  # type: ignore[return-value]  # every slot is filled above


def _span_occurrences(words: Sequence[EditableWord]) -> list[int]:
    """wordId's n for each word: words with the same span are adjacent in contract order."""
    occurrences: list[int] = []
    previous_span: tuple[int, int] | None = None
    for word in words:
        span = (word.start_ticks, word.end_ticks)
        occurrences.append(occurrences[-1] + 1 if span == previous_span else 1)
        previous_span = span
    return occurrences


def _same_span_group(words: Sequence[EditableWord], index: int) -> range:
    span = (words[index].start_ticks, words[index].end_ticks)
    first, end = index, index + 1
    while first > 0 and (words[first - 1].start_ticks, words[first - 1].end_ticks) == span:
        first -= 1
    while end < len(words) and (words[end].start_ticks, words[end].end_ticks) == span:
        end += 1
    return range(first, end)


def _timeline_is_whole(word: EditableWord) -> bool:
    return word.timeline_start_ticks is not None and word.timeline_end_ticks is not None


def _draft_of(word: EditableWord) -> WordDraft:
    # WordDraft takes a timeline only as a pair; a half or missing one is restored after building.
    whole = _timeline_is_whole(word)
    return WordDraft(
        word=word.text,
        start_ticks=word.start_ticks,
        end_ticks=word.end_ticks,
        confidence=word.confidence,
        segment_id=word.segment_id,
        speaker_id=word.speaker_id,
        speaker_label=word.speaker_label,
        timeline_start_ticks=word.timeline_start_ticks if whole else None,
        timeline_end_ticks=word.timeline_end_ticks if whole else None,
        clip_id=word.clip_id,
    )


def _with_timeline_of(record: WordRecord, word: EditableWord) -> WordRecord:
    # build_word_records fills a missing timeline with the source times; a file that had
    # nulls must get nulls back. model_copy skips validation; serialize_word_records checks again.
    return record.model_copy(
        update={"timeline_time_ticks": word.timeline_start_ticks, "timeline_time_end_ticks": word.timeline_end_ticks}
    )
