"""PyTorch's matrix functions composed of table ops (matmul, einsum, indexing, det/inverse/solve): the scaled
products addmm & co., diagonals and traces, cross and Kronecker products, tensordot, powers, norms and distances.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassgrad import return_types
from glassgrad.ops import composite as C
from glassgrad.ops import elementwise as E
from glassgrad.ops import indexing as I
from glassgrad.ops import linalg as L
from glassgrad.ops import reduce as R
from glassgrad.ops import shape as S
from glassgrad.ops.base import value

# ------------------------------------------------------------------------- β·input + α·product


def _scaled(x: Any, product: Any, beta: Any, alpha: Any) -> Any:
    """β·input + α·product in the product's shape (β = 0 ignores input, NaNs included, as PyTorch does)."""
    if tuple(x.shape) != tuple(product.shape):
        x = S.expand(x, product.shape)
    product = product if alpha == 1 else product * alpha
    if beta == 0:
        return product
    return (x if beta == 1 else x * beta) + product


def _ndim(t: Any, n: int, what: str, op: str) -> None:
    if t.ndim != n:
        raise RuntimeError(f"{op}: {what} must be a {('vector', 'matrix', '3-D tensor')[n - 1]}, got {t.ndim}-D "
                           f"tensor (shape {list(t.shape)})")


def _multipliable(a: Any, b: Any, op: str) -> None:
    if a.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"{op}: mat1 and mat2 shapes cannot be multiplied ({a.shape[-2]}x{a.shape[-1]} and "
                           f"{b.shape[-2]}x{b.shape[-1]}) (shapes {list(a.shape)} and {list(b.shape)})")


