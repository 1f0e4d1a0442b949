"""Every op of the table, one machinery: values and gradients vs PyTorch, gradcheck and gradgradcheck in float64.

Each `Case` is an expression written once against a namespace `m` (glassgrad, or PyTorch through `TorchNS`),
applied to float64 arrays that all require grad. Inputs keep away from kinks (0 for abs/relu, clamp bounds,
ties for max) so central differences are meaningful; ties and boundaries have their own tests in
test_autograd.py. Non-contiguous variants (Fortran-ordered and strided views of the same values) are derived
from every case automatically.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812
from hypothesis import given
from hypothesis import strategies as st

import glassgrad as gg
from glassgrad.ops.recurrent import lstm_cell
from glassgrad.ops.shape import add_at
from glassgrad.ops.table import TABLE

# ------------------------------------------------------------------------------------------- machinery


class TorchNS:
    """PyTorch under glassgrad's flat names (gg.gelu is torch.nn.functional.gelu)."""

    _functional = {"leaky_relu", "gelu", "softplus", "pad", "linear", "one_hot"}

    def __getattr__(self, name: str) -> Any:
        return getattr(F if name in self._functional else torch, name)


TH = TorchNS()

# names the cases may use that are not table entries: composites built from table ops
COMPOSITES = {"var", "std", "flatten", "squeeze", "unsqueeze", "view", "broadcast_to", "split", "chunk", "T", "mT",
              "square", "operators", "max_all", "min_all", "t", "mm", "bmm", "dot", "outer", "norm", "gather",
              "scatter", "scatter_add", "index_select", "sort", "topk", "median", "masked_fill", "flip", "roll",
              "repeat", "repeat_interleave", "tril", "triu", "unbind", "hstack", "vstack", "movedim", "unflatten",
              "frac", "reciprocal", "rsqrt", "clamp_min", "clamp_max", "deg2rad", "rad2deg", "float_power", "lerp",
              "addcmul", "addcdiv", "negative", "sgn", "positive", "cummax", "cummin", "aminmax", "nansum",
              "nanmean", "std_mean", "var_mean", "kthvalue", "mode", "quantile", "nanquantile",
              "narrow", "select", "masked_select", "tile", "swapaxes", "flipud", "fliplr", "rot90", "ravel", "take",
              "tensor_split", "hsplit", "meshgrid", "diff", "unfold", "index_add", "index_copy", "index_fill",
              "diag_embed", "column_stack", "dstack", "atleast_3d", "broadcast_tensors",
              "scatter_reduce", "index_put",
              "addmm", "addmv", "addbmm", "baddbmm", "addr", "diag", "diagonal", "trace", "cross", "kron", "tensordot",
              "inner", "matrix_power", "linalg.norm", "cdist"}


@dataclass
class Case:
    op: str
    fn: Callable  # fn(m, *tensors) on either namespace
    arrays: tuple  # float64 arrays, every one requires grad
    th: Callable | None = None  # a different PyTorch expression, when the names differ
    gradgrad: bool = True
    check: dict = field(default_factory=dict)  # gradcheck keyword arguments
    tol: float = 1e-9
    label: str = ""

    @property
    def id(self) -> str:
        shapes = ",".join("x".join(map(str, a.shape)) or "0d" for a in self.arrays)
        return f"{self.op}[{self.label}]({shapes})" if self.label else f"{self.op}({shapes})"

    def gg(self, *xs: Any) -> Any:
        return self.fn(gg, *xs)

    def torch(self, *xs: Any) -> Any:
        return (self.th or self.fn)(TH, *xs)


def rand(seed: int, shape: tuple, low: float = -2.0, high: float = 2.0, avoid: tuple = (), gap: float = 0.1):
    """Uniform values in [low, high), none within `gap` of a point in `avoid` (a kink of the op)."""
    r = np.random.default_rng(seed)
    x = r.uniform(low, high, shape)
    for p in avoid:
        near = np.abs(x - p) < gap
        x = np.where(near, p + np.where(x >= p, gap, -gap) * 2, x)
    return np.asarray(x, dtype=np.float64)


def distinct(seed: int, shape: tuple, spacing: float = 0.3) -> np.ndarray:
    """Values with no ties, at least `spacing` apart (for max/min)."""
    r = np.random.default_rng(seed)
    n = int(np.prod(shape, dtype=np.int64))
    return ((r.permutation(n) - n / 2) * spacing + r.uniform(0, 0.05)).reshape(shape).astype(np.float64)


def on_grid(seed: int, shape: tuple, offset: float) -> np.ndarray:
    """Values on a 0.1-grid shifted by `offset`: two grids with different offsets never tie."""
    return np.asarray(np.round(rand(seed, shape) * 10) / 10 + offset)


def fortran(a: np.ndarray) -> np.ndarray:
    """The same values, column-major: not C-contiguous."""
    return np.asfortranarray(a) if a.ndim >= 2 else a


def strided(a: np.ndarray) -> np.ndarray:
    """The same values as a view with stride 2 on the last axis of a bigger array."""
    if a.ndim == 0:
        return a
    big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],))
    big[..., ::2] = a
    return big[..., ::2]


