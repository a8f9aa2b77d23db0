"""MetaVis Transcribe: word-level transcripts for video editors."""

__version__ = "0.1.0"
