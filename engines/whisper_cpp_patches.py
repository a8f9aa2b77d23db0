"""Fixes we apply to the pinned whisper.cpp source before building, each with the reason.

Applied by exact text replacement, so a source that differs from v1.8.5 fails loudly instead of
building something unreviewed. The set's id goes into the build manifest: changing a patch rebuilds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourcePatch:
    path: str
    original: str
    replacement: str
    reason: str


PATCHES = (
    SourcePatch(
        path="src/whisper.cpp",
        original=(
            "                    if (params.new_segment_callback) {\n"
            "                        for (int seg = (int) result_all.size() - n_segments; seg < n_segments; seg++) {\n"
            "                            params.new_segment_callback(ctx, state, seg, params.new_segment_callback_user_data);\n"
            "                        }\n"
            "                    }\n"
        ),
        replacement=(
            "                    if (params.new_segment_callback) {\n"
            "                        params.new_segment_callback(ctx, state, n_segments, params.new_segment_callback_user_data);\n"
            "                    }\n"
        ),
        reason=(
            "With DTW timestamps on, v1.8.5 passes a segment index where the callback expects the number of new "
            "segments, and its loop bound compares an index with a count: whisper-cli printed only some segments "
            "(none after the first 30 s window), so the app showed no live text. The JSON output was unaffected."
        ),
    ),
    SourcePatch(
        path="src/whisper.cpp",
        original=(
            "            if (wctx.params.flash_attn) {\n"
            "                ggml_build_forward_expand(gf, ggml_cpy(ctx0, Kcur, ggml_view_1d(ctx0, kv_pad.k, n_ctx*n_state, 0)));\n"
        ),
        replacement=(
            "            if (true) { // MetaVis: the encoder's self-attention always uses flash attention\n"
            "                ggml_build_forward_expand(gf, ggml_cpy(ctx0, Kcur, ggml_view_1d(ctx0, kv_pad.k, n_ctx*n_state, 0)));\n"
        ),
        reason=(
            "On the CPU, -nfa (which DTW needs, and which keeps the decoder's output as good as it is: with flash "
            "attention everywhere JFK lost its punctuation and capitals and the 4-minute clip's WER rose 0.8) also "
            "took the encoder off flash attention, where it spent 1.9 s per 30 s window instead of 0.44 s. Flash "
            "attention in the encoder's self-attention alone (its cross-attention cache keeps -nfa's layout) "
            "transcribes the 4-minute clip 35 % faster with the same text on JFK and WER 9.3 vs 10.0 "
            "(bench/README.md, whisper.cpp settings)."
        ),
    ),
    SourcePatch(
        path="src/coreml/whisper-encoder.mm",
        original="    config.computeUnits = MLComputeUnitsAll;\n",
        replacement=(
            "    config.computeUnits = MLComputeUnitsAll;\n"
            "    // MetaVis: WHISPER_COREML_COMPUTE_UNITS=all|cpu_and_ne|cpu_only chooses; anything else keeps all\n"
            '    const char * compute_units = getenv("WHISPER_COREML_COMPUTE_UNITS");\n'
            '    if (compute_units != NULL && strcmp(compute_units, "cpu_and_ne") == 0) {\n'
            "        config.computeUnits = MLComputeUnitsCPUAndNeuralEngine;\n"
            '    } else if (compute_units != NULL && strcmp(compute_units, "cpu_only") == 0) {\n'
            "        config.computeUnits = MLComputeUnitsCPUOnly;\n"
            "    }\n"
        ),
        reason=(
            "v1.8.5 hard-codes MLComputeUnitsAll for the Core ML encoder, so an editor cannot keep the encoder off "
            "the GPU (busy with video) or pin it to the CPU to compare; the app passes the choice "
            "(--coreml-compute-units) in this variable. Only a Core ML build (Apple Silicon) compiles this file."
        ),
    ),
    SourcePatch(
        path="src/coreml/whisper-encoder.mm",
        original="#include <stdlib.h>\n",
        replacement="#include <stdlib.h>\n#include <string.h> // MetaVis: strcmp for the compute-units variable\n",
        reason="strcmp, used by the compute-units patch above, is declared in string.h.",
    ),
)


class PatchFailed(Exception):
    pass


def patch_set_id() -> str:
    encoded = json.dumps([asdict(patch) for patch in PATCHES], sort_keys=True).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:16]


def apply_patches(root: Path) -> None:
    """Patch the whisper.cpp tree at root in place; applying twice is harmless."""
    for patch in PATCHES:
        target = root / patch.path
        text = target.read_text(encoding="utf-8")
        # A replacement may keep the original line and add after it: then the original stays in the text.
        if patch.replacement in text and (patch.original not in text or patch.original in patch.replacement):
            continue
        if text.count(patch.original) != 1:
            raise PatchFailed(
                f"{target} does not contain the code the patch expects ({patch.reason[:60]}...). "
                "Is this really whisper.cpp v1.8.5?"
            )
        target.write_text(text.replace(patch.original, patch.replacement), encoding="utf-8")
