"""An earlier run's files in --out and beside the media, to check that a failed or stopped run leaves them be."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from metavis_gui.contract.transcript_bundle import adjacent_captions_path
from tests.cli.console_script import GENERATE, QUICK, jfk_copy, run_command

ADJACENT = "<adjacent captions>"  # the key of the captions beside the media, whose name follows the media's


def earlier_run_files(folder: Path) -> dict[str, bytes]:
    """The files a real (short) run left: its outputs by name, and the captions beside its media."""
    media = jfk_copy(folder / "media")
    completed = run_command(*GENERATE, "--input", media, "--out", folder / "out", *QUICK)
    assert completed.returncode == 0, completed.stderr
    files = {path.name: path.read_bytes() for path in (folder / "out").iterdir() if path.is_file()}
    files[ADJACENT] = adjacent_captions_path(media).read_bytes()
    return files


@dataclass(frozen=True)
class RunFolders:
    media: Path
    out_dir: Path
    private_tmp: Path
    earlier: dict[str, bytes | None]  # contents() once the earlier run's files were in place

    def contents(self) -> dict[str, bytes | None]:
        """Every file and folder of --out and of the media's folder (None for a folder), by path."""
        found: dict[str, bytes | None] = {}
        for root in (self.out_dir, self.media.parent):
            for path in sorted(root.rglob("*")):
                found[str(path)] = None if path.is_dir() else path.read_bytes()
        return found


def folders_with_an_earlier_run(
    tmp_path: Path, source: Path, earlier_run: dict[str, bytes], out_dir: Path | None = None
) -> RunFolders:
    """A copy of `source` with the earlier run's captions beside it, and its outputs in `out_dir`."""
    media = tmp_path / "media" / f"take{source.suffix}"
    media.parent.mkdir()
    shutil.copyfile(source, media)
    out_dir = out_dir or tmp_path / "out"
    out_dir.mkdir()
    for name, contents in earlier_run.items():
        (adjacent_captions_path(media) if name == ADJACENT else out_dir / name).write_bytes(contents)
    folders = RunFolders(media, out_dir, tmp_path / "tmp", {})
    folders.earlier.update(folders.contents())
    return folders
