"""The model downloads' user-facing defaults, light enough for the command's argument parser to import."""

DEFAULT_TIMEOUT_SECONDS = 30.0
MIRROR_VARIABLE = "METAVIS_MODEL_MIRROR"
