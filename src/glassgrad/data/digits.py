"""The 8×8 handwritten digits that scikit-learn ships (1,797 images, no download), split reproducibly."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from glassgrad.tensor import Tensor, _make, get_default_dtype


def digits(split: str | None = None, test_fraction: float = 0.2, seed: int = 0) -> tuple[Tensor, Tensor]:
    """(X, y): X of shape (n, 64) scaled to [0, 1], y the digit 0–9; `split` "train"/"test" or None for all."""
    if split not in (None, "train", "test"):
        raise ValueError(f"digits: split must be 'train', 'test' or None, got {split!r}")
    table = np.loadtxt(_digits_file(), delimiter=",")
    x = (table[:, :-1] / 16.0).astype(get_default_dtype())
    y = table[:, -1].astype(np.int64)
    if split is not None:
        order = np.random.default_rng(seed).permutation(len(x))
        n_test = int(round(len(x) * test_fraction))
        rows = order[:n_test] if split == "test" else order[n_test:]
        x, y = x[rows], y[rows]
    return _make(x, False), _make(y, False)


def _digits_file() -> Path:
    """scikit-learn's copy of the data, found without importing scikit-learn (which takes seconds)."""
    spec = importlib.util.find_spec("sklearn")
    path = None if spec is None else Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "digits.csv.gz"
    if path is None or not path.exists():
        raise ImportError("gg.data.digits reads the digits that scikit-learn ships: pip install 'glassgrad[data]'")
    return path
