"""torch.utils.data's names against PyTorch: datasets of datasets, samplers, collation and DataLoader's options.

Random orders come from another stream than PyTorch's, so for them the tests compare what does not depend on
the stream (which indices, how many, how often) and check that a seeded run repeats.
"""

from __future__ import annotations

import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import glassgrad as gg
import glassgrad.utils.data as gud


def _plain(x):
    """Batches as nested lists of Python values (tensors of either library alike)."""
    if isinstance(x, (gg.Tensor, torch.Tensor)):
        return ("tensor", str(x.dtype).rsplit(".")[-1], x.tolist())
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_plain(v) for v in x])
    return x


SAMPLES = [
    [(1.5, 2, True), (2.5, 3, False)],
    [{"x": np.array([1.0, 2.0]), "label": 3}, {"x": np.array([3.0, 4.0]), "label": 1}],
    [["a", np.float32(1.5)], ["b", np.float32(2.5)]],
    [np.array([[1, 2]]), np.array([[3, 4]])],
]


@pytest.mark.parametrize("k", range(len(SAMPLES)))
def test_default_collate_matches_torch(k: int) -> None:
    assert _plain(gud.default_collate(SAMPLES[k])) == _plain(tud.default_collate(SAMPLES[k]))


def test_collate_of_tensors_and_namedtuples() -> None:
    point = collections.namedtuple("Point", "x y")
    ours = gud.default_collate([point(gg.tensor([1.0]), 1), point(gg.tensor([2.0]), 2)])
    theirs = tud.default_collate([point(torch.tensor([1.0]), 1), point(torch.tensor([2.0]), 2)])
    assert type(ours).__name__ == "Point" and _plain(list(ours)) == _plain(list(theirs))


class Squares(gud.Dataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int):
        return float(i), i * i


class Count(gud.IterableDataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


def _loader_outputs(lib, **kwargs) -> list:
    data = lib.utils.data
    ds = kwargs.pop("ds")
    return [_plain(b) for b in data.DataLoader(ds, **kwargs)]


CONFIGS = {
    "batches": dict(batch_size=3),
    "drop_last": dict(batch_size=3, drop_last=True),
    "no batching": dict(batch_size=None),
    "sampler": dict(batch_size=2, sampler=[4, 0, 2]),
    "batch_sampler": dict(batch_sampler=[[0, 1], [5, 6, 2]]),
    "collate_fn": dict(batch_size=4, collate_fn=lambda batch: sum(b[1] for b in batch)),
    "workers, pin_memory": dict(batch_size=2, num_workers=2, pin_memory=True, persistent_workers=True,
                                prefetch_factor=2),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_dataloader_options_match_torch(name: str) -> None:
    ours = _loader_outputs(gg, ds=Squares(7), **CONFIGS[name])
    theirs = _loader_outputs(torch, ds=_TorchSquares(7), **CONFIGS[name])
    assert ours == theirs


class _TorchSquares(tud.Dataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int):
        return float(i), i * i


class _TorchCount(tud.IterableDataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)])
def test_iterable_datasets_batch_as_torch_does(kwargs: dict) -> None:
    assert _loader_outputs(gg, ds=Count(8), **kwargs) == _loader_outputs(torch, ds=_TorchCount(8), **kwargs)


def test_tensor_dataset_batches_are_lists_as_in_torch() -> None:
    x = np.arange(12.0).reshape(6, 2)
    ours = list(gud.DataLoader(gud.TensorDataset(gg.tensor(x), gg.arange(6)), batch_size=4))
    theirs = list(tud.DataLoader(tud.TensorDataset(torch.tensor(x), torch.arange(6)), batch_size=4))
    assert [_plain(b) for b in ours] == [_plain(b) for b in theirs]