SHAPES_1 = [(), (1,), (4,), (2, 3), (3, 1, 2)]
PAIRS = [((), ()), ((3,), ()), ((), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((1,), (2, 2)), ((2, 3), (2, 3)),
         ((4, 1, 3), (2, 1))]


def unary(op: str, fn: Callable, low: float = -2.0, high: float = 2.0, avoid: tuple = (), th: Callable | None = None,
          label: str = "", **kw: Any) -> list[Case]:
    return [Case(op, fn, (rand(k, s, low, high, avoid),), th=th, label=label, **kw) for k, s in enumerate(SHAPES_1)]


def binary(op: str, fn: Callable, gen_a: Callable, gen_b: Callable, **kw: Any) -> list[Case]:
    return [Case(op, fn, (gen_a(10 + k, sa), gen_b(20 + k, sb)), **kw) for k, (sa, sb) in enumerate(PAIRS)]


def reductions(op: str, fn: Callable, dims: list, gen: Callable = rand, shapes: tuple = ((2, 3, 2),),
               **kw: Any) -> list[Case]:
    """`fn(m, x, dim, keepdim)` for every dim in `dims` (None, ints, negative ints, tuples) and keepdim."""
    out = []
    for k, (shape, dim, keep) in enumerate(itertools.product(shapes, dims, (False, True))):
        out.append(Case(op, lambda m, x, d=dim, kd=keep: fn(m, x, d, kd), (gen(30 + k, shape),),
                        label=f"dim={dim},keepdim={keep}", **kw))
    return out


def sym_setitem(m: Any, a: Any, b: Any, index: Any) -> Any:
    if m is gg:
        return gg.setitem(a, index, b)
    y = a.clone()
    y[index] = b
    return y


def sym_add_at(m: Any, g: Any, shape: tuple, index: Any) -> Any:
    if m is gg:
        return add_at(g, shape, index)
    z = torch.zeros(shape, dtype=g.dtype)
    if isinstance(index, tuple) and all(isinstance(i, np.ndarray) for i in index):
        return z.index_put(tuple(torch.as_tensor(i) for i in index), g, accumulate=True)
    if isinstance(index, np.ndarray):
        return z.index_put((torch.as_tensor(index),), g, accumulate=True)
    z[index] = g
    return z


def nnf(m: Any) -> Any:
    """torch.nn.functional or glassgrad.nn.functional."""
    return m.nn.functional


def torch_lstm_cell(m: Any, xw: Any, hw: Any, c: Any) -> tuple:
    """The LSTM step composed of torch ops (PyTorch's gate order i, f, g, o)."""
    i, f, g, o = (xw + hw).chunk(4, -1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def well(seed: int, shape: tuple) -> np.ndarray:
    """Matrices far from singular (3·I plus small noise), for inverses and solves."""
    return rand(seed, shape, -0.5, 0.5) + 3 * np.eye(shape[-1])


pos = lambda k, s: rand(k, s, 0.3, 2.0)  # noqa: E731
nonzero = lambda k, s: rand(k, s, -2.0, 2.0, avoid=(0.0,), gap=0.3)  # noqa: E731
anyv = rand
COND = np.array([[True, False, True], [False, False, True]])
IDX = np.array([2, 0, 2, 1])  # repeated index: gradients add up


def with_nans(m: Any, x: Any) -> Any:
    """x with NaN where COND holds: what nansum, nanmean and nanquantile skip (their gradient there is 0)."""
    return x.masked_fill(m.tensor(COND), float("nan"))


CASES: list[Case] = [
    # ---------------------------------------------------------------------------------- elementwise
    *binary("add", lambda m, a, b: m.add(a, b), anyv, anyv),
    *binary("sub", lambda m, a, b: a - b, anyv, anyv),
    *binary("mul", lambda m, a, b: a * b, anyv, anyv),
    *binary("div", lambda m, a, b: a / b, anyv, nonzero),
    *binary("pow", lambda m, a, b: m.pow(a, b), pos, anyv),
    *binary("maximum", lambda m, a, b: m.maximum(a, b), lambda k, s: on_grid(k, s, 0.025),
            lambda k, s: on_grid(k, s, 0.075)),
    *binary("minimum", lambda m, a, b: m.minimum(a, b), lambda k, s: on_grid(k, s, 0.025),
            lambda k, s: on_grid(k, s, 0.075)),
    *binary("remainder", lambda m, a, b: a % b, anyv, lambda k, s: np.asarray(rand(k, s, 0.7, 1.3) * np.where(
        rand(k + 1, s) > 0, 1, -1))),
    Case("remainder", lambda m, a: m.remainder(a, 0.75), (rand(1, (2, 3)),), label="scalar"),
    *unary("sign", lambda m, a: m.sign(a) * a, avoid=(0.0,)),
    *unary("round", lambda m, a: m.round(a) + a, avoid=(-1.5, -0.5, 0.5, 1.5)),
    Case("round", lambda m, a: a.round(decimals=1) * a, (rand(1, (2, 3)),), label="decimals"),
    *unary("floor", lambda m, a: m.floor(a) * a, avoid=(-1.0, 0.0, 1.0)),
    *unary("ceil", lambda m, a: a.ceil() * a, avoid=(-1.0, 0.0, 1.0)),
    *unary("trunc", lambda m, a: m.trunc(a) + a, avoid=(-1.0, 0.0, 1.0)),
    *unary("frac", lambda m, a: m.frac(a) * a, avoid=(-1.0, 0.0, 1.0)),
    *unary("reciprocal", lambda m, a: m.reciprocal(a), avoid=(0.0,)),
    *unary("rsqrt", lambda m, a: a.rsqrt(), 0.3, 2.0),
    *unary("square", lambda m, a: m.square(a), label="square()"),
    *unary("clamp_min", lambda m, a: m.clamp_min(a, 0.25), avoid=(0.25,)),
    *unary("clamp_max", lambda m, a: a.clamp_max(-0.25), avoid=(-0.25,)),
    *unary("pow", lambda m, a: a**3, label="x**3"),
    *unary("pow", lambda m, a: a**2.5, 0.3, 2.0, label="x**2.5"),
    *unary("pow", lambda m, a: 2.0**a, label="2**x"),
    *unary("pow", lambda m, a: a**0, label="x**0"),
    *unary("neg", lambda m, a: -a),
    *unary("abs", lambda m, a: m.abs(a), avoid=(0.0,)),
    *unary("exp", lambda m, a: m.exp(a)),
    *unary("log", lambda m, a: m.log(a), 0.2, 3.0),
    *unary("log1p", lambda m, a: m.log1p(a), -0.6, 2.0),
    *unary("log2", lambda m, a: m.log2(a), 0.3, 3.0),
    *unary("log10", lambda m, a: m.log10(a), 0.3, 3.0),
    *unary("expm1", lambda m, a: m.expm1(a), -2.0, 2.0),
    *unary("tan", lambda m, a: m.tan(a), -1.2, 1.2),
    *unary("sinh", lambda m, a: m.sinh(a), -2.0, 2.0),
    *unary("cosh", lambda m, a: m.cosh(a), -2.0, 2.0),
    *unary("exp2", lambda m, a: m.exp2(a)),
    *unary("asin", lambda m, a: m.asin(a), -0.9, 0.9),
    *unary("acos", lambda m, a: m.acos(a), -0.9, 0.9),
    *unary("atan", lambda m, a: m.atan(a), -3.0, 3.0),
    *unary("asinh", lambda m, a: m.asinh(a), -3.0, 3.0),
    *unary("acosh", lambda m, a: m.acosh(a), 1.1, 3.0),
    *unary("atanh", lambda m, a: m.atanh(a), -0.9, 0.9),
    Case("asin", lambda m, a: a.arcsin() + m.arccos(a) * m.arctan(a), (rand(1, (2, 3), -0.9, 0.9),), label="arc*"),
    Case("asinh", lambda m, a: m.arcsinh(a) + a.arccosh() * m.arctanh(a - 1.5), (rand(1, (2, 3), 1.1, 2.4),),
         label="arc*"),
    *unary("logit", lambda m, a: m.logit(a), 0.1, 0.9),
    *unary("logit", lambda m, a: a.logit(eps=0.25), 0.05, 0.95, avoid=(0.25, 0.75), label="eps"),
    *binary("atan2", lambda m, a, b: m.atan2(a, b), anyv, nonzero),
    Case("atan2", lambda m, a, b: a.arctan2(b), (rand(1, (2, 3)), rand(2, (3,), avoid=(0.0,))), label="arctan2"),
    *binary("hypot", lambda m, a, b: m.hypot(a, b), anyv, nonzero),
    *binary("logaddexp", lambda m, a, b: m.logaddexp(a, b), anyv, anyv),
    *binary("logaddexp2", lambda m, a, b: a.logaddexp2(b), anyv, anyv),
    *binary("xlogy", lambda m, a, b: m.xlogy(a, b), anyv, pos),
    Case("xlogy", lambda m, a, b: m.xlogy(a * m.tensor(np.array([[0.0, 1, 0], [1, 0, 1]]), dtype=a.dtype), b),
         (rand(1, (2, 3)), rand(2, (2, 3), 0.3, 2.0)), label="x=0"),
    *binary("copysign", lambda m, a, b: m.copysign(a, b), nonzero, nonzero),
    *binary("fmod", lambda m, a, b: m.fmod(a, b), anyv, lambda k, s: np.asarray(rand(k, s, 0.7, 1.3) * np.where(
        rand(k + 1, s) > 0, 1, -1))),
    Case("fmod", lambda m, a: a.fmod(0.75), (rand(3, (2, 3)),), label="scalar"),
    *binary("fmax", lambda m, a, b: m.fmax(a, b), lambda k, s: on_grid(k, s, 0.025), lambda k, s: on_grid(k, s, 0.075)),
    *binary("fmin", lambda m, a, b: a.fmin(b), lambda k, s: on_grid(k, s, 0.025), lambda k, s: on_grid(k, s, 0.075)),
    *unary("sinc", lambda m, a: m.sinc(a), -2.5, 2.5),
    *unary("nan_to_num", lambda m, a: m.nan_to_num(a) * a),
    *unary("deg2rad", lambda m, a: m.deg2rad(a) * a),
    *unary("rad2deg", lambda m, a: a.rad2deg()),
    *binary("float_power", lambda m, a, b: m.float_power(a, b), pos, anyv),
    Case("float_power", lambda m, a: a.float_power(3), (rand(1, (2, 3)),), label="scalar"),
    Case("lerp", lambda m, a, b, w: m.lerp(a, b, w), (rand(1, (2, 3)), rand(2, (3,)), rand(3, (2, 1)))),
    Case("lerp", lambda m, a, b: a.lerp(b, 0.3), (rand(1, ()), rand(2, (2, 1))), label="scalar weight"),
    Case("addcmul", lambda m, x, a, b: m.addcmul(x, a, b, value=-0.5), (rand(1, (2, 3)), rand(2, (3,)),
                                                                           rand(3, (2, 1)))),
    Case("addcmul", lambda m, x, a, b: x.addcmul(a, b), (rand(1, ()), rand(2, (1,)), rand(3, (2, 2))), label="value=1"),
    Case("addcdiv", lambda m, x, a, b: m.addcdiv(x, a, b, value=2.0), (rand(1, (2, 3)), rand(2, (3,)),
                                                                          nonzero(3, (2, 1)))),
    Case("addcdiv", lambda m, x, a, b: x.addcdiv(a, b), (rand(1, (1,)), rand(2, ()), nonzero(3, (2, 2))),
         label="value=1"),
    *unary("negative", lambda m, a: m.negative(a) * a.negative()),
    *unary("sgn", lambda m, a: m.sgn(a) * a, avoid=(0.0,)),
    *unary("positive", lambda m, a: m.positive(a) * a.positive()),
    *unary("sqrt", lambda m, a: m.sqrt(a), 0.2, 3.0),
    *unary("sin", lambda m, a: m.sin(a)),
    *unary("cos", lambda m, a: m.cos(a)),
    *unary("tanh", lambda m, a: m.tanh(a)),
    *unary("sigmoid", lambda m, a: m.sigmoid(a), -6.0, 6.0),
    *unary("erf", lambda m, a: m.erf(a)),
    *unary("erfc", lambda m, a: m.erfc(a)),
    Case("erfc", lambda m, a: a.erfc(), (rand(1, (3,), 3.0, 6.0),), label="tail"),
    *unary("relu", lambda m, a: m.relu(a), avoid=(0.0,)),
    *unary("leaky_relu", lambda m, a: m.leaky_relu(a, 0.2), avoid=(0.0,)),
    *unary("leaky_relu", lambda m, a: m.leaky_relu(a), avoid=(0.0,), label="default slope"),
    *unary("gelu", lambda m, a: m.gelu(a), -3.0, 3.0),
    *unary("gelu", lambda m, a: m.gelu(a, approximate="tanh"), -3.0, 3.0, label="tanh"),
    *unary("softplus", lambda m, a: m.softplus(a)),
    *unary("softplus", lambda m, a: m.softplus(a, beta=2.0, threshold=1.0), avoid=(0.5,), label="beta,threshold"),
    *unary("clamp", lambda m, a: m.clamp(a, -0.5, 0.7), avoid=(-0.5, 0.7)),
    *unary("clamp", lambda m, a: m.clamp(a, min=0.3), avoid=(0.3,), label="min"),
    *unary("clamp", lambda m, a: m.clamp(a, max=-0.3), avoid=(-0.3,), label="max"),
    *unary("to", lambda m, a: a.to(m.float32).to(m.float64), check={"eps": 1e-3, "atol": 1e-3}, tol=1e-6,
           gradgrad=False, label="f64->f32->f64"),
    Case("to", lambda m, a: a.to(m.float32) * 3, (rand(1, (2, 3)),), check={"eps": 1e-3, "atol": 1e-2}, tol=1e-6,
         gradgrad=False, label="f32 out"),
    # ---------------------------------------------------------------------------------- activations (ops/activation.py)
    *unary("elu", lambda m, a: m.nn.functional.elu(a), avoid=(0.0,)),
    *unary("elu", lambda m, a: m.nn.functional.elu(a, alpha=0.5), avoid=(0.0,), label="alpha"),
    *unary("silu", lambda m, a: m.nn.functional.silu(a), -4.0, 4.0),
    *unary("mish", lambda m, a: m.nn.functional.mish(a), -4.0, 4.0),
    *unary("hardtanh", lambda m, a: m.nn.functional.hardtanh(a), avoid=(-1.0, 1.0)),
    *unary("hardtanh", lambda m, a: m.nn.functional.relu6(a * 4), -1.0, 2.0, avoid=(0.0, 1.5), label="relu6"),
    *unary("hardtanh", lambda m, a: m.nn.functional.hardtanh(a, -0.5, 0.3), avoid=(-0.5, 0.3), label="bounds"),
    *unary("logsigmoid", lambda m, a: m.nn.functional.logsigmoid(a), -6.0, 6.0),
    *unary("softsign", lambda m, a: m.nn.functional.softsign(a), avoid=(0.0,)),
    Case("prelu", lambda m, x, w: m.nn.functional.prelu(x, w), (nonzero(1, (2, 3, 2)), rand(2, (3,))),
         label="per channel"),
    Case("prelu", lambda m, x, w: m.nn.functional.prelu(x, w), (nonzero(1, (4, 3)), rand(2, (1,))), label="shared"),
    Case("prelu", lambda m, x, w: m.nn.functional.prelu(x, w), (nonzero(1, (5,)), rand(2, (1,))), label="1d"),
    Case("prelu", lambda m, x, w: m.nn.functional.prelu(x, w), (nonzero(1, (2, 1)), rand(2, (1,))), label="size-1"),
    Case("where", lambda m, a, b: m.where(m.tensor(COND), a, b), (rand(1, (2, 3)), rand(2, (2, 3)))),
    Case("where", lambda m, a, b: m.where(m.tensor(COND), a, b), (rand(1, (3,)), rand(2, (2, 1))),
         label="broadcast"),
    Case("where", lambda m, a, b: m.where(m.tensor(COND[0, 0]), a, b), (rand(1, ()), rand(2, ())), label="0d"),
    Case("operators", lambda m, a: (2.0 - a) * 3 + 1 / (a + 5) - a / 4 + 2**a + a**2, (rand(3, (2, 2)),),
         label="reflected scalars"),
    # ---------------------------------------------------------------------------------- reductions
    *reductions("sum", lambda m, x, d, k: x.sum(d, keepdim=k) if d is not None else x.sum(), [None, 0, -1, (0, 2),
                                                                                              (-1, 1)]),
    Case("sum", lambda m, x: x.sum(), (rand(1, ()),), label="0d"),
    Case("sum", lambda m, x: x.sum(-1), (rand(1, ()),), label="0d dim=-1"),
    *reductions("mean", lambda m, x, d, k: x.mean(d, keepdim=k) if d is not None else x.mean(), [None, 1, -2,
                                                                                                 (0, -1)]),
    Case("mean", lambda m, x: x.mean(), (rand(1, ()),), label="0d"),
    *reductions("amax", lambda m, x, d, k: m.amax(x, d, keepdim=k), [0, -1, (0, 2)], gen=distinct),
    *reductions("amin", lambda m, x, d, k: m.amin(x, d, keepdim=k), [1, -2, (1, 2)], gen=distinct),
    Case("amax", lambda m, x: m.amax(x), (distinct(1, (3, 2)),), label="all"),
    Case("amax", lambda m, x: m.amax(x), (rand(1, ()),), label="0d"),
    Case("max_all", lambda m, x: m.max(x), (distinct(1, (3, 2)),)),
    Case("min_all", lambda m, x: x.min(), (distinct(2, (2, 1, 3)),)),
    *reductions("max", lambda m, x, d, k: m.max(x, d, keepdim=k).values, [0, 2, -1], gen=distinct),
    *reductions("min", lambda m, x, d, k: x.min(d, keepdim=k).values, [1, -3], gen=distinct),
    Case("max", lambda m, x: m.max(x, 0).values, (rand(1, ()),), label="0d"),
    Case("max", lambda m, x: m.max(x, -1).values, (distinct(1, (1,)),), label="size-1"),
    *reductions("logsumexp", lambda m, x, d, k: m.logsumexp(x, d, keepdim=k), [0, -1, (0, 2)]),
    Case("logsumexp", lambda m, x: m.logsumexp(x, 0), (rand(1, ()),), label="0d"),
    *[Case("softmax", lambda m, x, d=d: m.softmax(x, d), (rand(5 + d, (2, 3, 2)),), label=f"dim={d}")
      for d in (0, 1, -1)],
    Case("softmax", lambda m, x: m.softmax(x, 0), (rand(1, ()),), label="0d"),
    Case("softmax", lambda m, x: m.softmax(x, -1), (rand(1, (3, 1)),), label="size-1"),
    *[Case("log_softmax", lambda m, x, d=d: m.log_softmax(x, d), (rand(6 + d, (2, 3, 2)),), label=f"dim={d}")
      for d in (0, -2, -1)],
    Case("log_softmax", lambda m, x: m.log_softmax(x, -1), (rand(1, (4,)),), label="1d"),
    *reductions("var", lambda m, x, d, k: m.var(x, d, keepdim=k), [None, 0, -1, (0, 2)]),
    Case("var", lambda m, x: m.var(x, 1, correction=0), (rand(1, (2, 3)),), label="correction=0"),
    *reductions("std", lambda m, x, d, k: m.std(x, d, keepdim=k), [None, -1, (1, 2)]),
    Case("std", lambda m, x: m.std(x, 0, correction=0), (rand(1, (3, 2)),), label="correction=0"),
    # ---------------------------------------------------------------------------------- shapes
    Case("reshape", lambda m, x: x.reshape(3, -1), (rand(1, (2, 3)),)),
    Case("reshape", lambda m, x: m.reshape(x, (1, 2, 1, 3)), (rand(1, (6,)),), label="size-1"),
    Case("reshape", lambda m, x: x.reshape(()), (rand(1, (1, 1)),), label="to 0d"),
    Case("view", lambda m, x: x.view(2, 1, 3), (rand(1, (6,)),)),
    Case("flatten", lambda m, x: m.flatten(x, 1), (rand(1, (2, 3, 2)),)),
    Case("flatten", lambda m, x: x.flatten(), (rand(1, ()),), label="0d"),
    Case("squeeze", lambda m, x: x.squeeze(), (rand(1, (1, 3, 1)),)),
    Case("squeeze", lambda m, x: x.squeeze(-1), (rand(1, (1, 3, 1)),), label="dim=-1"),
    Case("unsqueeze", lambda m, x: x.unsqueeze(-1), (rand(1, (2, 3)),)),
    Case("unsqueeze", lambda m, x: x.unsqueeze(0), (rand(1, ()),), label="0d"),
    Case("transpose", lambda m, x: x.transpose(0, 1), (rand(1, (2, 3)),)),
    Case("transpose", lambda m, x: m.transpose(x, -1, -3), (rand(1, (2, 3, 4)),), label="negative"),
    Case("T", lambda m, x: x.T, (rand(1, (2, 3)),)),
    Case("mT", lambda m, x: x.mT, (rand(1, (2, 3, 1)),)),
    Case("permute", lambda m, x: x.permute(2, 0, 1), (rand(1, (2, 3, 4)),)),
    Case("permute", lambda m, x: m.permute(x, (-1, 0, -2)), (rand(1, (2, 1, 3)),), label="negative"),
    Case("expand", lambda m, x: x.expand(2, 3), (rand(1, (1, 3)),)),
    Case("expand", lambda m, x: x.expand(4, -1, 2), (rand(1, (3, 1)),), label="-1, new dims"),
    Case("expand", lambda m, x: x.expand(2, 2), (rand(1, ()),), label="0d"),
    Case("broadcast_to", lambda m, x: m.broadcast_to(x, (2, 3, 3)), (rand(1, (3, 1)),)),
    Case("getitem", lambda m, x: x[1], (rand(1, (3, 2)),), label="int"),
    Case("getitem", lambda m, x: x[-1, 1:], (rand(1, (3, 3)),), label="negative int, slice"),
    Case("getitem", lambda m, x: x[::2, None, ..., 1], (rand(1, (5, 2, 3)),), label="step, None, ellipsis"),
    Case("getitem", lambda m, x: x[m.tensor(IDX)], (rand(1, (3, 2)),), label="repeated int array"),
    Case("getitem", lambda m, x: x[:, m.tensor(IDX)], (rand(1, (2, 3)),), label="int array dim 1"),
    Case("getitem", lambda m, x: x[m.tensor(COND)], (rand(1, (2, 3)),), label="bool mask"),
    Case("getitem", lambda m, x: x[m.tensor(np.array([0, 1])), m.tensor(np.array([2, 0]))], (rand(1, (2, 3)),),
         label="two int arrays"),
    Case("split", lambda m, x: m.split(x, 2, -1), (rand(1, (2, 5)),)),
    Case("split", lambda m, x: x.split([1, 2], 0), (rand(1, (3, 2)),), label="sections"),
    Case("chunk", lambda m, x: m.chunk(x, 2, 1), (rand(1, (2, 3)),)),
    Case("cat", lambda m, a, b, c: m.cat([a, b, c], 0), (rand(1, (1, 3)), rand(2, (2, 3)), rand(3, (1, 3)))),
    Case("cat", lambda m, a, b: m.cat([a, b], -1), (rand(1, (2, 1)), rand(2, (2, 3))), label="dim=-1"),
    Case("cat", lambda m, a: m.cat([a], 0), (rand(1, (3,)),), label="one"),
    Case("stack", lambda m, a, b: m.stack([a, b]), (rand(1, (2, 3)), rand(2, (2, 3)))),
    Case("stack", lambda m, a, b, c: m.stack([a, b, c], -1), (rand(1, (2,)), rand(2, (2,)), rand(3, (2,))),
         label="dim=-1"),
    Case("stack", lambda m, a, b: m.stack([a, b], 0), (rand(1, ()), rand(2, ())), label="0d"),
    Case("pad", lambda m, x: m.pad(x, (1, 2)), (rand(1, (2, 3)),)),
    Case("pad", lambda m, x: m.pad(x, (0, 1, 2, 0), value=1.5), (rand(1, (2, 3)),), label="2 dims, value"),
    Case("setitem", lambda m, a, b: sym_setitem(m, a, b, (1,)), (rand(1, (3, 2)), rand(2, (2,)))),
    Case("setitem", lambda m, a, b: sym_setitem(m, a, b, (slice(None), slice(0, 2))), (rand(1, (2, 3)), rand(2, ())),
         label="broadcast value"),
    Case("setitem", lambda m, a, b: sym_setitem(m, a, b, np.array([0, 2])), (rand(1, (3, 2)), rand(2, (2, 2))),
         label="int array"),
    Case("setitem", lambda m, a, b: sym_setitem(m, a, b, COND), (rand(1, (2, 3)), rand(2, (1,))), label="bool mask"),
    Case("add_at", lambda m, g: sym_add_at(m, g, (3, 2), (1,)), (rand(1, (2,)),)),
    Case("add_at", lambda m, g: sym_add_at(m, g, (3, 2), IDX), (rand(1, (4, 2)),), label="repeated"),
    Case("add_at", lambda m, g: sym_add_at(m, g, (2, 3), (np.array([0, 1, 1]), np.array([2, 0, 0]))),
         (rand(1, (3,)),), label="two int arrays, repeated"),
    # ---------------------------------------------------------------------------------- linear algebra
    Case("matmul", lambda m, a, b: a @ b, (rand(1, (3,)), rand(2, (3,))), label="1d@1d"),
    Case("matmul", lambda m, a, b: a @ b, (rand(1, (3,)), rand(2, (3, 2))), label="1d@2d"),
    Case("matmul", lambda m, a, b: m.matmul(a, b), (rand(1, (2, 3)), rand(2, (3,))), label="2d@1d"),
    Case("matmul", lambda m, a, b: a @ b, (rand(1, (2, 3)), rand(2, (3, 4)))),
    Case("matmul", lambda m, a, b: a @ b, (rand(1, (1, 1)), rand(2, (1, 2))), label="size-1"),
    Case("matmul", lambda m, a, b: a @ b, (rand(1, (2, 2, 3)), rand(2, (3, 2))), label="batched"),
    Case("matmul", lambda m, a, b: a @ b, (rand(1, (2, 1, 2, 3)), rand(2, (3, 3, 2))), label="broadcast batch"),
    Case("matmul", lambda m, a, b: a @ b, (rand(1, (3,)), rand(2, (2, 3, 2))), label="1d@3d"),
    Case("matmul", lambda m, a, b: a @ b, (rand(1, (2, 2, 3)), rand(2, (3,))), label="3d@1d"),
    Case("linear", lambda m, x, w, b: m.linear(x, w, b), (rand(1, (4, 3)), rand(2, (2, 3)), rand(3, (2,)))),
    Case("linear", lambda m, x, w: m.linear(x, w), (rand(1, (4, 3)), rand(2, (2, 3))), label="no bias"),
    Case("linear", lambda m, x, w, b: m.linear(x, w, b), (rand(1, (2, 2, 3)), rand(2, (2, 3)), rand(3, (2,))),
         label="batch of batches"),
    Case("linear", lambda m, x, w, b: m.linear(x, w, b), (rand(1, (3,)), rand(2, (2, 3)), rand(3, (2,))),
         label="one sample"),
    Case("square", lambda m, x: x.square(), (rand(1, (3,)),)),
    # ------------------------------------------------------- PyTorch functions composed of table ops (composite.py)
    *[Case("cumsum", lambda m, x, d=d: x.cumsum(d), (rand(40 + d, (2, 3, 2)),), label=f"dim={d}") for d in (0, 1, -1)],
    Case("cumsum", lambda m, x: m.cumsum(x, 0), (rand(1, (1,)),), label="size-1"),
    *[Case("cumprod", lambda m, x, d=d: x.cumprod(d), (rand(50 + d, (2, 3, 2)),), label=f"dim={d}")
      for d in (0, 1, -1)],
    Case("cumprod", lambda m, x: m.cumprod(x, 0), (rand(1, (1,)),), label="size-1"),
    Case("cumprod", lambda m, x: m.cumprod(x, 0), (rand(1, ()),), label="0d"),
    # zeros: one, two in a row, first, last; the gradient is still defined there (PyTorch's, by the product rule)
    *[Case("cumprod", lambda m, x, z=z: m.cumprod(x * m.tensor(z, dtype=x.dtype), 1), (rand(k, z.shape),),
           label=f"zeros {k}")
      for k, z in enumerate([np.array([[1.0, 0, 1, 1], [0, 1, 1, 0]]), np.array([[1.0, 0, 0, 1], [1, 1, 1, 1]]),
                             np.array([[0.0, 1, 0, 1], [1, 1, 1, 0]])])],
    Case("cumprod", lambda m, x: m.cumprod(x * m.tensor(np.array([[1.0, 1], [0, 1], [1, 0]]), dtype=x.dtype), 0),
         (rand(4, (3, 2)),), label="zeros dim 0"),
    *reductions("prod", lambda m, x, d, k: x.prod(d, keepdim=k) if d is not None else x.prod(), [None, 0, -1]),
    Case("prod", lambda m, x: x.prod(), (rand(1, ()),), label="0d"),
    Case("prod", lambda m, x: m.prod(x * m.tensor(np.array([[0.0, 1, 1], [0, 0, 1]]), dtype=x.dtype), 1),
         (rand(1, (2, 3)),),
         gradgrad=False, label="zeros"),
    Case("einsum", lambda m, a, b: m.einsum("ij,jk->ik", a, b), (rand(1, (2, 3)), rand(2, (3, 4)))),
    Case("einsum", lambda m, a, b, c: m.einsum("bij,bjk,k->bi", a, b, c), (rand(1, (2, 1, 3)), rand(2, (2, 3, 2)),
                                                                            rand(3, (2,))), label="three, batch"),
    Case("einsum", lambda m, a, b: m.einsum("ij,k", a, b), (rand(1, (2, 3)), rand(2, (2,))), label="implicit outer"),
    Case("einsum", lambda m, a: m.einsum("ij->", a), (rand(1, (2, 3)),), label="sum"),
    Case("einsum", lambda m, a, b: m.einsum("ik,j->ij", a, b), (rand(1, (2, 3)), rand(2, (4,))), label="summed alone"),
    Case("t", lambda m, x: x.t(), (rand(1, (2, 3)),)),
    Case("mm", lambda m, a, b: a.mm(b), (rand(1, (2, 3)), rand(2, (3, 1)))),
    Case("bmm", lambda m, a, b: m.bmm(a, b), (rand(1, (2, 1, 3)), rand(2, (2, 3, 2)))),
    Case("dot", lambda m, a, b: m.dot(a, b), (rand(1, (3,)), rand(2, (3,)))),
    Case("outer", lambda m, a, b: m.outer(a, b), (rand(1, (3,)), rand(2, (2,)))),
    Case("norm", lambda m, x: x.norm(), (rand(1, (2, 3), avoid=(0.0,)),)),
    Case("norm", lambda m, x: m.norm(x, dim=1, keepdim=True), (rand(1, (2, 3)),), label="dim"),
    Case("norm", lambda m, x: x.norm(p=1, dim=0), (rand(1, (2, 3), avoid=(0.0,)),), label="p=1"),
    Case("norm", lambda m, x: x.norm(p=3), (rand(1, (4,), avoid=(0.0,)),), label="p=3"),
    Case("gather", lambda m, x: x.gather(1, m.tensor(np.array([[0, 2, 2], [1, 0, 1]]))), (rand(1, (2, 3)),)),
    Case("gather", lambda m, x: m.gather(x, 0, m.tensor(np.array([[1], [1]]))), (rand(1, (2, 1)),), label="size-1"),
    Case("scatter_add", lambda m, x, s: x.scatter_add(0, m.tensor(np.array([[0, 1, 0], [0, 1, 1]])), s),
         (rand(1, (2, 3)), rand(2, (2, 3)))),
    Case("scatter", lambda m, x, s: m.scatter(x, 0, m.tensor(np.array([[1, 0, 2], [0, 2, 1]])), s),
         (rand(1, (3, 3)), rand(2, (2, 3)))),
    Case("scatter", lambda m, x, s: x.scatter(1, m.tensor(np.array([[2], [0]])), s), (rand(1, (2, 3)), rand(2, (2, 1))),
         label="dim 1"),
    Case("scatter", lambda m, x: x.scatter(-1, m.tensor(np.array([[2, 0]])), 0.5), (rand(1, (2, 3)),), label="value"),
    Case("scatter", lambda m, x, s: m.scatter(x, 1, m.tensor(np.array([[0, 0], [2, 1]])), s, reduce="add"),
         (rand(1, (2, 3)), rand(2, (2, 2))), label="reduce=add",  # (PyTorch differentiates only its scatter_add form)
         th=lambda m, x, s: m.scatter_add(x, 1, m.tensor(np.array([[0, 0], [2, 1]])), s)),
    Case("scatter_add", lambda m, x, s: m.scatter_add(x, 1, m.tensor(np.array([[0, 0], [2, 2]])), s),
         (rand(1, (2, 3)), rand(2, (2, 2))), label="function, repeated"),
    Case("index_select", lambda m, x: x.index_select(1, m.tensor(np.array([2, 0, 2]))), (rand(1, (2, 3)),)),
    *[Case("scatter_reduce", lambda m, x, s, r=r, inc=inc: x.scatter_reduce(0, m.tensor(np.array([[0, 1, 0],
                                                                                              [0, 1, 2]])), s, r,
                                                                             include_self=inc),
           (distinct(k, (3, 3)), distinct(k + 1, (2, 3))), label=f"{r},include_self={inc}")
      for k, (r, inc) in enumerate(itertools.product(("sum", "prod", "mean", "amax", "amin"), (True, False)))],
    Case("scatter_reduce", lambda m, x, s: m.scatter_reduce(x, 1, m.tensor(np.array([[1, 1], [0, 2]])), s, "amax"),
         (distinct(1, (3, 4)), distinct(2, (2, 2))), label="dim 1, smaller index"),
    Case("index_put", lambda m, x, v: x.index_put((m.tensor(np.array([0, 1, 0])), m.tensor(np.array([2, 0, 1]))), v),
         (rand(1, (2, 3)), rand(2, (3,)))),
    Case("index_put", lambda m, x, v: m.index_put(x, (m.tensor(np.array([1, 1])),), v, accumulate=True),
         (rand(1, (3, 2)), rand(2, (2,))), label="accumulate"),
    *unary("contiguous", lambda m, a: (a.mT if a.ndim >= 2 else a * 1).contiguous()),
    Case("sort", lambda m, x: x.sort(1).values, (distinct(1, (2, 3)),)),
    Case("sort", lambda m, x: m.sort(x, 0, descending=True).values, (distinct(2, (3, 2)),), label="descending"),
    Case("topk", lambda m, x: x.topk(2).values, (distinct(1, (2, 4)),)),
    Case("median", lambda m, x: x.median(), (distinct(1, (2, 3)),)),
    Case("median", lambda m, x: m.median(x, 1).values, (distinct(1, (2, 4)),), label="dim"),
    Case("masked_fill", lambda m, x: x.masked_fill(m.tensor(COND), 0.5), (rand(1, (2, 3)),)),
    Case("flip", lambda m, x: x.flip(0), (rand(1, (2, 3)),)),
    Case("flip", lambda m, x: m.flip(x, (0, -1)), (rand(1, (2, 1, 3)),), label="two dims"),
    Case("roll", lambda m, x: x.roll(1, 1), (rand(1, (2, 3)),)),
    Case("roll", lambda m, x: m.roll(x, 2), (rand(1, (2, 3)),), label="flat"),
    Case("repeat", lambda m, x: x.repeat(2, 1, 3), (rand(1, (2, 1)),)),
    Case("repeat", lambda m, x: x.repeat(3), (rand(1, ()),), label="0d"),
    Case("repeat_interleave", lambda m, x: x.repeat_interleave(2, dim=1), (rand(1, (2, 3)),)),
    Case("tril", lambda m, x: x.tril(), (rand(1, (3, 3)),)),
    Case("triu", lambda m, x: m.triu(x, 1), (rand(1, (2, 2, 3)),)),
    Case("unbind", lambda m, x: x.unbind(1), (rand(1, (2, 3)),)),
    Case("hstack", lambda m, a, b: m.hstack([a, b]), (rand(1, (2, 1)), rand(2, (2, 3)))),
    Case("vstack", lambda m, a, b: m.vstack([a, b]), (rand(1, (3,)), rand(2, (2, 3)))),
    Case("movedim", lambda m, x: x.movedim(0, -1), (rand(1, (2, 3, 1)),)),
    Case("unflatten", lambda m, x: x.unflatten(1, (2, 3)), (rand(1, (2, 6)),)),
    # ------------------------------------------------------- statistics (ops/statistics.py, logcumsumexp)
    Case("cummax", lambda m, x: x.cummax(1).values, (distinct(1, (2, 4)),)),
    Case("cummax", lambda m, x: m.cummax(x, 0).values, (distinct(2, ()),), label="0d"),
    Case("cummin", lambda m, x: m.cummin(x, -3).values, (distinct(3, (3, 2, 2)),)),
    Case("aminmax", lambda m, x: m.aminmax(x), (distinct(1, (2, 3)),)),
    Case("aminmax", lambda m, x: x.aminmax(dim=1, keepdim=True), (distinct(2, (2, 3)),), label="dim"),
    Case("nansum", lambda m, x: m.nansum(with_nans(m, x)), (rand(1, (2, 3)),)),
    Case("nansum", lambda m, x: with_nans(m, x).nansum(1, keepdim=True), (rand(2, (2, 3)),), label="dim"),
    Case("nanmean", lambda m, x: m.nanmean(with_nans(m, x), 1), (rand(1, (2, 3)),)),
    Case("nanmean", lambda m, x: with_nans(m, x).nanmean(), (rand(2, (2, 3)),), label="all"),
    Case("std_mean", lambda m, x: m.std_mean(x, 1, keepdim=True), (rand(1, (2, 3)),)),
    Case("std_mean", lambda m, x: m.std_mean(x, unbiased=False), (rand(2, (4,)),), label="unbiased=False"),
    Case("var_mean", lambda m, x: m.var_mean(x, (0, 2), correction=0), (rand(1, (2, 3, 2)),)),
    Case("kthvalue", lambda m, x: x.kthvalue(2, 1).values, (distinct(1, (2, 4)),)),
    Case("kthvalue", lambda m, x: m.kthvalue(x, 3, 0, keepdim=True).values, (distinct(2, (3, 2)),), label="dim 0"),
    Case("mode", lambda m, x: x.mode(0).values, (distinct(1, (3, 2)),)),
    *[Case("quantile", lambda m, x, i=i: m.quantile(x, 0.35, dim=1, interpolation=i), (distinct(k, (2, 5)),),
           label=i) for k, i in enumerate(("linear", "lower", "higher", "midpoint", "nearest"))],
    Case("quantile", lambda m, x: x.quantile(x.new_tensor([0.0, 0.3, 1.0])), (distinct(1, (2, 3)),),
         label="q tensor, all"),
    Case("quantile", lambda m, x: m.quantile(x, x.new_tensor([0.25, 0.6]), 0, keepdim=True),
         (distinct(2, (3, 2)),), label="q tensor, keepdim"),
    Case("quantile", lambda m, x: m.quantile(x, 0.5, keepdim=True), (distinct(3, (2, 3)),), label="all, keepdim"),
    Case("nanquantile", lambda m, x: m.nanquantile(with_nans(m, x), 0.4, dim=1), (distinct(1, (2, 3)),)),
    *unary("logcumsumexp", lambda m, a: a.logcumsumexp(-1)),
    Case("logcumsumexp", lambda m, x: m.logcumsumexp(x * 30, 0), (rand(1, (4, 2)),), label="spread"),
    # ---------------------------------------------------------------------------------- conv, pooling, lookup
    *[Case("conv2d", lambda m, x, w, b, kw=kw: nnf(m).conv2d(x, w, b, **kw),
           (rand(k, xs), rand(k + 1, ws), rand(k + 2, bs)), label=",".join(f"{a}={v}" for a, v in kw.items()))
      for k, (xs, ws, bs, kw) in enumerate([
          ((2, 2, 5, 4), (3, 2, 3, 2), (3,), {}),
          ((1, 3, 5, 5), (2, 3, 2, 2), (2,), {"stride": 2}),
          ((2, 4, 6, 5), (4, 2, 3, 3), (4,), {"padding": 1, "groups": 2}),
          ((1, 2, 7, 6), (2, 1, 2, 3), (2,), {"stride": (2, 1), "padding": (1, 0), "dilation": (2, 1), "groups": 2}),
          ((2, 1, 4, 5), (2, 1, 2, 2), (2,), {"padding": "same"}),
          ((1, 2, 5, 5), (1, 2, 3, 3), (1,), {"padding": "same", "dilation": 2}),
      ])],
    Case("conv2d", lambda m, x, w: nnf(m).conv2d(x, w), (rand(1, (2, 3, 3)), rand(2, (2, 2, 2, 2))), label="unbatched"),
    *[Case("conv_transpose2d", lambda m, x, w, b, kw=kw: nnf(m).conv_transpose2d(x, w, b, **kw),
           (rand(k, xs), rand(k + 1, ws), rand(k + 2, bs)), label=",".join(f"{a}={v}" for a, v in kw.items()))
      for k, (xs, ws, bs, kw) in enumerate([
          ((2, 2, 3, 4), (2, 3, 2, 2), (3,), {}),
          ((1, 2, 3, 3), (2, 2, 3, 3), (2,), {"stride": 2, "padding": 1, "output_padding": 1}),
          ((1, 4, 3, 2), (4, 1, 2, 3), (2,), {"stride": (2, 1), "groups": 2, "dilation": (1, 2)}),
      ])],
    Case("max_pool2d", lambda m, x: nnf(m).max_pool2d(x, 2), (distinct(1, (2, 3, 4, 6)),)),
    Case("max_pool2d", lambda m, x: nnf(m).max_pool2d(x, 3, 2, 1), (distinct(2, (1, 2, 5, 6)),), label="overlap,pad"),
    Case("max_pool2d", lambda m, x: nnf(m).max_pool2d(x, (2, 3), (1, 2), dilation=(2, 1)), (distinct(3, (1, 1, 5, 7)),),
         label="dilation"),
    Case("max_pool2d", lambda m, x: nnf(m).max_pool2d(x, 2), (distinct(4, (3, 5, 4)),), label="unbatched,odd"),
    Case("embedding", lambda m, w: nnf(m).embedding(m.tensor(np.array([[0, 3, 3], [1, 0, 3]])), w), (rand(1, (5, 3)),)),
    *[Case("lstm_cell", lambda m, xw, hw, c: lstm_cell(xw, hw, c), (rand(k, (b, 8)), rand(k + 1, (b, 8)),
                                                                     rand(k + 2, (b, 2))), th=torch_lstm_cell)
      for k, b in enumerate((1, 3))],
    # ------------------------------------------------- slicing, tiling, splitting, index updates (ops/indexing.py)
    Case("narrow", lambda m, x: x.narrow(1, 1, 2), (rand(1, (2, 4)),)),
    Case("narrow", lambda m, x: m.narrow(x, -1, -2, 1), (rand(1, (3, 1, 3)),), label="negative"),
    Case("select", lambda m, x: x.select(1, -1), (rand(1, (2, 3)),)),
    Case("select", lambda m, x: m.select(x, 0, 0), (rand(1, (1,)),), label="to 0d"),
    Case("masked_select", lambda m, x: x.masked_select(m.tensor(COND)), (rand(1, (2, 3)),)),
    Case("masked_select", lambda m, x: m.masked_select(x, m.tensor(COND)), (rand(1, (1, 3)),), label="broadcast"),
    Case("masked_select", lambda m, x: m.masked_select(x, m.tensor(COND)), (rand(1, ()),), label="0d"),
    Case("tile", lambda m, x: x.tile((2,)), (rand(1, (2, 3)),)),
    Case("tile", lambda m, x: m.tile(x, (2, 1, 2)), (rand(1, (1, 3)),), label="more dims"),
    Case("tile", lambda m, x: m.tile(x, (3,)), (rand(1, ()),), label="0d"),
    Case("swapaxes", lambda m, x: x.swapaxes(0, -1), (rand(1, (2, 1, 3)),)),
    Case("swapaxes", lambda m, x: m.swapdims(x, 0, 1), (rand(1, (2, 3)),), label="swapdims"),
    Case("flipud", lambda m, x: m.flipud(x), (rand(1, (3,)),)),
    Case("fliplr", lambda m, x: x.fliplr(), (rand(1, (2, 3, 1)),)),
    *[Case("rot90", lambda m, x, k=k, d=d: m.rot90(x, k, d), (rand(k % 4, (2, 3, 1)),), label=f"k={k},dims={d}")
      for k, d in ((1, (0, 1)), (2, (1, 0)), (3, (0, 2)), (-1, (1, -1)), (0, (0, 1)))],
    Case("ravel", lambda m, x: x.ravel(), (rand(1, (2, 1, 3)),)),
    Case("ravel", lambda m, x: m.ravel(x), (rand(1, ()),), label="0d"),
    Case("take", lambda m, x: x.take(m.tensor(np.array([[5, 0], [-1, 5]]))), (rand(1, (2, 3)),)),
    Case("take", lambda m, x: m.take(x, m.tensor(np.array(0))), (rand(1, ()),), label="0d"),
    Case("tensor_split", lambda m, x: x.tensor_split(3, 1), (rand(1, (2, 4)),)),
    Case("tensor_split", lambda m, x: m.tensor_split(x, [1, 3, 2]), (rand(1, (4, 1)),), label="indices"),
    Case("hsplit", lambda m, x: m.hsplit(x, 2), (rand(1, (2, 4)),)),
    Case("hsplit", lambda m, x: x.vsplit([1]), (rand(1, (3, 2)),), label="vsplit"),
    Case("hsplit", lambda m, x: m.dsplit(x, 3), (rand(1, (1, 2, 3)),), label="dsplit"),
    Case("meshgrid", lambda m, a, b: m.meshgrid(a, b, indexing="ij"), (rand(1, (3,)), rand(2, (2,)))),
    Case("meshgrid", lambda m, a, b, c: m.meshgrid(a, b, c, indexing="xy"), (rand(1, (3,)), rand(2, ()), rand(3, (2,))),
         label="xy"),
    Case("diff", lambda m, x: x.diff(), (rand(1, (2, 4)),)),
    Case("diff", lambda m, x, p: m.diff(x, 2, 0, prepend=p), (rand(1, (3, 2)), rand(2, (1, 2))), label="n=2,prepend"),
    Case("diff", lambda m, x: m.diff(x, append=x), (rand(1, (1,)),), label="append"),
    Case("unfold", lambda m, x: x.unfold(1, 2, 1), (rand(1, (2, 4)),)),
    Case("unfold", lambda m, x: x.unfold(0, 2, 3), (rand(1, (5, 1, 2)),), label="step>size"),
    Case("unfold", lambda m, x: x.unfold(0, 1, 1), (rand(1, ()),), label="0d"),
    Case("index_add", lambda m, x, s: x.index_add(1, m.tensor(np.array([2, 0, 2])), s),
         (rand(1, (2, 3)), rand(2, (2, 3)))),
    Case("index_add", lambda m, x, s: m.index_add(x, 0, m.tensor(np.array([1])), s, alpha=-2.0),
         (rand(1, (2, 1)), rand(2, (1, 1))), label="alpha"),
    Case("index_copy", lambda m, x, s: x.index_copy(1, m.tensor(np.array([2, 0])), s),
         (rand(1, (2, 3)), rand(2, (2, 2)))),
    Case("index_copy", lambda m, x, s: m.index_copy(x, 0, m.tensor(np.array([1])), s),
         (rand(1, (2, 1)), rand(2, (1, 1))),
         label="size-1"),
    Case("index_fill", lambda m, x: x.index_fill(1, m.tensor(np.array([2, 0])), -0.5), (rand(1, (2, 3)),)),
    Case("index_fill", lambda m, x, v: m.index_fill(x, 0, m.tensor(np.array([1, 1])), v),
         (rand(1, (2, 3)), rand(2, ())),
         label="tensor value"),
    Case("diag_embed", lambda m, x: x.diag_embed(), (rand(1, (2, 3)),)),
    Case("diag_embed", lambda m, x: m.diag_embed(x, -1, 0, 2), (rand(1, (2, 3)),), label="offset,dims"),
    Case("column_stack", lambda m, a, b, c: m.column_stack([a, b, c]),
         (rand(1, (2,)), rand(2, (2, 3)), rand(3, (2, 1)))),
    Case("dstack", lambda m, a, b: m.dstack([a, b]), (rand(1, (3,)), rand(2, (1, 3)))),
    Case("dstack", lambda m, a, b: m.dstack([a, b]), (rand(1, ()), rand(2, ())), label="0d"),
    Case("atleast_3d", lambda m, a, b, c: m.atleast_3d(a, b, c), (rand(1, ()), rand(2, (3,)), rand(3, (2, 3)))),
    Case("atleast_3d", lambda m, a, b: m.atleast_2d([a, b]) + m.atleast_1d(a, b), (rand(1, ()), rand(2, (3,))),
         label="2d,1d"),
    Case("broadcast_tensors", lambda m, a, b, c: m.broadcast_tensors(a, b, c), (rand(1, (2, 1)), rand(2, (3,)),
                                                                                  rand(3, ()))),
    # ------------------------------------------ matrix functions (ops/matrix.py) and det, inverse, solve (linalg.py)
    Case("addmm", lambda m, x, a, b: m.addmm(x, a, b), (rand(1, (3,)), rand(2, (2, 4)), rand(3, (4, 3)))),
    Case("addmm", lambda m, x, a, b: x.addmm(a, b, beta=0.5, alpha=-2), (rand(1, (2, 1)), rand(2, (2, 3)),
                                                                            rand(3, (3, 1))), label="beta,alpha"),
    Case("addmm", lambda m, x, a, b: m.addmm(x, a, b, beta=0), (rand(1, ()), rand(2, (1, 3)), rand(3, (3, 2))),
         label="beta=0,0d"),
    Case("addmv", lambda m, x, a, v: m.addmv(x, a, v, alpha=3), (rand(1, (2,)), rand(2, (2, 3)), rand(3, (3,)))),
    Case("addbmm", lambda m, x, a, b: m.addbmm(x, a, b, beta=2), (rand(1, (2, 1)), rand(2, (3, 2, 4)),
                                                                  rand(3, (3, 4, 2)))),
    Case("baddbmm", lambda m, x, a, b: x.baddbmm(a, b, alpha=0.5), (rand(1, (2, 1, 2)), rand(2, (2, 3, 1)),
                                                                     rand(3, (2, 1, 2)))),
    Case("addr", lambda m, x, a, b: m.addr(x, a, b, beta=-1), (rand(1, (3, 2)), rand(2, (3,)), rand(3, (2,)))),
    Case("diag", lambda m, x: m.diag(x, 1), (rand(1, (3,)),)),
    Case("diag", lambda m, x: x.diag(-1), (rand(1, (3, 4)),), label="of a matrix"),
    Case("diagonal", lambda m, x: x.diagonal(1, 0, 2), (rand(1, (2, 3, 4)),)),
    Case("diagonal", lambda m, x: m.diagonal(x, -1), (rand(1, (3, 2)),), label="below"),
    Case("trace", lambda m, x: x.trace(), (rand(1, (3, 4)),)),
    Case("cross", lambda m, a, b: m.cross(a, b, dim=1), (rand(1, (1, 3)), rand(2, (4, 3)))),
    Case("cross", lambda m, a, b: m.linalg.cross(a, b), (rand(1, (2, 3)), rand(2, (2, 3))), label="linalg"),
    *[Case("kron", fn, arrays, label=label, th=lambda m, a, b: m.kron(a.contiguous(), b.contiguous()))  # (torch's
      for fn, arrays, label in ((lambda m, a, b: m.kron(a, b), (rand(1, (2, 3)), rand(2, (4,))), ""),  # kron views)
                                (lambda m, a, b: a.kron(b), (rand(1, (1, 2)), rand(2, (3, 1, 2))), "3d"))],
    Case("tensordot", lambda m, a, b: m.tensordot(a, b, 1), (rand(1, (2, 3)), rand(2, (3, 4)))),
    Case("tensordot", lambda m, a, b: m.tensordot(a, b, ([1, 0], [0, 2])), (rand(1, (2, 3, 1)), rand(2, (3, 4, 2))),
         label="lists"),
    Case("tensordot", lambda m, a, b: m.tensordot(a, b, 0), (rand(1, (2,)), rand(2, (3,))), label="outer"),
    Case("inner", lambda m, a, b: m.inner(a, b), (rand(1, (2, 3)), rand(2, (4, 3)))),
    Case("inner", lambda m, a, b: a.inner(b), (rand(1, ()), rand(2, (2,))), label="0d"),
    Case("matrix_power", lambda m, x: m.matrix_power(x, 3), (rand(1, (2, 2)),)),
    Case("matrix_power", lambda m, x: x.matrix_power(-2), (well(2, (2, 3, 3)),), label="inverse"),
    Case("det", lambda m, x: m.det(x), (rand(1, (3, 3)),)),
    Case("det", lambda m, x: m.linalg.det(x), (rand(2, (2, 1, 1)),), label="batch,1x1"),
    Case("logabsdet", lambda m, x: m.linalg.slogdet(x).logabsdet, (well(1, (3, 3)),)),
    Case("logabsdet", lambda m, x: x.slogdet()[1], (rand(2, (2, 2, 2)),), label="batch"),
    Case("inverse", lambda m, x: x.inverse(), (well(1, (3, 3)),)),
    Case("inverse", lambda m, x: m.linalg.inv(x), (well(2, (2, 2, 2)),), label="batch"),
    Case("solve", lambda m, a, b: m.linalg.solve(a, b), (well(1, (3, 3)), rand(2, (3, 2)))),
    Case("solve", lambda m, a, b: m.linalg.solve(a, b), (well(1, (2, 3, 3)), rand(2, (3, 1))), label="broadcast"),
    Case("solve", lambda m, a, b: m.linalg.solve(a, b), (well(1, (2, 2, 2)), rand(2, (2, 2))), label="vectors"),
    Case("solve", lambda m, a, b: m.linalg.solve(a, b), (well(1, (2, 2)), rand(2, (2,))), label="vector"),
    Case("linalg.norm", lambda m, x: m.linalg.vector_norm(x, 3, dim=(0, 2)), (rand(1, (2, 3, 2), avoid=(0.0,)),)),
    Case("linalg.norm", lambda m, x: m.linalg.matrix_norm(x), (rand(1, (2, 2, 3)),), label="fro"),
    Case("linalg.norm", lambda m, x: m.linalg.matrix_norm(x, 1), (rand(1, (3, 2)),), label="1"),
    Case("linalg.norm", lambda m, x: m.linalg.matrix_norm(x, -float("inf"), keepdim=True), (distinct(1, (2, 3, 2)),),
         label="-inf"),
    Case("linalg.norm", lambda m, x: m.linalg.norm(x), (rand(1, (2, 3)),), label="default"),
    Case("linalg.norm", lambda m, x: m.linalg.norm(x, 1, dim=(1, 0)), (distinct(1, (2, 3)),), label="dims"),
    Case("linalg.norm", lambda m, x: m.linalg.norm(x, float("inf")), (rand(1, (4,)),), label="vector inf"),
    Case("cdist", lambda m, a, b: m.cdist(a, b), (rand(1, (3, 2)), rand(2, (4, 2))), gradgrad=False),
    Case("cdist", lambda m, a, b: m.cdist(a, b, p=1), (rand(1, (2, 3, 2)), rand(2, (1, 2, 2))), label="p=1,batch",
         gradgrad=False),  # (PyTorch has no second derivative of cdist: this one compares with its formula)
    Case("cdist", lambda m, a, b: m.cdist(a, b), (rand(1, (3, 2)), rand(2, (4, 2))), label="second order",
         th=lambda m, a, b: (a.unsqueeze(-2) - b.unsqueeze(-3)).pow(2).sum(-1).sqrt()),
    # -------------------------------------------------------- fused losses (ops/loss.py; more in test_losses.py)
    Case("cross_entropy", lambda m, x: m.nn.functional.cross_entropy(x, m.tensor([0, 2, 1, 2]), label_smoothing=0.1),
         (rand(1, (4, 3)),)),
    Case("cross_entropy", lambda m, x, p: m.nn.functional.cross_entropy(x, p, reduction="none"),
         (rand(1, (2, 3)), rand(2, (2, 3), 0.0, 1.0)), label="soft targets"),
    Case("nll_loss", lambda m, x: m.nn.functional.nll_loss(x, m.tensor([1, 0, 1]), reduction="sum"),
         (rand(1, (3, 2)),)),
    Case("mse_loss", lambda m, a, b: m.nn.functional.mse_loss(a, b), (rand(1, (2, 3)), rand(2, (2, 3)))),
    Case("binary_cross_entropy_with_logits", lambda m, x, y: m.nn.functional.binary_cross_entropy_with_logits(x, y),
         (rand(1, (2, 3)), rand(2, (2, 3), 0.0, 1.0))),
    Case("binary_cross_entropy", lambda m, p, y: m.nn.functional.binary_cross_entropy(p, y, reduction="none"),
         (rand(1, (2, 3), 0.1, 0.9), rand(2, (2, 3), 0.0, 1.0))),
]


def _noncontiguous_variants(cases: list[Case]) -> list[Case]:
    """Each case again on Fortran-ordered and on strided views of the same values (first-order checks only)."""
    out = []
    for c in cases:
        if any(a.ndim >= 2 for a in c.arrays):
            out.append(replace(c, arrays=tuple(fortran(a) for a in c.arrays), label=f"{c.label} F-order".strip(),
                               gradgrad=False))
        if any(a.ndim >= 1 and a.shape[-1] > 1 for a in c.arrays):
            out.append(replace(c, arrays=tuple(strided(a) for a in c.arrays), label=f"{c.label} strided".strip(),
                               gradgrad=False))
    return out


ALL_CASES = CASES + _noncontiguous_variants(CASES)


def _leaves(arrays: tuple) -> list:
    """glassgrad leaves sharing the case's arrays (so non-contiguous layouts reach the engine as they are)."""
    return [gg.from_numpy(a).requires_grad_() for a in arrays]


def _torch_leaves(arrays: tuple) -> list:
    return [torch.tensor(np.array(a), dtype=torch.float64, requires_grad=True) for a in arrays]


def _as_list(out: Any) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _close(ours: Any, theirs: Any, tol: float, what: str) -> None:
    a = np.asarray(ours.data if isinstance(ours, gg.Tensor) else ours)
    b = theirs.detach().numpy(force=True) if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs torch {b.shape}"
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol, err_msg=what)


def _grads_or_zeros(grads: tuple, like: list) -> list:
    return [np.zeros(x.shape) if g is None else g for g, x in zip(grads, like)]


# ------------------------------------------------------------------------------------------------ tests


def test_every_table_op_has_cases() -> None:
    covered = {c.op for c in CASES}
    missing = set(TABLE) - covered
    assert not missing, f"ops in the table with no test case: {sorted(missing)}"
    unknown = covered - set(TABLE) - COMPOSITES
    assert not unknown, f"cases naming no table op or known composite: {sorted(unknown)}"


def test_cases_cover_zero_d_and_non_contiguous() -> None:
    assert any(a.ndim == 0 for c in CASES for a in c.arrays)
    assert any(not a.flags.c_contiguous for c in ALL_CASES for a in c.arrays)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_values_and_gradients_match_torch(case: Case) -> None:
    xs, ts = _leaves(case.arrays), _torch_leaves(case.arrays)
    outs, touts = _as_list(case.gg(*xs)), _as_list(case.torch(*ts))
    assert len(outs) == len(touts)
    for o, t in zip(outs, touts):
        _close(o, t, case.tol, f"{case.id} value")
        assert o.dtype.name == str(t.dtype).removeprefix("torch."), f"{case.id}: dtype {o.dtype} vs torch {t.dtype}"
        assert o.requires_grad
    r = np.random.default_rng(7)
    ups = [r.standard_normal(o.shape) for o in outs]
    ours = gg.autograd.grad(outs, xs, [gg.tensor(u, dtype=o.dtype) for u, o in zip(ups, outs)], allow_unused=True)
    theirs = torch.autograd.grad(touts, ts, [torch.tensor(u, dtype=t.dtype) for u, t in zip(ups, touts)],
                                 allow_unused=True)
    for k, (g, x) in enumerate(zip(_grads_or_zeros(ours, xs), _grads_or_zeros(theirs, xs))):
        _close(g, x, case.tol, f"{case.id} gradient of input {k}")
    for g, x in zip(ours, xs):
        assert g is None or (g.shape == x.shape and g.dtype == x.dtype)


@pytest.mark.parametrize("case", [c for c in CASES if c.gradgrad], ids=lambda c: c.id)
def test_second_order_matches_torch(case: Case) -> None:
    """Grad of (grad · v): the create_graph path (backward written in glassgrad ops) agrees with PyTorch."""
    r = np.random.default_rng(11)

    def second(m: Any, leaves: list, grad: Callable, outs: list, make: Callable) -> list:
        ups = [make(r_u) for r_u in up_arrays]
        firsts = grad(outs, leaves, ups, create_graph=True, allow_unused=True)
        total = None
        for g, v in zip(firsts, vs):
            if g is not None and g.requires_grad:
                term = (g * make(v)).sum()
                total = term if total is None else total + term
        if total is None:
            return [np.zeros(x.shape) for x in leaves]
        return _grads_or_zeros(grad(total, leaves, allow_unused=True), leaves)

    xs, ts = _leaves(case.arrays), _torch_leaves(case.arrays)
    outs, touts = _as_list(case.gg(*xs)), _as_list(case.torch(*ts))
    up_arrays = [r.standard_normal(o.shape) for o in outs]
    vs = [r.standard_normal(a.shape) for a in case.arrays]
    ours = second(gg, xs, gg.autograd.grad, outs, lambda a: gg.tensor(a, dtype=gg.float64))
    theirs = second(TH, ts, torch.autograd.grad, touts, lambda a: torch.tensor(a, dtype=torch.float64))
    for k, (a, b) in enumerate(zip(ours, theirs)):
        _close(a, b, case.tol, f"{case.id} second derivative, input {k}")


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_gradcheck(case: Case) -> None:
    assert gg.gradcheck(case.gg, _leaves(case.arrays), **case.check)


@pytest.mark.parametrize("case", [c for c in CASES if c.gradgrad], ids=lambda c: c.id)
def test_gradgradcheck(case: Case) -> None:
    assert gg.gradgradcheck(case.gg, _leaves(case.arrays), **case.check)


# ------------------------------------------------------------------------------ generated (hypothesis)

BINARY = {
    "add": (lambda m, a, b: a + b, anyv, anyv),
    "sub": (lambda m, a, b: m.sub(a, b), anyv, anyv),
    "mul": (lambda m, a, b: m.mul(a, b), anyv, anyv),
    "div": (lambda m, a, b: m.div(a, b), anyv, nonzero),
    "pow": (lambda m, a, b: a**b, pos, anyv),
    "maximum": (lambda m, a, b: m.maximum(a, b), lambda k, s: on_grid(k, s, 0.025), lambda k, s: on_grid(k, s, 0.075)),
    "where": (lambda m, a, b: m.where(m.tensor(np.asarray(a.detach().numpy() > 0)), a, b), anyv, anyv),
    "atan2": (lambda m, a, b: m.atan2(a, b), anyv, nonzero),
    "hypot": (lambda m, a, b: m.hypot(a, b), anyv, nonzero),
    "logaddexp": (lambda m, a, b: m.logaddexp(a, b), anyv, anyv),
    "xlogy": (lambda m, a, b: m.xlogy(a, b), anyv, pos),
    "fmax": (lambda m, a, b: m.fmax(a, b), lambda k, s: on_grid(k, s, 0.025), lambda k, s: on_grid(k, s, 0.075)),
    "lerp": (lambda m, a, b: m.lerp(a, b, 0.3), anyv, anyv),
}


@given(op=st.sampled_from(sorted(BINARY)), shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3,
                                                                                    max_side=3),
       seed=st.integers(0, 2**16))
