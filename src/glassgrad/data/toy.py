"""Small generated datasets for learning and tests: (X, y) tensors, seeded, no download.

X is float (the default dtype); y holds class indices (int64) for classification sets and floats, shape
(n, 1), for regression.
"""

from __future__ import annotations

import numpy as np

from glassgrad.tensor import Tensor, _make, generator, get_default_dtype


def _rng(seed: int | None) -> np.random.Generator:
    return np.random.default_rng(seed) if seed is not None else generator()


def _pair(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, shuffle: bool = True) -> tuple[Tensor, Tensor]:
    if shuffle:
        order = rng.permutation(len(x))
        x, y = x[order], y[order]
    y = y.astype(np.int64) if y.dtype.kind in "iub" else y.astype(get_default_dtype())
    return _make(x.astype(get_default_dtype()), False), _make(y, False)


def xor(n: int = 200, noise: float = 0.1, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Points around the four corners of the unit square, labelled a XOR b (n = 4, noise = 0: the truth table)."""
    rng = _rng(seed)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    pick = np.arange(n) % 4
    x = corners[pick] + noise * rng.standard_normal((n, 2))
    return _pair(x, corners[pick, 0] ^ corners[pick, 1], rng, shuffle=n != 4)


def moons(n: int = 100, noise: float = 0.1, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Two interleaving half circles (scikit-learn's make_moons layout); label 0 outer, 1 inner."""
    rng = _rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1)])
    x = x + noise * rng.standard_normal(x.shape)
    return _pair(x, np.repeat([0, 1], [n_out, n_in]), rng)


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """A small circle (label 1) inside a large one (label 0); `factor` is the ratio of their radii."""
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor must be between 0 and 1 (exclusive), got {factor}")
    rng = _rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        factor * np.stack([np.cos(t_in), np.sin(t_in)], 1)])
    x = x + noise * rng.standard_normal(x.shape)
    return _pair(x, np.repeat([0, 1], [n_out, n_in]), rng)


def spirals(n: int = 300, classes: int = 3, noise: float = 0.2, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """`classes` interleaved spiral arms (the CS231n set): not separable by any line."""
    rng = _rng(seed)
    counts = [len(range(c, n, classes)) for c in range(classes)]
    label = np.repeat(np.arange(classes), counts)
    r = np.concatenate([np.linspace(0.0, 1.0, k) for k in counts])
    theta = label * (2 * np.pi / classes) + r * 4 + noise * rng.standard_normal(n)
    x = np.stack([r * np.sin(theta), r * np.cos(theta)], 1)
    return _pair(x, label, rng)


def blobs(n: int = 100, centers: int = 3, features: int = 2, std: float = 1.0, box: float = 10.0,
          seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Gaussian clusters around `centers` random points drawn uniformly in [−box, box]^features."""
    rng = _rng(seed)
    means = rng.uniform(-box, box, (centers, features))
    label = np.arange(n) % centers
    x = means[label] + std * rng.standard_normal((n, features))
    return _pair(x, label, rng)


def linear(n: int = 100, features: int = 1, noise: float = 0.1, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Regression data y = x·w + b + noise with random w, b; y has shape (n, 1)."""
    rng = _rng(seed)
    w, b = rng.standard_normal((features, 1)), rng.standard_normal()
    x = rng.uniform(-1, 1, (n, features))
    return _pair(x, x @ w + b + noise * rng.standard_normal((n, 1)), rng)


def plane(n: int = 200, noise: float = 0.0, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Regression on a tilted plane (TensorFlow Playground's, scaled to [−1, 1]²): y = 0.6·(x₁ + x₂), read at a
    point moved by up to `noise` in each coordinate; y has shape (n, 1)."""
    rng = _rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    shifted = x + noise * rng.uniform(-1, 1, (n, 2))
    return _pair(x, 0.6 * shifted.sum(axis=1, keepdims=True), rng)


_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]]) / [6, 6, 1]


def gaussian(n: int = 200, noise: float = 0.0, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Regression on six signed bumps (TensorFlow Playground's, scaled to [−1, 1]²): each bump falls linearly from
    ±1 at its centre to 0 at distance 1/3, and y is the bump largest in size there; y has shape (n, 1)."""
    rng = _rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    shifted = x + noise * rng.uniform(-1, 1, (n, 2))
    dist = np.linalg.norm(shifted[:, None, :] - _BUMPS[None, :, :2], axis=2)
    bumps = _BUMPS[:, 2] * np.clip(1 - 3 * dist, 0, 1)
    y = np.take_along_axis(bumps, np.abs(bumps).argmax(axis=1)[:, None], axis=1)
    return _pair(x, y, rng)
