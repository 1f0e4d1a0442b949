"""nn.utils.rnn.pad_sequence against PyTorch: values, dtypes and gradients, both layouts and sides, and its
messages."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pad_sequence as torch_pad

import glassgrad as gg
from glassgrad.nn.utils.rnn import pad_sequence

R = np.random.default_rng(0)
SEQS = [R.standard_normal((3, 2)), R.standard_normal((1, 2)), R.standard_normal((4, 2))]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_matches_torch(batch_first: bool, padding_side: str) -> None:
    ours, theirs = ([lib.tensor(s, requires_grad=True) for s in SEQS] for lib in (gg, torch))
    kwargs = dict(batch_first=batch_first, padding_value=-2.5, padding_side=padding_side)
    a, b = pad_sequence(ours, **kwargs), torch_pad(theirs, **kwargs)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    up = R.standard_normal(a.shape)
    a.backward(gg.tensor(up))
    b.backward(torch.tensor(up))
    for g, t in zip(ours, theirs):
        np.testing.assert_array_equal(g.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("case", ["ints", "mixed dtypes", "a tensor", "tuple", "broadcast", "1-d"])
def test_pad_sequence_dtypes_and_inputs_match_torch(case: str) -> None:
    def make(lib):
        ints = [lib.tensor([1, 2]), lib.tensor([3])]
        return {"ints": (ints, dict(batch_first=True, padding_value=-1)),
                "mixed dtypes": ([ints[0], lib.tensor([3.7])], dict(padding_value=0.5)),
                "a tensor": (lib.tensor(SEQS[0]), {}),
                "tuple": (tuple(lib.tensor(s) for s in SEQS), dict(padding_side="left")),
                "broadcast": ([lib.tensor(SEQS[0]), lib.tensor(SEQS[1][:, :1])], {}),
                "1-d": ([lib.tensor(SEQS[0][:, 0]), lib.tensor(SEQS[2][:, 1])], dict(batch_first=True))}[case]
    (s1, k1), (s2, k2) = make(gg), make(torch)
    a, b = pad_sequence(s1, **k1), torch_pad(s2, **k2)
    assert str(a.dtype) == str(b.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("case", ["side", "empty", "sizes"])
def test_misuse_raises_torchs_error(case: str, raised) -> None:
    def call(lib, pad):
        a, b = lib.ones(3, 2), lib.ones(1, 2)
        return {"side": lambda: pad([a, b], padding_side="middle"), "empty": lambda: pad([]),
                "sizes": lambda: pad([a, lib.ones(2, 3)])}[case]
    assert raised(call(gg, pad_sequence)) == raised(call(torch, torch_pad))
