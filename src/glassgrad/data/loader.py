"""Dataset, TensorDataset and DataLoader (torch.utils.data's names): batches, seeded shuffling, drop_last."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from glassgrad.tensor import Tensor, _make, generator, tensor


class Dataset:
    """Anything with `__len__` and `__getitem__(i)` returning one sample (a tensor or a tuple of them)."""

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError


class TensorDataset(Dataset):
    """Samples are the rows of tensors that share their first dimension (features, labels, ...)."""

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        self.tensors = tuple(t if isinstance(t, Tensor) else tensor(t) for t in tensors)
        n = self.tensors[0].shape[0] if self.tensors[0].ndim else None
        if n is None or any(t.ndim == 0 or t.shape[0] != n for t in self.tensors):
            raise ValueError("TensorDataset: size mismatch between tensors: first dimensions are "
                             f"{[t.shape[0] if t.ndim else None for t in self.tensors]}; every tensor needs one row "
                             "per sample")

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(_make(t.data[index], False) for t in self.tensors)


def _collate(samples: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, field by field (tensors, arrays and numbers)."""
    first = samples[0]
    if isinstance(first, (tuple, list)):
        return tuple(_collate([s[i] for s in samples]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _collate([s[k] for s in samples]) for k in first}
    return _make(np.stack([np.asarray(s.data if isinstance(s, Tensor) else s) for s in samples]), False)


class DataLoader:
    """Iterate over a dataset in batches; `shuffle` draws a new order each epoch from a seeded generator."""

    def __init__(self, dataset: Dataset, batch_size: int = 1, shuffle: bool = False, drop_last: bool = False,
                 seed: int | None = None) -> None:
        if not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = (self._rng or generator()).permutation(n) if self.shuffle else None
        stop = n - n % self.batch_size if self.drop_last else n
        tensors = self.dataset.tensors if isinstance(self.dataset, TensorDataset) else None
        for start in range(0, stop, self.batch_size):
            if order is None:
                idx: Any = slice(start, min(start + self.batch_size, n))
            else:
                idx = order[start:start + self.batch_size]
            if tensors is not None:  # rows taken in one indexing per tensor, no per-sample Python
                yield tuple(_make(t.data[idx], False) for t in tensors)
            else:
                rows = range(n)[idx] if isinstance(idx, slice) else idx
                yield _collate([self.dataset[int(i)] for i in rows])