def test_broadcasting_pairs(op: str, shapes: Any, seed: int) -> None:
    fn, gen_a, gen_b = BINARY[op]
    case = Case(op, fn, (gen_a(seed, shapes.input_shapes[0]), gen_b(seed + 1, shapes.input_shapes[1])))
    test_values_and_gradients_match_torch(case)
    assert gg.gradcheck(case.gg, _leaves(case.arrays))


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), data=st.data())
def test_reductions_over_random_dims(shape: tuple, data: Any) -> None:
    nd = len(shape)
    dims = data.draw(st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=nd, unique_by=lambda d: d % nd))
    keep = data.draw(st.booleans())
    op = data.draw(st.sampled_from(["sum", "mean", "amax", "logsumexp", "var"]))
    dim = tuple(dims)
    if op == "var" and int(np.prod([shape[d] for d in dims])) < 2:
        dim = None  # a variance over one element is nan (no degrees of freedom), in PyTorch too
        if int(np.prod(shape)) < 2:
            op = "sum"
    fns = {
        "sum": lambda m, x: x.sum(dim, keepdim=keep) if dim is not None else x.sum(),
        "mean": lambda m, x: x.mean(dim, keepdim=keep),
        "amax": lambda m, x: m.amax(x, dim, keepdim=keep),
        "logsumexp": lambda m, x: m.logsumexp(x, dim, keepdim=keep),
        "var": lambda m, x: m.var(x, dim, keepdim=keep) if dim is not None else m.var(x),
    }
    x = distinct(len(dims), shape)
    case = Case(op, fns[op], (x,))
    test_values_and_gradients_match_torch(case)
    assert gg.gradcheck(case.gg, _leaves(case.arrays))


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gelu_keeps_its_left_tail(approximate: str, dtype: str) -> None:
    """On [-30, 30], GELU and its derivative to a few ulps of the exact values (mpmath, 50 digits), where
    x·(1 + erf(x/√2))/2 cancels to 0 (PyTorch's form, whose results we also stay within its rounding of)."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    x = np.linspace(-30, 30, 601).astype(dtype)

    def exact(v: float) -> tuple[float, float]:
        v = mpmath.mpf(v)
        if approximate == "none":
            cdf = mpmath.erfc(-v / mpmath.sqrt(2)) / 2
            return float(v * cdf), float(cdf + v * mpmath.exp(-v * v / 2) / mpmath.sqrt(2 * mpmath.pi))
        k, c = mpmath.sqrt(2 / mpmath.pi), mpmath.mpf("0.044715")
        s = 1 / (1 + mpmath.exp(-2 * k * (v + c * v**3)))
        return float(v * s), float(s + 2 * v * s * (1 - s) * k * (1 + 3 * c * v * v))

    want = np.array([exact(float(v)) for v in x]).T
    ours = gg.tensor(x, requires_grad=True)
    y = gg.gelu(ours, approximate=approximate)
    y.sum().backward()
    theirs = torch.tensor(x, requires_grad=True)
    ty = F.gelu(theirs, approximate=approximate)
    ty.sum().backward()
    info = np.finfo(dtype)
    # GELU's condition number is about x² (900 at -30): the input's own rounding costs that many ulps
    rtol = 2 * 900 * float(info.eps)
    for got, torch_got, exact_values in ((y.detach().numpy(), ty.detach().numpy(), want[0]),
                                         (ours.grad.numpy(), theirs.grad.numpy(), want[1])):
        normal = np.abs(exact_values) > info.tiny
        np.testing.assert_allclose(got[normal], exact_values[normal], rtol=rtol)
        assert np.all(np.abs(got[~normal]) <= info.tiny)
        np.testing.assert_allclose(got, torch_got, rtol=0, atol=64 * float(info.eps))
    assert y.detach().numpy()[x == -10] < 0  # the tail is there (PyTorch's form gives -0 from x = -6 in float32)


def test_max_with_dim_returns_torch_indices() -> None:
    x = distinct(3, (3, 4))
    for dim, keep in [(0, False), (-1, True)]:
        ours, theirs = gg.max(gg.tensor(x), dim, keepdim=keep), torch.max(torch.tensor(x), dim, keepdim=keep)
        assert ours.indices.tolist() == theirs.indices.tolist()
        assert ours.indices.dtype == gg.int64
        ours, theirs = gg.min(gg.tensor(x), dim, keepdim=keep), torch.min(torch.tensor(x), dim, keepdim=keep)
        assert ours.indices.tolist() == theirs.indices.tolist()


def test_one_hot_matches_torch() -> None:
    idx = np.array([[0, 3], [2, 2]])
    ours = gg.one_hot(gg.tensor(idx), 5)
    theirs = F.one_hot(torch.tensor(idx), 5)
    assert ours.tolist() == theirs.tolist() and ours.dtype == gg.int64 and not ours.requires_grad
    assert gg.one_hot(gg.tensor([1, 0])).tolist() == F.one_hot(torch.tensor([1, 0])).tolist()


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), data=st.data())
def test_random_basic_indexing(shape: tuple, data: Any) -> None:
    """Generated indices (ints, negative ints, stepped slices, None, Ellipsis): values and scattered gradients."""
    index = []
    for n in shape[: data.draw(st.integers(1, len(shape)))]:
        bound = st.none() | st.integers(-n, n)
        index.append(data.draw(st.integers(-n, n - 1) | st.builds(slice, bound, bound, st.none() | st.integers(1, 3))))
    if data.draw(st.booleans()):  # a new axis, anywhere
        index.insert(data.draw(st.integers(0, len(index))), None)
    if data.draw(st.booleans()):  # the rest of the axes
        index.append(Ellipsis)
    key = tuple(index)
    case = Case("getitem", lambda m, x: x[key], (rand(len(shape), shape),), label=repr(key))
    test_values_and_gradients_match_torch(case)


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), data=st.data())
def test_random_integer_array_and_mask_indexing(shape: tuple, data: Any) -> None:
    """Generated integer arrays (with repeats, negative) and boolean masks: gradients add up where indices repeat."""
    n = shape[0]
    if data.draw(st.booleans()):
        idx = np.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=5)))
    else:
        idx = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    case = Case("getitem", lambda m, x: x[m.tensor(idx)], (rand(n, shape),), label=repr(idx))
    test_values_and_gradients_match_torch(case)


@given(batch=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=2), n=st.integers(1, 3),
       k=st.integers(1, 3), p=st.integers(1, 3), vec=st.sampled_from(["", "a", "b", "ab"]), seed=st.integers(0, 99))
def test_random_matmul_shapes(batch: Any, n: int, k: int, p: int, vec: str, seed: int) -> None:
    """1-D operands, matrices and broadcast batches of them: values, gradients and finite differences."""
    sa = (k,) if "a" in vec else batch.input_shapes[0] + (n, k)
    sb = (k,) if "b" in vec else batch.input_shapes[1] + (k, p)
    case = Case("matmul", lambda m, a, b: a @ b, (rand(seed, sa), rand(seed + 1, sb)))
    test_values_and_gradients_match_torch(case)
    assert gg.gradcheck(case.gg, _leaves(case.arrays))


@pytest.mark.parametrize("case", [c for c in CASES if c.op not in ("to", "float_power")],  # (float64, as torch's)
                         ids=lambda c: c.id)
def test_float32_stays_float32(case: Case) -> None:
    """Outputs and gradients keep float32 (no float64 constant sneaks into a forward or a derivative)."""
    arrays = tuple(a.astype(np.float32) for a in case.arrays)
    xs = [gg.from_numpy(a).requires_grad_() for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    outs, touts = _as_list(case.fn(gg, *xs)), _as_list((case.th or case.fn)(TH, *ts))
    ups = [np.random.default_rng(3).standard_normal(o.shape).astype(np.float32) for o in outs]
    for o, t in zip(outs, touts):
        assert o.dtype == gg.float32, f"{case.id}: output is {o.dtype}"
        _close(o, t, 1e-4, f"{case.id} float32 value")
    ours = gg.autograd.grad(outs, xs, [gg.tensor(u) for u in ups], allow_unused=True)
    theirs = torch.autograd.grad(touts, ts, [torch.tensor(u) for u in ups], allow_unused=True)
    for k, (g, t) in enumerate(zip(ours, theirs)):
        assert g is None or g.dtype == gg.float32, f"{case.id}: gradient of input {k} is {g.dtype}"
        _close(np.zeros(xs[k].shape) if g is None else g, np.zeros(xs[k].shape) if t is None else t, 1e-4,
               f"{case.id} float32 gradient {k}")


@given(n=st.integers(1, 2), groups=st.integers(1, 2), cg=st.integers(1, 2), og=st.integers(1, 2),
       k=st.tuples(st.integers(1, 3), st.integers(1, 3)), s=st.tuples(st.integers(1, 3), st.integers(1, 2)),
       p=st.tuples(st.integers(0, 2), st.integers(0, 1)), d=st.tuples(st.integers(1, 2), st.integers(1, 2)),
       extra=st.tuples(st.integers(0, 3), st.integers(0, 3)), transposed=st.booleans(), seed=st.integers(0, 99))
def test_random_convolutions(n: int, groups: int, cg: int, og: int, k: tuple, s: tuple, p: tuple, d: tuple,
                             extra: tuple, transposed: bool, seed: int) -> None:
    """Generated conv2d / conv_transpose2d: batch 1 or 2, odd sizes, strides, paddings, dilations, groups."""
    size = tuple(di * (ki - 1) + 1 + e for di, ki, e in zip(d, k, extra))  # at least one output position
    x = rand(seed, (n, groups * cg) + size)
    if transposed:
        w, b = rand(seed + 1, (groups * cg, og) + k), rand(seed + 2, (groups * og,))
        op = [min(si - 1, e) for si, e in zip(s, extra)]
        case = Case("conv_transpose2d", lambda m, x, w, b: nnf(m).conv_transpose2d(x, w, b, s, p, op, groups, d),
                    (x, w, b))
    else:
        w, b = rand(seed + 1, (groups * og, cg) + k), rand(seed + 2, (groups * og,))
        pad = tuple(min(pi, (di * (ki - 1) + 1 + e)) for pi, di, ki, e in zip(p, d, k, extra))
        case = Case("conv2d", lambda m, x, w, b: nnf(m).conv2d(x, w, b, s, pad, d, groups), (x, w, b))
    test_values_and_gradients_match_torch(case)
    assert gg.gradcheck(case.gg, _leaves(case.arrays))


@given(shape=st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(2, 7), st.integers(2, 7)),
       k=st.tuples(st.integers(1, 3), st.integers(1, 3)), s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       seed=st.integers(0, 99))
def test_random_max_pools(shape: tuple, k: tuple, s: tuple, seed: int) -> None:
    k = tuple(min(ki, si) for ki, si in zip(k, shape[2:]))
    pad = tuple(ki // 2 for ki in k)
    case = Case("max_pool2d", lambda m, x: nnf(m).max_pool2d(x, k, s, pad), (distinct(seed, shape),))
    test_values_and_gradients_match_torch(case)
    assert gg.gradcheck(case.gg, _leaves(case.arrays))
