"""Where whisper-cli ran its encoder, read from its stderr; several engine parts say Core ML only if all did.

The Core ML lines are whisper.cpp v1.8.5's, src/whisper.cpp, whisper_init_state: "loading Core ML model from"
(line 3443), "first run on a device may take a while" (3444), "failed to load Core ML model from" (3448),
"Core ML model loaded" (3454); the GPU lines are whisper_backend_init_gpu's "no GPU found" (1316) and
"using %s backend" (1320).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from metavis_gui.contract.encoder_summary import EncoderDevice, EncoderSummary, joined_encoder
from metavis_gui.engines.whisper_cpp_encoder import encoder_of_run
from tests.conftest import JFK_WAV

ENCODER = "/models/ggml-base.en-encoder.mlmodelc"
LOADING = [
    f"whisper_init_state: loading Core ML model from '{ENCODER}'",
    "whisper_init_state: first run on a device may take a while ...",
]
LOADED = "whisper_init_state: Core ML model loaded"
FAILED = f"whisper_init_state: failed to load Core ML model from '{ENCODER}'"
METAL = "whisper_backend_init_gpu: using Metal backend"
NO_GPU = "whisper_backend_init_gpu: no GPU found"
KV_SIZE = "whisper_init_state: kv self size  =    3.15 MB"


def _stderr(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_a_loaded_core_ml_encoder_is_core_ml() -> None:
    encoder = encoder_of_run(_stderr(METAL, KV_SIZE, *LOADING, LOADED))
    assert encoder == EncoderSummary(device=EncoderDevice.COREML)
    assert encoder is not None and encoder.describe() == "The encoder ran on Core ML."


@pytest.mark.parametrize(
    ("backend_line", "device", "where"),
    [(METAL, EncoderDevice.GPU, "the GPU (Metal)"), (NO_GPU, EncoderDevice.CPU, "the CPU")],
)
def test_a_failed_core_ml_load_falls_back_and_says_how_to_fix_it(
    backend_line: str, device: EncoderDevice, where: str
) -> None:
    encoder = encoder_of_run(_stderr(backend_line, *LOADING, FAILED))
    assert encoder is not None and encoder.device is device and not encoder.on_coreml
    assert encoder.describe().startswith(f"The encoder ran on {where}, not Core ML. ")
    assert ENCODER in encoder.describe()
    assert "metavis-transcribe models download base.en --coreml-encoder" in encoder.describe()


def test_loading_without_an_answer_says_nothing() -> None:
    assert encoder_of_run(_stderr(METAL, *LOADING)) is None


@pytest.mark.usefixtures("engine_ready")
def test_the_real_cpu_build_says_nothing_about_core_ml(whisper_cli_path: Path, default_model_path: Path) -> None:
    completed = subprocess.run(
        [str(whisper_cli_path), "-m", str(default_model_path), "-f", str(JFK_WAV), "-t", "2", "-nt"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "COREML = 0" in completed.stderr and NO_GPU in completed.stderr
    assert encoder_of_run(completed.stderr) is None


CORE_ML = EncoderSummary(device=EncoderDevice.COREML)
ON_CPU = EncoderSummary(device=EncoderDevice.CPU, notice="could not load it")


@pytest.mark.parametrize(
    ("parts", "joined"),
    [
        ([CORE_ML, CORE_ML], CORE_ML),
        ([CORE_ML, ON_CPU], ON_CPU),
        ([ON_CPU, CORE_ML], ON_CPU),
        ([CORE_ML, None], None),
        ([None, None], None),
        ([], None),
    ],
)
def test_several_parts_are_core_ml_only_if_every_part_was(
    parts: list[EncoderSummary | None], joined: EncoderSummary | None
) -> None:
    assert joined_encoder(parts) == joined
