"""Exports editors use: captions built by rules, and one table of file formats (subtitles, text, editing suites).

Pure Python: nothing here imports Qt. It reads the contract's words and the timeline's; the pipeline and the
timeline window call it.
"""
