from metavis_gui.cli import run

run()