def test_dataloader_refuses_what_torch_refuses() -> None:
    ds = Squares(4)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        gud.DataLoader(ds, sampler=[0, 1], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        gud.DataLoader(ds, batch_size=2, batch_sampler=[[0]])
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        gud.DataLoader(Count(3), shuffle=True)


def test_subset_concat_and_random_split() -> None:
    ds = Squares(10)
    sub = gud.Subset(ds, [3, 1, 4])
    assert len(sub) == 3 and sub[0] == (3.0, 9) and sub[-1] == (4.0, 16)
    both = ds + Squares(3)
    ref = tud.ConcatDataset([_TorchSquares(10), _TorchSquares(3)])
    assert isinstance(both, gud.ConcatDataset) and len(both) == len(ref) == 13
    assert [both[i] for i in range(-13, 13)] == [ref[i] for i in range(-13, 13)]
    assert both.cumulative_sizes == ref.cumulative_sizes
    for lengths in ([3, 7], [0.3, 0.3, 0.4], [0.5, 0.5], [0.33, 0.33, 0.34]):
        ours = gud.random_split(ds, lengths, generator=np.random.default_rng(0))
        theirs = tud.random_split(_TorchSquares(10), lengths, generator=torch.Generator().manual_seed(0))
        assert [len(s) for s in ours] == [len(s) for s in theirs]
        assert sorted(i for s in ours for i in s.indices) == list(range(10))  # disjoint and complete
    gg.manual_seed(5)
    first = [s.indices for s in gud.random_split(ds, [5, 5])]
    gg.manual_seed(5)
    assert [s.indices for s in gud.random_split(ds, [5, 5])] == first
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset"):
        gud.random_split(ds, [3, 3])


def test_samplers() -> None:
    ds = Squares(10)
    assert list(gud.SequentialSampler(ds)) == list(tud.SequentialSampler(ds))
    for drop in (False, True):
        assert (list(gud.BatchSampler(gud.SequentialSampler(ds), 4, drop))
                == list(tud.BatchSampler(tud.SequentialSampler(ds), 4, drop)))
        assert len(gud.BatchSampler(range(10), 4, drop)) == len(tud.BatchSampler(range(10), 4, drop))
    rng = np.random.default_rng(0)
    order = list(gud.RandomSampler(ds, generator=rng))
    assert sorted(order) == list(range(10)) and order != list(range(10))
    assert len(list(gud.RandomSampler(ds, num_samples=25))) == 25
    assert sorted(list(gud.RandomSampler(ds, num_samples=20)))[::2] == list(range(10))  # two whole passes
    drawn = list(gud.RandomSampler(ds, replacement=True, num_samples=50))
    assert len(drawn) == 50 and set(drawn) <= set(range(10))
    assert sorted(gud.SubsetRandomSampler([7, 2, 5])) == [2, 5, 7]
    weighted = list(gud.WeightedRandomSampler([0.0, 1.0, 3.0], 4000, generator=np.random.default_rng(1)))
    counts = np.bincount(weighted, minlength=3)
    assert counts[0] == 0 and abs(counts[2] / counts[1] - 3) < 0.3
    assert sorted(gud.WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False)) == [0, 1, 2, 3]
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
        gud.WeightedRandomSampler([1.0, 0.0], 2, replacement=False)


def test_shuffled_loaders_are_seeded_by_generator_and_visit_every_sample() -> None:
    ds = gud.TensorDataset(gg.arange(20))
    epochs = [[b[0].tolist() for b in gud.DataLoader(ds, batch_size=6, shuffle=True,
                                                     generator=np.random.default_rng(3))] for _ in range(2)]
    assert epochs[0] == epochs[1]
    assert sorted(sum(epochs[0], [])) == list(range(20)) and [len(b) for b in epochs[0]] == [6, 6, 6, 2]
    loader = gud.DataLoader(ds, batch_size=5, sampler=gud.WeightedRandomSampler(np.ones(20), 10))
    assert len(loader) == 2 and sum(len(b[0]) for b in loader) == 10
    assert gud.get_worker_info() is None
