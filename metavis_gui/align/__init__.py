"""Forced alignment: the engine's words timed again from the audio's phones (pocketsphinx). Pure: no Qt.

    from metavis_gui.align import align_words, acoustic_model_for
    result = align_words(samples, words, "en", workers=2)

Names are imported on first use, so `python -m metavis_gui.align.alignment_runner` starts without
loading numpy, pydantic or pocketsphinx before it has parsed its arguments.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from metavis_gui.align.acoustic_models import AcousticModel, acoustic_model_for, language_code
    from metavis_gui.align.aligned_span_checks import SpanCheckLimits
    from metavis_gui.align.alignment_result import AlignmentResult
    from metavis_gui.align.word_alignment import align_words

_EXPORTS = {
    "AcousticModel": "metavis_gui.align.acoustic_models",
    "acoustic_model_for": "metavis_gui.align.acoustic_models",
    "language_code": "metavis_gui.align.acoustic_models",
    "AlignmentResult": "metavis_gui.align.alignment_result",
    "SpanCheckLimits": "metavis_gui.align.aligned_span_checks",
    "align_words": "metavis_gui.align.word_alignment",
}

__all__ = [
    "AcousticModel",
    "AlignmentResult",
    "SpanCheckLimits",
    "acoustic_model_for",
    "align_words",
    "language_code",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
