"""The kinds of model file the engines load, as the model store and the catalogue name them."""

from __future__ import annotations

from enum import StrEnum


class ModelKind(StrEnum):
    GGML = "ggml"
    COREML_ENCODER = "coreml-encoder"
    PYTORCH = "pytorch"
    CT2_FOLDER = "ct2-folder"
    WHISPERKIT_FOLDER = "whisperkit-folder"  # a folder of compiled Core ML models
