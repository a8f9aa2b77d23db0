"""Re-align selection / Re-align all: words the editor retyped or inserted, timed from the audio again.

The aligner runs in its own child process, exactly as after transcribing (jobs/alignment_stage), on the
timeline's decoded audio; its answer becomes one undoable edit. No other editor re-times edited words
from the audio.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from metavis_gui.jobs.alignment_stage import align_transcript
from metavis_gui.jobs.waveform_job import AudioProgress, MediaAudio
from metavis_gui.media.errors import MediaError
from metavis_gui.timeline.editable_word import EditableWord, WordKey
from metavis_gui.timeline.realignment import realignment_edit, transcript_for_alignment
from metavis_gui.ui.timeline.timeline_document import TimelineDocument

# A words file opened without its summary has no language; the timeline's editors work in English first.
FALLBACK_LANGUAGE = "en"


def words_to_realign(document: TimelineDocument, keys: Sequence[WordKey] | None) -> list[EditableWord]:
    """Every word (keys None), or the run of words from the first selected to the last selected one."""
    transcript = document.transcript
    if keys is None:
        return list(transcript)
    present = [transcript.index_of(key) for key in keys if key in transcript]
    if not present:
        return []
    return [transcript[index] for index in range(min(present), max(present) + 1)]


async def realign_words(
    document: TimelineDocument,
    audio: MediaAudio,
    words: Sequence[EditableWord],
    on_audio_progress: AudioProgress,
    on_alignment_progress: Callable[[float], None],
    show_message: Callable[[str], None],
) -> bool:
    """Time `words` from the audio again as one undo step; says in the status bar what happened either way."""
    if not words:
        show_message("Re-align: select the words to align first")
        return False
    try:
        wav_path = await audio.decoded_wav(on_audio_progress)
    except (MediaError, OSError) as error:
        show_message(f"Re-align: cannot read the audio: {error}")
        return False
    summary = document.opened.summary
    language = summary.language if summary is not None else FALLBACK_LANGUAGE
    work_dir = Path(tempfile.mkdtemp(prefix="metavis-realign-"))
    try:
        aligned = await align_transcript(
            transcript_for_alignment(words), wav_path, work_dir, language, on_fraction=on_alignment_progress
        )
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    if any(word.key not in document.transcript for word in words):
        show_message("Re-align: the words changed while the aligner ran; nothing was moved")
        return False
    edit, count = realignment_edit(document.transcript, words, aligned.transcript)
    moved = count > 0 and document.push(edit)
    left = len(words) - count
    if count == 0:
        show_message(f"Re-align: no word could be placed in the audio. {aligned.timing.notice or ''}".strip())
    elif left:
        show_message(f"Re-aligned {count} of {len(words)} words; {left} could not be placed (Ctrl+Z undoes it)")
    else:
        show_message(f"Re-aligned {count} word{'s' if count != 1 else ''} to the audio (Ctrl+Z undoes it)")
    return moved
