"""Adapters keep no run state: what a run decides travels in its EngineCommand and comes back to read_result."""

from __future__ import annotations

import copy
import struct
from pathlib import Path

import pytest

from metavis_gui.engines import whisper_cpp_adapter
from metavis_gui.engines.engine_command import EngineCommand, TranscriptionSettings, WordTimingMode
from metavis_gui.engines.engine_table import ENGINE_TABLE
from metavis_gui.engines.errors import EngineNotFound, ModelMissing
from metavis_gui.engines.whisper_cpp_adapter import WhisperCppAdapter
from metavis_gui.engines.whisper_cpp_binary import WhisperCppBinary
from metavis_gui.models.ggml_whisper_writer import GGML_MAGIC
from metavis_gui.timeline.transcript import Transcript

NEVER_RUN = WhisperCppBinary(path=Path("/nowhere/whisper-cli"), version="1.8.5", coreml=False, origin="built")


def ggml_header_without_a_dtw_preset(path: Path) -> Path:
    """A tiny.en header but for 3 text layers: a fine-tune no published model matches, so no DTW preset."""
    hparams = (51864, 1500, 384, 6, 4, 448, 384, 6, 3, 80, 1)
    path.write_bytes(struct.pack("<i11i", GGML_MAGIC, *hparams))
    return path


def test_one_whisper_cpp_adapter_reads_two_interleaved_runs_each_with_its_own_word_timing(
    default_model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter = WhisperCppAdapter(NEVER_RUN)
    before = copy.deepcopy(vars(adapter))
    fine_tune = ggml_header_without_a_dtw_preset(tmp_path / "ggml-fine-tune.bin")
    audio = tmp_path / "a.wav"
    with_preset = adapter.build_command(TranscriptionSettings(audio_path=audio, model_path=default_model_path), tmp_path / "a")
    without_preset = adapter.build_command(TranscriptionSettings(audio_path=audio, model_path=fine_tune), tmp_path / "b")
    assert vars(adapter) == before
    assert (with_preset.word_timing, "--dtw" in with_preset.arguments) == (WordTimingMode.DTW, True)
    assert (without_preset.word_timing, "--dtw" in without_preset.arguments) == (WordTimingMode.TOKEN, False)

    read_with: list[WordTimingMode] = []

    def parse(path: Path, timing_mode: WordTimingMode) -> Transcript:
        read_with.append(timing_mode)
        return Transcript()

    monkeypatch.setattr(whisper_cpp_adapter, "parse_whisper_cpp_json", parse)
    for command in (with_preset, without_preset):
        command.output_path.parent.mkdir(parents=True)
        command.output_path.write_text("{}", encoding="utf-8")
    # The first run is read after the second was planned: it still gets the word times it asked for.
    adapter.read_result(without_preset, 0, "")
    adapter.read_result(with_preset, 0, "")
    assert read_with == [WordTimingMode.TOKEN, WordTimingMode.DTW]


def test_every_adapter_plans_runs_without_changing_itself(default_model_path: Path, tmp_path: Path) -> None:
    planned = 0
    for spec in ENGINE_TABLE.values():
        try:
            adapter = spec.create_adapter(None)
            model_path = spec.resolve_model("tiny.en")
        except (EngineNotFound, ModelMissing):
            continue
        before = copy.deepcopy(vars(adapter))
        settings = TranscriptionSettings(audio_path=tmp_path / "a.wav", model_path=model_path)
        command = adapter.build_command(settings, tmp_path / spec.engine_id)
        assert isinstance(command, EngineCommand) and command.output_path.is_relative_to(tmp_path)
        assert vars(adapter) == before, spec.engine_id
        planned += 1
    assert planned, "no engine could plan a run on this machine"


def test_when_the_aligner_times_the_words_whisper_cpp_skips_dtw_but_keeps_flash_attention_off(
    default_model_path: Path, tmp_path: Path
) -> None:
    adapter = WhisperCppAdapter(NEVER_RUN)
    settings = TranscriptionSettings(audio_path=tmp_path / "a.wav", model_path=default_model_path)
    aligned = adapter.build_command(settings.model_copy(update={"engine_word_times": False}), tmp_path)
    assert (aligned.word_timing, "--dtw" in aligned.arguments, "-nfa" in aligned.arguments) == (
        WordTimingMode.TOKEN, False, True)  # fmt: skip
    coreml = WhisperCppAdapter(NEVER_RUN.model_copy(update={"coreml": True}))
    assert "-nfa" not in coreml.build_command(settings.model_copy(update={"engine_word_times": False}), tmp_path).arguments
    assert "-nfa" in coreml.build_command(settings, tmp_path).arguments, "DTW needs flash attention off everywhere"


def test_whisper_cpp_decodes_each_window_without_the_previous_text_as_its_prompt(
    default_model_path: Path, tmp_path: Path
) -> None:
    """A repeated hallucination cannot carry over into the next window (bench/README.md, "Speed targets")."""
    settings = TranscriptionSettings(audio_path=tmp_path / "a.wav", model_path=default_model_path)
    arguments = list(WhisperCppAdapter(NEVER_RUN).build_command(settings, tmp_path).arguments)
    assert arguments[arguments.index("-mc") + 1] == "0"
