"""The packaged app's headless executable (metavis-transcribe): the same entry point as the venv's command."""

from metavis_gui.cli import run

if __name__ == "__main__":
    run()
