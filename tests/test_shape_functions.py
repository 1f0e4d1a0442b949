"""PyTorch's slicing, tiling, splitting and index-update functions (ops/indexing.py) against PyTorch itself: values
on more forms than test_ops.py's gradient cases, in-place and out= forms, and the errors for bad shapes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import glassgrad as gg

A = np.random.default_rng(0).normal(size=(3, 4, 5))


def ix(m: Any, *v: Any) -> Any:
    return m.tensor(np.array(v))


FORMS = {
    "narrow": lambda m, x: m.narrow(x, -1, -2, 2),
    "select": lambda m, x: x.select(2, -1),
    "masked_select": lambda m, x: m.masked_select(x, ix(m, True, False, True, True, False)),
    "tile more dims": lambda m, x: m.tile(x, (2, 1, 1, 2)),
    "swapaxes": lambda m, x: x.swapaxes(0, 2),
    "rot90": lambda m, x: [m.rot90(x, k, d) for k in range(-1, 6) for d in ((0, 1), (2, 0), (1, -1))],
    "take": lambda m, x: m.take(x, ix(m, [0, -1], [5, 59])),
    "tensor_split sections": lambda m, x: x.tensor_split(3, 1),
    "tensor_split indices": lambda m, x: m.tensor_split(x, [1, 3, 2, 9], 2),
    "tensor_split tensor": lambda m, x: m.tensor_split(x, ix(m, 1, 4), 2),
    "tensor_split 0d tensor": lambda m, x: m.tensor_split(x, m.tensor(2), 0),
    "hsplit": lambda m, x: m.hsplit(x, 2) + x.hsplit([1, 2]) + m.hsplit(x[0, 0], 5),
    "vsplit dsplit": lambda m, x: m.vsplit(x, [1]) + m.dsplit(x, 5),
    "meshgrid ij": lambda m, x: m.meshgrid(x[0, 0], x[0, :, 0], x[:, 0, 0], indexing="ij"),
    "meshgrid xy": lambda m, x: m.meshgrid(x[0, 0], x[0, :, 0], x[:, 0, 0], indexing="xy"),
    "meshgrid list, 0d": lambda m, x: m.meshgrid([x[0, 0, 0], x[0, :, 0]], indexing="xy"),
    "diff": lambda m, x: [x.diff(), m.diff(x, 2, 0), m.diff(x, 1, 1, prepend=x[:, :1], append=x), m.diff(x, 9),
                          m.diff(x, 0)],
    "unfold": lambda m, x: [x.unfold(2, 2, 2), x.unfold(0, 3, 1), x.unfold(-1, 1, 3), x[0, 0, 0].unfold(0, 1, 1)],
    "index_add": lambda m, x: [x.index_add(1, ix(m, 0, 3, 0), x[:, :3]),
                               m.index_add(x, 2, ix(m, 4), x[:, :, :1], alpha=-2.0)],
    "index_copy": lambda m, x: x.index_copy(1, ix(m, 0, 3), x[:, 1:3]),
    "index_fill": lambda m, x: [x.index_fill(2, ix(m, 1, 1, -1), -1.5), x.index_fill(0, ix(m, -1), x[0, 0, 0])],
    "diag_embed": lambda m, x: [m.diag_embed(x), m.diag_embed(x, 1, 0, 2), x.diag_embed(-2, -1, 1),
                                x.diag_embed(-2, -1, -3)],
    "column_stack": lambda m, x: [m.column_stack([x[0, :, 0], x[0]]), m.column_stack([x[0, 0, 0], x[0, :1, 0]])],
    "dstack": lambda m, x: [m.dstack([x[0, 0], x[0, 1]]), m.dstack([x[0], x[1], x[2]]), m.dstack([x, x])],
    "atleast": lambda m, x: [m.atleast_1d(x[0, 0, 0]), m.atleast_2d(x[0, 0]), m.atleast_3d(x[0, 0]),
                             m.atleast_3d(x[0]), *m.atleast_3d(x[0, 0, 0], x), *m.atleast_2d([x[0, 0, 0], x[0]])],
    "broadcast_tensors": lambda m, x: m.broadcast_tensors(x[:, :1], x[0, 0], x[0, 0, 0]),
}


def _flat(out: Any) -> list:
    return [t for o in out for t in _flat(o)] if isinstance(out, (list, tuple)) else [out]


@pytest.mark.parametrize("name", sorted(FORMS))
def test_values_match_torch(name: str) -> None:
    ours, theirs = _flat(FORMS[name](gg, gg.tensor(A))), _flat(FORMS[name](torch, torch.tensor(A)))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape) and o.dtype.name == str(t.dtype).removeprefix("torch.")
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-15, atol=0)


def test_broadcast_shapes_matches_torch() -> None:
    assert gg.broadcast_shapes((2, 1), (3,), ()) == tuple(torch.broadcast_shapes((2, 1), (3,), ())) == (2, 3)


def test_in_place_index_updates_and_out_match_torch() -> None:
    x, t = gg.tensor(A.copy()), torch.tensor(A.copy())
    for m, y in ((gg, x), (torch, t)):
        y.index_add_(1, ix(m, 0, 1, 0), m.ones(3, 3, 5, dtype=m.float64), alpha=0.5)
        y.index_fill_(2, ix(m, 4), 2.0)
        y.index_copy_(1, ix(m, 2), m.zeros(3, 1, 5, dtype=m.float64))
    np.testing.assert_array_equal(x.numpy(), t.numpy())
    outs = []
    for m in (gg, torch):
        y = m.tensor(A)
        out = m.zeros(0, dtype=m.float64)
        m.diff(y, dim=0, out=out)
        outs.append((out.numpy().copy(), m.take(y, ix(m, 3, 1), out=m.zeros(2, dtype=m.float64)).numpy()))
    for o, t in zip(*outs):
        np.testing.assert_array_equal(o, t)


def test_in_place_index_add_records_the_source_gradient() -> None:
    grads = []
    for m in (gg, torch):
        s = m.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        y = m.zeros(3, 3, dtype=m.float64)
        y.index_add_(0, ix(m, 2, 0), s * s)
        (y * m.tensor(np.arange(9.0).reshape(3, 3))).sum().backward()
        grads.append(s.grad.numpy())
    np.testing.assert_array_equal(*grads)


BAD = {
    "narrow past the end": lambda m, x: x.narrow(1, 3, 2),
    "select out of range": lambda m, x: x.select(1, 4),
    "masked_select shapes": lambda m, x: m.masked_select(x, ix(m, True, False)),
    "flipud 0d": lambda m, x: m.flipud(x[0, 0, 0]),
    "fliplr 1d": lambda m, x: m.fliplr(x[0, 0]),
    "rot90 same dims": lambda m, x: m.rot90(x, 1, [1, 1]),
    "rot90 one dim": lambda m, x: m.rot90(x, 1, [0]),
    "rot90 1d": lambda m, x: m.rot90(x[0, 0]),
    "take out of range": lambda m, x: m.take(x, ix(m, 60)),
    "tensor_split 0 sections": lambda m, x: m.tensor_split(x, 0),
    "hsplit not divisible": lambda m, x: m.hsplit(x, 3),
    "vsplit 1d": lambda m, x: m.vsplit(x[0, 0], 5),
    "dsplit 2d": lambda m, x: m.dsplit(x[0], 2),
    "meshgrid 2d": lambda m, x: m.meshgrid(x[0], indexing="ij"),
    "meshgrid indexing": lambda m, x: m.meshgrid(x[0, 0], indexing="ji"),
    "diff 0d": lambda m, x: m.diff(x[0, 0, 0]),
    "diff prepend ndim": lambda m, x: m.diff(x, prepend=x[0]),
    "unfold too long": lambda m, x: x.unfold(1, 5, 1),
    "unfold step 0": lambda m, x: x.unfold(1, 2, 0),
    "index_add count": lambda m, x: x.index_add(1, ix(m, 0, 1), x[:, :3]),
    "index_add shape": lambda m, x: x.index_add(1, ix(m, 0, 1), x[:2, :2]),
    "index_fill range": lambda m, x: x.index_fill(1, ix(m, -5), 1.0),
    "index_add 2-D index": lambda m, x: x.index_add(1, ix(m, [0, 1]), x[:, :2]),
    "index_copy range": lambda m, x: x.index_copy(1, ix(m, -1), x[:, :1]),
    "index_fill value": lambda m, x: x.index_fill(1, ix(m, 0), x[0, 0, :2]),
    "broadcast_tensors": lambda m, x: m.broadcast_tensors(x, x[0, :2]),
    "column_stack rows": lambda m, x: m.column_stack([x[0, 0], x[0]]),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_shapes_raise_torchs_error_naming_the_op(name: str) -> None:
    with pytest.raises((RuntimeError, IndexError)) as theirs:
        BAD[name](torch, torch.tensor(A))
    with pytest.raises(theirs.type) as ours:
        BAD[name](gg, gg.tensor(A))
    theirs_text = str(theirs.value).split(" (Triggered")[0].split("\n")[0].split(":  ")[0]
    assert theirs_text in str(ours.value), (str(ours.value), str(theirs.value))
