"""Pronunciations (ARPAbet) for words the dictionary lacks, from g2p-en's trained network, run offline.

g2p-en (PyPI, Apache-2.0) ships its GRU encoder-decoder as `checkpoint20.npz` inside the wheel, but
importing the package downloads NLTK data at import time, which cannot happen here. So the package is
never imported: the checkpoint is found through the import system (or, in a frozen app, among its data
files: collect g2p_en's data) and run with numpy below (the same greedy decoding as `g2p_en.G2p.predict`).
"""

from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

_GRAPHEMES = ("<pad>", "<unk>", "</s>", *"abcdefghijklmnopqrstuvwxyz")
# The decoder's output symbols, in g2p-en's order (the checkpoint's rows follow it).
_PHONEMES = (
    "<pad>", "<unk>", "<s>", "</s>",
    "AA0", "AA1", "AA2", "AE0", "AE1", "AE2", "AH0", "AH1", "AH2", "AO0", "AO1", "AO2", "AW0", "AW1", "AW2",
    "AY0", "AY1", "AY2", "B", "CH", "D", "DH", "EH0", "EH1", "EH2", "ER0", "ER1", "ER2", "EY0", "EY1", "EY2",
    "F", "G", "HH", "IH0", "IH1", "IH2", "IY0", "IY1", "IY2", "JH", "K", "L", "M", "N", "NG", "OW0", "OW1",
    "OW2", "OY0", "OY1", "OY2", "P", "R", "S", "SH", "T", "TH", "UH0", "UH1", "UH2", "UW", "UW0", "UW1", "UW2",
    "V", "W", "Y", "Z", "ZH",
)  # fmt: skip
_START, _END = 2, 3
_GRAPHEME_INDEX = {grapheme: index for index, grapheme in enumerate(_GRAPHEMES)}
_MAX_PHONES = 20
_CHECKPOINT_NAME = "checkpoint20.npz"


class GraphemeToPhonemeUnavailable(RuntimeError):
    """g2p-en is not installed, or its checkpoint is missing."""


def checkpoint_path() -> Path:
    spec = importlib.util.find_spec("g2p_en")  # finds the package without running its __init__
    locations = [Path(folder) for folder in (spec.submodule_search_locations or ())] if spec else []
    bundle = getattr(sys, "_MEIPASS", None)  # a frozen app carries the file as data (never imported)
    if bundle:
        locations.append(Path(bundle) / "g2p_en")
    for folder in locations:
        candidate = Path(folder) / _CHECKPOINT_NAME
        if candidate.is_file():
            return candidate
    raise GraphemeToPhonemeUnavailable(
        "g2p-en is not installed: words missing from the pronouncing dictionary cannot be aligned "
        "(pip install g2p-en==2.1.0)"
    )


def predicted_phones(word: str) -> tuple[str, ...]:
    """ARPAbet phones without stress marks, e.g. "neelarm" -> (N, IY, L, AA, R, M); () for no letters."""
    letters = "".join(letter for letter in word.lower() if "a" <= letter <= "z")
    return _predicted(letters) if letters else ()


@lru_cache(maxsize=4096)
def _predicted(letters: str) -> tuple[str, ...]:
    network = _network()
    hidden = network.encode(letters)
    phones: list[str] = []
    previous = _START
    for _ in range(_MAX_PHONES):
        hidden = network.decoder_step(previous, hidden)
        previous = int(np.argmax(hidden @ network.weights["fc_w"].T + network.weights["fc_b"]))
        if previous == _END:
            break
        phones.append(_PHONEMES[previous].rstrip("012"))
    return tuple(phone for phone in phones if not phone.startswith("<"))


class _GruNetwork:
    def __init__(self, path: Path) -> None:
        with np.load(path) as archive:
            self.weights = {name: archive[name].astype(np.float32) for name in archive.files}

    def encode(self, letters: str) -> np.ndarray:
        indices = [_GRAPHEME_INDEX.get(letter, 1) for letter in letters] + [_GRAPHEME_INDEX["</s>"]]
        w = self.weights
        hidden = np.zeros((1, w["enc_w_hh"].shape[1]), np.float32)
        for index in indices:
            embedded = w["enc_emb"][index][None, :]
            hidden = _gru_cell(embedded, hidden, w["enc_w_ih"], w["enc_w_hh"], w["enc_b_ih"], w["enc_b_hh"])
        return hidden

    def decoder_step(self, previous: int, hidden: np.ndarray) -> np.ndarray:
        w = self.weights
        embedded = w["dec_emb"][previous][None, :]
        return _gru_cell(embedded, hidden, w["dec_w_ih"], w["dec_w_hh"], w["dec_b_ih"], w["dec_b_hh"])


def _gru_cell(
    x: np.ndarray, h: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray, b_hh: np.ndarray
) -> np.ndarray:
    gates_x = x @ w_ih.T + b_ih
    gates_h = h @ w_hh.T + b_hh
    size = h.shape[1]
    reset_update = 1 / (1 + np.exp(-(gates_x[:, : 2 * size] + gates_h[:, : 2 * size])))
    reset, update = reset_update[:, :size], reset_update[:, size:]
    candidate = np.tanh(gates_x[:, 2 * size :] + reset * gates_h[:, 2 * size :])
    return (1 - update) * candidate + update * h


@lru_cache(maxsize=1)
def _network() -> _GruNetwork:
    return _GruNetwork(checkpoint_path())
