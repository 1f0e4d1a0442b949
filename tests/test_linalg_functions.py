"""Matrix functions (ops/matrix.py; det, inverse, solve in ops/linalg.py) and gg.linalg against PyTorch itself: the
values of forms test_ops.py's gradient cases leave out, out=, and the errors for bad shapes (op and shapes named)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import glassgrad as gg

RNG = np.random.default_rng(0)
M23, M34, M33 = RNG.normal(size=(2, 3)), RNG.normal(size=(3, 4)), RNG.normal(size=(3, 3)) + 3 * np.eye(3)
V3, B233 = RNG.normal(size=3), RNG.normal(size=(2, 3, 3))


def _flat(out: Any) -> list:
    return [t for o in out for t in _flat(o)] if isinstance(out, (list, tuple)) else [out]


FORMS = {
    "addmm beta=0 ignores NaN": lambda m: m.addmm(m.tensor(np.full((2, 4), np.nan)), m.tensor(M23), m.tensor(M34),
                                                  beta=0),
    "diag both ways": lambda m: [m.diag(m.tensor(V3), k) for k in (-2, 0, 3)] + [m.diag(m.tensor(M34), k)
                                                                                 for k in (-3, 0, 2, 9)],
    "diagonal dims": lambda m: [m.tensor(B233).diagonal(0, -1, 0), m.tensor(B233).diagonal(1, 2, 1)],
    "cross, first dim of size 3": lambda m: m.cross(m.tensor(M34), m.tensor(M34[::-1].copy())),
    "tensordot": lambda m: [m.tensordot(m.tensor(M23), m.tensor(M34), 1), m.tensordot(m.tensor(B233),
                                                                                     m.tensor(B233), 3)],
    "matrix_power 0 and negative": lambda m: [m.matrix_power(m.tensor(B233 + 3 * np.eye(3)), k) for k in (0, -1, -3)],
    "slogdet": lambda m: list(m.linalg.slogdet(m.tensor(B233))) + [m.tensor(M33).slogdet().sign],
    "solve vectors": lambda m: [m.linalg.solve(m.tensor(M33), m.tensor(V3)),
                                m.linalg.solve(m.tensor(B233 + 3 * np.eye(3)), m.tensor(M23))],
    "norms": lambda m: [m.linalg.norm(m.tensor(M34), o) for o in (None, "fro", 1, -1, float("inf"), -float("inf"))]
    + [m.linalg.norm(m.tensor(V3), o) for o in (None, 1, 3.5, 0, float("inf"))]
    + [m.linalg.vector_norm(m.tensor(B233), 0.5, (0, 2), True), m.linalg.matrix_norm(m.tensor(B233), 1, (0, 2))],
    "int matrices": lambda m: [m.trace(m.tensor([[1, 2], [3, 4]])), m.kron(m.tensor([1, 2]), m.tensor([[1], [3]]))],
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_values_match_torch(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (torch.cross without dim is deprecated)
        theirs = _flat(FORMS[name](torch))
    ours = _flat(FORMS[name](gg))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape) and o.dtype.name == str(t.dtype).removeprefix("torch.")
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-12, atol=1e-12)


def test_out_and_methods_match_torch() -> None:
    results = []
    for m in (gg, torch):
        a, b, x = m.tensor(M23), m.tensor(M34), m.tensor(M33)
        out = m.zeros(0, dtype=m.float64)
        m.addmm(m.ones(4, dtype=m.float64), a, b, alpha=2, out=out)
        results.append([out, m.inverse(x, out=m.zeros(3, 3, dtype=m.float64)), x.det(), x.inverse(), x.trace(),
                        m.tensor(V3).addmv(b, m.tensor(M23[0].tolist() + [1.0], dtype=m.float64), beta=0.5),
                        m.kron(a, x, out=m.zeros(0, dtype=m.float64))])
    for o, t in zip(*results):
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-12)


def r(*shape: int) -> np.ndarray:
    return np.ones(shape)


BAD = {
    "addmm shapes": lambda m: m.addmm(m.tensor(r(2, 2)), m.tensor(r(2, 3)), m.tensor(r(4, 2))),
    "addmm 1-D": lambda m: m.addmm(m.tensor(r(2, 2)), m.tensor(r(3)), m.tensor(r(3, 2))),
    "addmv shapes": lambda m: m.addmv(m.tensor(r(2)), m.tensor(r(2, 3)), m.tensor(r(4))),
    "addmv input": lambda m: m.addmv(m.tensor(r(3)), m.tensor(r(2, 3)), m.tensor(r(3))),
    "addbmm shapes": lambda m: m.addbmm(m.tensor(r(2, 2)), m.tensor(r(2, 2, 3)), m.tensor(r(2, 4, 2))),
    "baddbmm batches": lambda m: m.baddbmm(m.tensor(r(2, 2, 2)), m.tensor(r(2, 2, 3)), m.tensor(r(3, 3, 2))),
    "addr 2-D": lambda m: m.addr(m.tensor(r(2, 2)), m.tensor(r(2, 1)), m.tensor(r(3))),
    "diag 3-D": lambda m: m.diag(m.tensor(r(2, 2, 2))),
    "trace 3-D": lambda m: m.trace(m.tensor(r(2, 2, 2))),
    "cross length": lambda m: m.cross(m.tensor(r(3, 4)), m.tensor(r(3, 4)), dim=1),
    "cross no 3": lambda m: m.cross(m.tensor(r(2, 4)), m.tensor(r(2, 4))),
    "linalg.cross": lambda m: m.linalg.cross(m.tensor(r(4, 3)), m.tensor(r(4, 2))),
    "tensordot sizes": lambda m: m.tensordot(m.tensor(r(2, 3)), m.tensor(r(4, 2)), dims=1),
    "tensordot lists": lambda m: m.tensordot(m.tensor(r(2, 3)), m.tensor(r(4, 2)), dims=([0], [0])),
    "tensordot lengths": lambda m: m.tensordot(m.tensor(r(2, 3)), m.tensor(r(2, 3)), dims=([0, 1], [0])),
    "inner": lambda m: m.inner(m.tensor(r(2, 3)), m.tensor(r(4))),
    "matrix_power": lambda m: m.matrix_power(m.tensor(r(2, 3)), 2),
    "matrix_power 1-D": lambda m: m.matrix_power(m.tensor(r(3)), 2),
    "det": lambda m: m.det(m.tensor(r(2, 3))),
    "det 1-D": lambda m: m.linalg.det(m.tensor(r(3))),
    "inverse": lambda m: m.inverse(m.tensor(r(2, 3))),
    "linalg.inv singular": lambda m: m.linalg.inv(m.zeros(2, 2)),
    "solve": lambda m: m.linalg.solve(m.tensor(r(2, 2)), m.tensor(r(3, 1))),
    "solve square": lambda m: m.linalg.solve(m.tensor(r(2, 3)), m.tensor(r(2, 1))),
    "slogdet": lambda m: m.linalg.slogdet(m.tensor(r(2, 3))),
    "cdist 1-D": lambda m: m.cdist(m.tensor(r(3)), m.tensor(r(2, 3))),
    "cdist columns": lambda m: m.cdist(m.tensor(r(2, 3)), m.tensor(r(2, 4))),
    "matrix_norm 1-D": lambda m: m.linalg.matrix_norm(m.tensor(r(3))),
    "matrix_norm ord": lambda m: m.linalg.matrix_norm(m.tensor(r(2, 3)), ord=3),
    "norm 3-D with ord": lambda m: m.linalg.norm(m.tensor(r(2, 3, 4)), ord=2),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_shapes_raise_torchs_error_naming_the_op(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError) as theirs:
            BAD[name](torch)
    with pytest.raises(RuntimeError) as ours:
        BAD[name](gg)
    text = str(theirs.value).split(" (Triggered")[0]
    if name == "linalg.inv singular":  # (torch names the first zero pivot of its LU factorisation)
        text = text.split(", ", 1)[1].removesuffix(".")
    assert text in str(ours.value), (str(ours.value), str(theirs.value))


def test_norms_that_need_singular_values_say_so() -> None:
    for ord in ("nuc", 2, -2):  # noqa: A001
        with pytest.raises(NotImplementedError, match="singular values"):
            gg.linalg.matrix_norm(gg.ones(2, 2), ord)


def test_det_gradient_at_a_singular_matrix_says_why_it_fails() -> None:
    a = gg.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True)
    d = gg.det(a)
    assert d.item() == 0.0 == torch.det(torch.tensor([[1.0, 2.0], [2.0, 4.0]])).item()
    with pytest.raises(RuntimeError, match=r"det/logabsdet backward: the matrix of shape \[2, 2\] is singular"):
        d.backward()
