"""Samplers (torch.utils.data's names): which dataset indices a DataLoader visits, in which order and batches.

Random orders come from NumPy's generator (glassgrad's seeded one unless a generator is given): seeded runs
repeat exactly, but the orders differ from PyTorch's, whose random stream is another.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any

import numpy as np

from glassgrad.tensor import Tensor
from glassgrad.tensor import generator as _default_generator


def numpy_generator(generator: Any) -> np.random.Generator:
    """The NumPy generator behind `generator`: glassgrad's seeded one for None, else the one it wraps."""
    if generator is None:
        return _default_generator()
    if isinstance(generator, np.random.Generator):
        return generator
    for attr in ("numpy_generator", "_rng", "rng"):
        inner = getattr(generator, attr, None)
        inner = inner() if callable(inner) else inner
        if isinstance(inner, np.random.Generator):
            return inner
    raise TypeError(f"generator must be a glassgrad.Generator or a numpy.random.Generator, got "
                    f"{type(generator).__name__}")


class Sampler:
    """Base class: `__iter__` yields dataset indices; `__len__` says how many, where known."""

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError

    def _order(self) -> np.ndarray | None:
        """All indices of one pass as an array, when the sampler can give them at once (the DataLoader's fast
        path); None otherwise."""
        return None


class SequentialSampler(Sampler):
    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def _order(self) -> np.ndarray:
        return np.arange(len(self.data_source))

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A new random permutation each pass (or `num_samples` draws, with replacement if asked)."""

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
                 generator: Any = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        if num_samples is not None and (not isinstance(num_samples, int) or num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        self.data_source, self.replacement, self._num_samples, self.generator = (data_source, replacement,
                                                                                  num_samples, generator)

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _order(self) -> np.ndarray:
        n, rng = len(self.data_source), numpy_generator(self.generator)
        if self.replacement:
            return rng.integers(0, n, self.num_samples)
        rounds = -(-self.num_samples // n) if n else 0
        return np.concatenate([rng.permutation(n) for _ in range(rounds)] or [np.zeros(0, np.int64)])[
            :self.num_samples]

    def __iter__(self) -> Iterator[int]:
        return iter(self._order().tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a new random order each pass."""

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices, self.generator = indices, generator

    def _order(self) -> np.ndarray:
        return np.asarray(self.indices)[numpy_generator(self.generator).permutation(len(self.indices))]

    def __iter__(self) -> Iterator[int]:
        return iter(self._order().tolist())

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices drawn with probabilities proportional to `weights` (e.g. to balance classes)."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Any = None) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        w = np.asarray(weights._data if isinstance(weights, Tensor) else weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}")
        if (w < 0).any() or not w.sum() > 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0 or a negative weight)")
        if not replacement and num_samples > (w > 0).sum():
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        self.weights, self.num_samples, self.replacement, self.generator = w, num_samples, replacement, generator

    def _order(self) -> np.ndarray:
        return numpy_generator(self.generator).choice(len(self.weights), self.num_samples, replace=self.replacement,
                                                      p=self.weights / self.weights.sum())

    def __iter__(self) -> Iterator[int]:
        return iter(self._order().tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group another sampler's indices into lists of batch_size (the last one shorter, unless drop_last)."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def _batches(self) -> Iterator[Any]:
        """Index arrays (from the sampler's whole order at once) or lists, one per batch."""
        order = self.sampler._order() if isinstance(self.sampler, Sampler) else None
        if order is None:
            batch: list[int] = []
            for i in self.sampler:
                batch.append(i)
                if len(batch) == self.batch_size:
                    yield batch
                    batch = []
            if batch and not self.drop_last:
                yield batch
            return
        n = len(order)
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            yield order[start:start + self.batch_size]

    def __iter__(self) -> Iterator[list[int]]:
        for b in self._batches():
            yield b if isinstance(b, list) else b.tolist()

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
