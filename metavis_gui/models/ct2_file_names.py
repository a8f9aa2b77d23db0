"""The files of a CTranslate2 model folder, named apart from the reader (numpy) so that locating a model
does not load it."""

MODEL_FILE_NAME = "model.bin"
CONFIG_FILE_NAME = "config.json"
