"""Whether a downloaded or imported CTranslate2 (faster-whisper) model folder is one faster-whisper can load.

The download itself (`model_folder_download`) fetches the folder's files one by one into `<name>.part/` and
calls `validate_ct2_folder` on the whole before the folder takes its name.
"""

from __future__ import annotations

from pathlib import Path

from metavis_gui.models.ct2_model_reader import read_ct2_whisper_model, read_json_object
from metavis_gui.models.errors import Ct2ModelInvalid
from metavis_gui.models.ggml_model_check import infer_whisper_model_name
from metavis_gui.models.ggml_whisper_writer import whisper_hparams

JSON_FILE_NAMES = ("tokenizer.json", "preprocessor_config.json")
# large-v1 and large-v2 share every shape, so their weights read as large-v2.
_SAME_SHAPES = {"large-v1": "large-v2"}


def validate_ct2_folder(folder: Path, expected_name: str | None = None) -> None:
    """A ModelImportError naming the file at fault, unless faster-whisper can load this folder as a Whisper model.

    model.bin's header and every tensor's size are read (not the weights), config.json and the vocabulary must
    parse, tokenizer.json and preprocessor_config.json must be JSON objects, and the shapes must be those of
    `expected_name` when given.
    """
    model = read_ct2_whisper_model(folder)
    for name in JSON_FILE_NAMES:
        path = folder / name
        if name == JSON_FILE_NAMES[0] or path.exists():
            read_json_object(path, "faster-whisper needs it")
    hparams = whisper_hparams(model)
    found = infer_whisper_model_name(
        hparams.n_audio_layer, hparams.n_audio_state, hparams.n_vocab, hparams.n_text_layer
    )
    wanted = _SAME_SHAPES.get(expected_name or "", expected_name)
    if wanted is not None and found != wanted:
        raise Ct2ModelInvalid(
            model.model_file,
            f"{model.model_file}: the weights are those of {found or 'no published Whisper model'}, not {expected_name}.",
        )