def addmm(x: Any, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
    _ndim(mat1, 2, "mat1", "addmm"), _ndim(mat2, 2, "mat2", "addmm"), _multipliable(mat1, mat2, "addmm")
    return _scaled(x, L.matmul(mat1, mat2), beta, alpha)


def addmv(x: Any, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
    _ndim(mat, 2, "mat", "addmv"), _ndim(vec, 1, "vec", "addmv")
    if mat.shape[1] != vec.shape[0] or (x.ndim and x.shape[-1] not in (1, mat.shape[0])):
        raise RuntimeError(f"addmv: size mismatch, got input ({', '.join(map(str, x.shape)) or 1}), mat "
                           f"({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]})")
    return _scaled(x, L.matmul(mat, vec), beta, alpha)


def _batches(b1: Any, b2: Any, op: str) -> None:
    _ndim(b1, 3, "batch1", op), _ndim(b2, 3, "batch2", op)
    shapes = f" (batch1 {list(b1.shape)}, batch2 {list(b2.shape)})"
    if op == "addbmm" and b1.shape[0] != b2.shape[0]:
        raise RuntimeError(f"addbmm: batch1 and batch2 must have same number of batches, got {b1.shape[0]} and "
                           f"{b2.shape[0]}{shapes}")
    if op == "addbmm" and b1.shape[2] != b2.shape[1]:
        raise RuntimeError(f"addbmm: Incompatible matrix sizes for bmm ({b1.shape[1]}x{b1.shape[2]} and "
                           f"{b2.shape[1]}x{b2.shape[2]}){shapes}")
    if b1.shape[0] != b2.shape[0] or b1.shape[2] != b2.shape[1]:
        raise RuntimeError(f"{op}: Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b1.shape[0]}, {b1.shape[2]}] but got: [{b2.shape[0]}, {b2.shape[1]}].{shapes}")


def addbmm(x: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """β·input + α·Σᵢ batch1[i]·batch2[i]."""
    _batches(batch1, batch2, "addbmm")
    return _scaled(x, L.einsum("bij,bjk->ik", batch1, batch2), beta, alpha)


def baddbmm(x: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
    _batches(batch1, batch2, "baddbmm")
    return _scaled(x, L.matmul(batch1, batch2), beta, alpha)


def addr(x: Any, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D (shape {list(v.shape)})")
    return _scaled(x, C.outer(vec1, vec2), beta, alpha)


# ----------------------------------------------------------------------------------- diagonals


def _diagonal(x: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Any:
    """The `offset` diagonal of the matrices in dims dim1, dim2, as a new last axis (indexing: its gradient goes
    back onto the diagonal)."""
    d1, d2 = S._norm_dim(dim1, x.ndim, "diagonal"), S._norm_dim(dim2, x.ndim, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal: diagonal dimensions cannot be identical {dim1}, {dim2}")
    m = C.movedim(x, (d1, d2), (-2, -1))
    rows, cols = m.shape[-2:]
    k = np.arange(max(0, min(rows - max(-offset, 0), cols - max(offset, 0))))
    return S.getitem(m, (Ellipsis, k + max(-offset, 0), k + max(offset, 0)))


diagonal = _diagonal


def diag(x: Any, diagonal: int = 0) -> Any:
    """A vector's square matrix (the vector on the `diagonal`-th diagonal), or a matrix's diagonal as a vector."""
    if x.ndim == 1:
        return I.diag_embed(x, diagonal)
    if x.ndim == 2:
        return _diagonal(x, diagonal)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {x.ndim}D (shape {list(x.shape)})")


def trace(x: Any) -> Any:
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x.ndim} (shape {list(x.shape)})")
    return R.sum(_diagonal(x))


# ------------------------------------------------------------------------------------- products


def cross(a: Any, b: Any, dim: int | None = None) -> Any:
    """torch.cross: along `dim`, or (dim=None, deprecated in PyTorch) the first dimension of size 3."""
    shape = I.broadcast_shapes(a.shape, b.shape)
    if dim is None:
        dim = next((d for d, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise RuntimeError(f"cross: no dimension of size 3 in input (shapes {list(a.shape)} and {list(b.shape)})")
    return linalg_cross(a, b, dim)


def linalg_cross(a: Any, b: Any, dim: int = -1) -> Any:
    """a × b along dim (size 3), broadcasting the others: (a₂b₃ − a₃b₂, a₃b₁ − a₁b₃, a₁b₂ − a₂b₁)."""
    if a.ndim != b.ndim:
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions. (shapes {list(a.shape)} "
                           f"and {list(b.shape)})")
    d = S._norm_dim(dim, a.ndim, "cross")
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {a.shape[d]} and "
                           f"{b.shape[d]} (shapes {list(a.shape)} and {list(b.shape)})")
    a, b = I.broadcast_tensors(a, b)
    x, y = ([I.select(t, d, i) for i in range(3)] for t in (a, b))
    return S.stack([x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]], d)


def kron(a: Any, b: Any) -> Any:
    """Every element of a times all of b, in blocks: an outer product by broadcasting, then one reshape."""
    n = max(a.ndim, b.ndim)
    sa, sb = (1,) * (n - a.ndim) + tuple(a.shape), (1,) * (n - b.ndim) + tuple(b.shape)
    spread_a = S.reshape(a, tuple(v for s in sa for v in (s, 1)))
    spread_b = S.reshape(b, tuple(v for s in sb for v in (1, s)))
    return S.reshape(spread_a * spread_b, tuple(p * q for p, q in zip(sa, sb)))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def tensordot(a: Any, b: Any, dims: Any = 2) -> Any:
    """Sum over the last `dims` axes of a and the first of b, or over the axes the pair of lists names: einsum."""
    if isinstance(dims, (list, tuple)):
        raw_a, raw_b = ([int(i) for i in np.atleast_1d(np.asarray(value(d)))] for d in dims)
    else:
        n = int(value(dims))
        raw_a, raw_b = list(range(-n, 0)), list(range(n))
    if len(raw_a) != len(raw_b):
        raise RuntimeError(f"tensordot: both dimension lists should have same length (got {raw_a} and {raw_b})")
    da = [S._norm_dim(d, a.ndim, "tensordot") for d in raw_a]
    db = [S._norm_dim(d, b.ndim, "tensordot") for d in raw_b]
    for i, j, ri, rj in zip(da, db, raw_a, raw_b):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"tensordot: contracted dimensions need to match, but first has size {a.shape[i]} "
                               f"in dim {ri} and second has size {b.shape[j]} in dim {rj} (shapes "
                               f"{list(a.shape)} and {list(b.shape)})")
    sa, sb = _LETTERS[:a.ndim], [""] * b.ndim
    for i, j in zip(da, db):
        sb[j] = sa[i]
    free = iter(_LETTERS[a.ndim:])
    sb = [s or next(free) for s in sb]
    out = "".join(c for k, c in enumerate(sa) if k not in da) + "".join(c for k, c in enumerate(sb) if k not in db)
    return L.einsum(f"{sa},{''.join(sb)}->{out}", a, b)


def inner(a: Any, b: Any) -> Any:
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(a.shape)} and {list(b.shape)}")
    return tensordot(a, b, ([-1], [-1]))


def matrix_power(x: Any, n: int) -> Any:
    """x·x·…·x (n factors, by repeated squaring); n = 0 the identity, n < 0 powers of the inverse."""
    L._square(x, "linalg.matrix_power")
    if n == 0:
        return C._const(np.broadcast_to(np.eye(x.shape[-1], dtype=x.dtype), x.shape).copy())
    base, n = (L.inverse(x), -n) if n < 0 else (x, n)
    out = None
    while n:
        if n & 1:
            out = base if out is None else L.matmul(out, base)
        n >>= 1
        if n:
            base = L.matmul(base, base)
    return out


def slogdet(x: Any) -> return_types.slogdet:
    """(sign, log|det|): the sign a constant, the log differentiable (its gradient is A⁻ᵀ)."""
    logabs = L.logabsdet(x)
    return return_types.slogdet(C._const(np.sign(np.linalg.det(value(x))).astype(x.dtype)), logabs)


# -------------------------------------------------------------------------------------- norms


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A002
    if isinstance(ord, str):
        raise TypeError("linalg_vector_norm(): argument 'ord' must be Number, not str")
    return C.norm(x, ord, dim, keepdim)


def matrix_norm(x: Any, ord: Any = "fro", dim: Sequence[int] = (-2, -1), keepdim: bool = False) -> Any:  # noqa: A002
    """'fro' and the induced 1- and ∞-norms (largest column or row sum of |x|, and -1, -inf the smallest)."""
    if x.ndim < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 dimensions. (got shape "
                           f"{list(x.shape)})")
    d0, d1 = (S._norm_dim(d, x.ndim, "linalg.matrix_norm") for d in dim)
    if ord == "fro":
        return C.norm(x, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} needs singular values, which glassgrad does not "
                                  "compute; 'fro', 1, -1, inf and -inf are supported")
    if ord not in (1, -1, float("inf"), -float("inf")):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    summed, over = (d0, d1) if abs(ord) == 1 else (d1, d0)
    sums = R.sum(E.abs(x), summed, True)
    out = (R.amax if ord > 0 else R.amin)(sums, over, True)
    return out if keepdim else S.squeeze(out, (d0, d1))


def norm(x: Any, ord: Any = None, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A002
    """linalg.norm: a vector norm over one dim (or all elements), a matrix norm over two."""
    if ord is None:
        return matrix_norm(x, "fro", dim, keepdim) if dim is not None and not isinstance(dim, int) and \
            len(dim) == 2 else vector_norm(x, 2, dim, keepdim)
    if dim is None:
        if x.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                               f"{x.ndim}D.")
        dim = (-2, -1) if x.ndim == 2 else -1
    return vector_norm(x, ord, dim, keepdim) if isinstance(dim, int) or len(dim) == 1 else \
        matrix_norm(x, ord, dim, keepdim)


def cdist(x1: Any, x2: Any, p: float = 2.0) -> Any:
    """The p-norm distance of every row of x1 to every row of x2 (batched): (…, P, M), (…, R, M) → (…, P, R).
    (Where two rows coincide PyTorch's p = 2 gradient is 0; here it is NaN, as that of a norm at 0.)"""
    for name, t in (("X1", x1), ("X2", x2)):
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"cdist: X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: "
                           f"{x2.shape[-1]} (shapes {list(x1.shape)} and {list(x2.shape)})")
    return C.norm(S.unsqueeze(x1, -2) - S.unsqueeze(x2, -3), p, -1)
