"""The openai-whisper runner's live output: the tap on whisper.transcribe(), and on real speech that progress
advances window by window while each segment's text arrives before the runner is done.

If the pinned openai-whisper changes how transcribe() reports progress or segments, the real-speech test
here fails: the tap in metavis_gui/engines/openai_whisper_live_output.py must then be looked at again.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest
import tqdm

from metavis_gui.engines.engine_command import TranscriptionSettings
from metavis_gui.engines.openai_whisper_adapter import PINNED_VERSION, OpenAIWhisperAdapter
from metavis_gui.engines.openai_whisper_live_output import tapped_live_output
from metavis_gui.engines.openai_whisper_runner import TAP_WARNING
from metavis_gui.engines.python_engine import PythonEngine
from metavis_gui.models.ct2_to_openai_whisper import install_default_openai_whisper_model
from tests.conftest import JFK_REFERENCE, JFK_WAV, run_ffmpeg
from tests.support.transcript_checks import word_error_rate

# What whisper.transcribe() does with the two names the tap swaps, as openai-whisper 20250625 does it.
_TRANSCRIBE_LIKE_SOURCE = """
import tqdm

def transcribe(windows):
    print("Detecting language using up to the first 30 seconds.")
    with tqdm.tqdm(total=3000, unit="frames", disable=True) as bar:
        for index in range(windows):
            print(f"[{index:02d}:00.000 --> 01:{index:02d}:02.500]  window {index}")
            bar.update(1000)
"""


def transcribe_like_module() -> types.ModuleType:
    module = types.ModuleType("transcribe_like")
    exec(textwrap.dedent(_TRANSCRIBE_LIKE_SOURCE), vars(module))  # noqa: S102 - the fixed source above
    return module


def test_the_tap_turns_the_bar_and_the_printed_segments_into_calls(capsys: pytest.CaptureFixture[str]) -> None:
    module = transcribe_like_module()
    progress: list[tuple[int, int]] = []
    segments: list[tuple[float, float, str]] = []
    with tapped_live_output(module, lambda done, total: progress.append((done, total)), lambda *s: segments.append(s)):
        module.transcribe(3)
    assert progress == [(1000, 3000), (2000, 3000), (3000, 3000)], "the bar reports although whisper disabled it"
    assert segments == [(0.0, 3602.5, "window 0"), (60.0, 3662.5, "window 1"), (120.0, 3722.5, "window 2")]
    captured = capsys.readouterr()
    assert captured.out == "", "segment lines go to the handler, not to stdout"
    assert "Detecting language" in captured.err


def test_the_tap_leaves_the_module_as_it_was() -> None:
    module = transcribe_like_module()
    with pytest.raises(RuntimeError), tapped_live_output(module, lambda *_: None, lambda *_: None):
        raise RuntimeError("transcription failed")
    assert module.tqdm is tqdm
    assert "print" not in vars(module)


@pytest.fixture(scope="module")
def speech_then_silence_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """jfk.wav and 22 s of silence: two 30 s windows, quick to decode (looped speech sends tiny.en into
    minutes of temperature fallback, with the `whisper` command as with the runner)."""
    target = tmp_path_factory.mktemp("media") / "jfk-then-silence.wav"
    run_ffmpeg(
        "-i", str(JFK_WAV), "-f", "lavfi", "-t", "22", "-i", "anullsrc=r=16000:cl=mono",
        "-filter_complex", "[0:a][1:a]concat=n=2:v=0:a=1", "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", str(target),
    )  # fmt: skip
    return target


def test_on_real_speech_progress_advances_per_window_and_text_arrives_while_it_runs(
    speech_then_silence_wav: Path, tmp_path: Path
) -> None:
    version = importlib.metadata.version("openai-whisper")
    engine = PythonEngine(distribution="openai-whisper", version=version, python=Path(sys.executable))
    adapter = OpenAIWhisperAdapter(engine)
    settings = TranscriptionSettings(
        audio_path=speech_then_silence_wav, model_path=install_default_openai_whisper_model(), threads=2
    )
    command = adapter.build_command(settings, tmp_path / "work")
    stderr_path = tmp_path / "stderr.txt"
    with stderr_path.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [str(command.program), *command.arguments], stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        assert process.stdout is not None
        try:
            first_line = process.stdout.readline()
            running_at_first_segment = process.poll() is None and not command.output_path.exists()
            rest = process.stdout.read()  # not communicate(): it would skip what readline() buffered
            process.wait(timeout=240)
        finally:
            if process.poll() is None:
                process.kill()
    error_output = stderr_path.read_text(encoding="utf-8")
    assert process.returncode == 0, error_output[-2000:]
    assert adapter.live_segment(first_line) is not None, first_line
    assert running_at_first_segment, "the first segment must arrive while the runner still transcribes"

    fractions = [f for line in error_output.splitlines() if (f := adapter.progress_fraction(line)) is not None]
    hook_broken = (
        f"openai-whisper {version} (pinned {PINNED_VERSION}) no longer reports progress through the tqdm bar "
        "that metavis_gui/engines/openai_whisper_live_output.py replaces"
    )
    assert TAP_WARNING not in error_output, hook_broken
    assert any(0.0 < fraction < 1.0 for fraction in fractions) and fractions[-1] == 1.0, (hook_broken, fractions)
    assert fractions == sorted(fractions), fractions
    segments = [s for line in (first_line + rest).splitlines() if (s := adapter.live_segment(line)) is not None]
    assert segments[-1].end_seconds > 9.0
    assert word_error_rate(JFK_REFERENCE, " ".join(segment.text for segment in segments)) <= 0.10
