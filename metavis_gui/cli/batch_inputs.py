"""Which files a batch transcribes, and the folder under `--out` each one's transcript goes to.

A batch is asked for with more than one `--input`, a folder, or a glob (quoted, so the shell leaves it
alone). One `--input` naming a file is the single-input command, unchanged.
A folder contributes the media files directly inside it (chosen by extension, hidden files skipped), not
its subfolders; a glob's matches are taken as they are, so a broken file with a media name still fails
with its own message.
"""

from __future__ import annotations

import glob
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from metavis_gui.ui.media_selection import is_media_file_name

_GLOB_CHARACTERS = frozenset("*?[")


class BatchInputsRefused(ValueError):
    """No input to transcribe: an empty folder, a glob that matches nothing, a missing file."""


class BatchInput(NamedTuple):
    media: Path  # absolute
    out_dir: Path  # absolute: `--out`/<name>


def is_glob(text: str) -> bool:
    return any(character in _GLOB_CHARACTERS for character in text)


def is_batch(inputs: Sequence[Path]) -> bool:
    """More than one input, a folder, or a glob that is not itself an existing file's name."""
    if len(inputs) != 1:
        return True
    only = inputs[0]
    return only.is_dir() or (is_glob(str(only)) and not only.exists())


def media_of(inputs: Sequence[Path]) -> list[Path]:
    """Every file the inputs name, absolute, in the order given (folders and globs sorted), once each."""
    found: list[Path] = []
    for given in inputs:
        if given.is_dir():
            inside = [entry for entry in _sorted_entries(given) if entry.is_file() and is_media_file_name(entry)]
            if not inside:
                raise BatchInputsRefused(
                    f"--input {given} is a folder with no media files in it (looked for audio and video "
                    "extensions, not in subfolders). Name a folder with media, or the files themselves."
                )
            found.extend(inside)
        elif given.exists():
            found.append(given)
        elif is_glob(str(given)):
            matches = sorted(Path(match) for match in glob.glob(str(given), recursive=True))
            files = [match for match in matches if match.is_file()]
            if not files:
                raise BatchInputsRefused(
                    f"--input {given}: no file matches this pattern. Check the folder and pattern."
                )
            found.extend(files)
        else:
            found.append(given)  # reported as missing by its own check, like any input, without stopping the rest
    return list(dict.fromkeys(path.absolute() for path in found))


def _sorted_entries(folder: Path) -> list[Path]:
    return sorted((entry for entry in folder.iterdir() if not entry.name.startswith(".")), key=lambda p: p.name)


def batch_inputs(media: Sequence[Path], out_parent: Path) -> list[BatchInput]:
    """One folder per input under `out_parent`, named after the media's stem.

    Inputs that share a stem (`a.wav`, `a.mov`) all get the extension too (`a-wav`, `a-mov`), so a name does
    not depend on which of them came first; the same name twice (`x/a.wav`, `y/a.wav`) is numbered in the
    order given: `a-wav`, `a-wav-2`.
    """
    stems = Counter(path.stem for path in media)
    names: list[str] = []
    taken: Counter[str] = Counter()
    for path in media:
        name = path.stem if stems[path.stem] == 1 else f"{path.stem}-{path.suffix.lstrip('.') or 'none'}"
        taken[name] += 1
        names.append(name if taken[name] == 1 else f"{name}-{taken[name]}")
    parent = out_parent.absolute()
    return [BatchInput(path, parent / name) for path, name in zip(media, names, strict=True)]
