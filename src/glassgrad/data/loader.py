"""Dataset, TensorDataset, DataLoader and default_collate (torch.utils.data's names and arguments)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from glassgrad.tensor import Tensor, _make, tensor


class Dataset:
    """Anything with `__len__` and `__getitem__(i)` returning one sample (a tensor or a tuple of them)."""

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __add__(self, other: Dataset) -> Any:
        from glassgrad.data.dataset import ConcatDataset

        return ConcatDataset([self, other])


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
        return tuple(_make(t._data[index], False) for t in self.tensors)


def default_collate(batch: Sequence[Any]) -> Any:
    """PyTorch's default_collate: tensors, arrays and numbers stacked into one tensor per field; tuples and lists
    of fields become lists (as in PyTorch), dicts stay dicts, strings stay lists of strings."""
    first = batch[0]
    if isinstance(first, Tensor):
        return _make(np.stack([s._data for s in batch]), False)
    if isinstance(first, (np.ndarray, np.generic)):
        if first.dtype.kind in "USO":
            raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                            f"found {first.dtype}")
        return _make(np.stack([np.asarray(s) for s in batch]), False)
    if isinstance(first, bool):
        return _make(np.asarray(batch, dtype=np.bool_), False)
    if isinstance(first, int):
        return _make(np.asarray(batch, dtype=np.int64), False)
    if isinstance(first, float):
        return _make(np.asarray(batch, dtype=np.float64), False)  # (float64, as PyTorch collates Python floats)
    if isinstance(first, (str, bytes)):
        return batch
    if isinstance(first, dict):
        return {k: default_collate([s[k] for s in batch]) for k in first}
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # a namedtuple keeps its type
        return type(first)(*(default_collate(f) for f in zip(*batch)))
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(f) for f in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found "
                    f"{type(first).__name__}")


def default_convert(data: Any) -> Any:
    """One sample as batch_size=None leaves it: NumPy arrays become tensors, containers are converted inside."""
    if isinstance(data, np.ndarray) and data.dtype.kind not in "USO":
        return _make(data, False)
    if isinstance(data, dict):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, (tuple, list)) and not hasattr(data, "_fields"):
        return [default_convert(v) for v in data]  # (a tuple becomes a list, as in PyTorch)
    return data


def get_worker_info() -> None:
    """None: data loading always runs in the main process here."""
    return None


class DataLoader:
    """Iterate over a dataset in batches: torch.utils.data.DataLoader's arguments and defaults.

    `shuffle` draws a new order each epoch (from glassgrad's seeded generator, `generator`, or `seed`); a
    `sampler` or `batch_sampler` decides the order instead. `num_workers`, `pin_memory` and the worker options
    are accepted for PyTorch code and change nothing: loading runs in the calling process.
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None, sampler: Any = None,
                 batch_sampler: Any = None, num_workers: int = 0, collate_fn: Callable | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable | None = None, multiprocessing_context: Any = None, generator: Any = None,
                 *, prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", seed: int | None = None) -> None:
        from glassgrad.data.dataset import IterableDataset
        from glassgrad.data.sampler import BatchSampler, RandomSampler, SequentialSampler

        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if batch_size is not None and (not isinstance(batch_size, int) or isinstance(batch_size, bool)
                                       or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if seed is not None:
            generator = np.random.default_rng(seed)
        self.dataset, self.num_workers, self.pin_memory, self.timeout = dataset, num_workers, pin_memory, timeout
        self.generator, self.worker_init_fn, self.prefetch_factor = generator, worker_init_fn, prefetch_factor
        self.persistent_workers = persistent_workers
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None or batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler and batch_sampler "
                                 "options")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.drop_last = batch_size, drop_last
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self._auto_collation = batch_sampler is not None or (self._iterable and batch_size is not None)
        self.collate_fn = collate_fn or (default_collate if self._auto_collation else default_convert)
        self._default_collate = collate_fn is None

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)  # (a TypeError for streams without a length, as in PyTorch)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self) -> Iterator[Any]:
        if self._iterable:
            yield from self._stream()
            return
        if self.batch_sampler is None:  # batch_size=None: one sample at a time
            for i in self.sampler:
                yield self.collate_fn(self.dataset[i])
            return
        tensors = self.dataset.tensors if isinstance(self.dataset, TensorDataset) and self._default_collate else None
        batches = self.batch_sampler._batches() if hasattr(self.batch_sampler, "_batches") else self.batch_sampler
        for idx in batches:
            if tensors is not None:  # rows taken in one indexing per tensor, no per-sample Python
                rows = np.asarray(idx, dtype=np.int64)
                yield [_make(t._data[rows], False) for t in tensors]
            else:
                yield self.collate_fn([self.dataset[int(i)] for i in idx])

    def _stream(self) -> Iterator[Any]:
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch: list = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)
