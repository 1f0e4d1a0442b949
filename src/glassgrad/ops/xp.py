"""The two array namespaces backward formulas run against: NumPy for numbers, glassgrad for recorded graphs."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassgrad.autograd import apply
from glassgrad.ops import conv as C
from glassgrad.ops import elementwise as E
from glassgrad.ops import linalg as L
from glassgrad.ops import reduce as R
from glassgrad.ops import shape as S


class _Numpy:
    """Plain ndarrays: the fast path of backward."""

    exp, log, sqrt, sin, cos, tanh = (staticmethod(f) for f in (np.exp, np.log, np.sqrt, np.sin, np.cos, np.tanh))
    matmul, where, broadcast_to, expand_dims = (staticmethod(f) for f in (np.matmul, np.where, np.broadcast_to,
                                                                           np.expand_dims))
    sigmoid, erf, erfc, add_at = (staticmethod(f) for f in (E._sigmoid, E._erf, E._erfc, S._add_at))
    softmax, log_softmax = staticmethod(R._softmax), staticmethod(R._log_softmax)
    inv, solve = staticmethod(L.inv_array), staticmethod(np.linalg.solve)

    @staticmethod
    def softplus(x: Any) -> Any:
        return np.logaddexp(0, x)

    @staticmethod
    def cumsum(x: Any, dim: int) -> Any:
        return np.cumsum(x, axis=dim)

    @staticmethod
    def cumprod(x: Any, dim: int) -> Any:
        return np.cumprod(x, axis=dim)

    @staticmethod
    def einsum(equation: str, *operands: Any) -> Any:
        return np.einsum(equation, *operands)

    @staticmethod
    def conv2d(x: Any, w: Any, stride: Any, padding: Any, dilation: Any, groups: int) -> Any:
        return C._conv2d(x, w, None, stride, padding, dilation, groups)

    @staticmethod
    def cat(parts: Any, axis: int) -> Any:
        return np.concatenate(parts, axis)

    @staticmethod
    def conv_transpose2d(g: Any, w: Any, size: Any, stride: Any, padding: Any, dilation: Any, groups: int) -> Any:
        return C._conv_transpose2d(g, w, None, size, stride, padding, dilation, groups)

    # np.add.reduce and the array methods rather than np.sum, np.reshape & co., which dispatch through Python
    # first: ~1-2 µs less a call, in every backward. (They take the NumPy scalars of backward's 0-d path too.)
    @staticmethod
    def sum(x: Any, axes: Any, keepdims: bool = False) -> Any:
        return np.add.reduce(x, axes, keepdims=keepdims)

    @staticmethod
    def reshape(x: Any, shape: tuple[int, ...]) -> Any:
        return x.reshape(shape)

    @staticmethod
    def swapaxes(x: Any, a: int, b: int) -> Any:
        return x.swapaxes(a, b)

    @staticmethod
    def transpose(x: Any, axes: tuple[int, ...]) -> Any:
        return x.transpose(axes)

    @staticmethod
    def getitem(x: Any, index: Any) -> Any:
        return x[index]

    @staticmethod
    def cast(x: Any, dtype: Any) -> Any:
        return x.astype(dtype, copy=False)


class _Tensor:
    """The same functions as glassgrad ops, so a backward formula run here is itself recorded."""

    exp, log, sqrt, sin, cos, tanh = (staticmethod(f) for f in (E.exp, E.log, E.sqrt, E.sin, E.cos, E.tanh))
    sigmoid, erf, erfc, where, matmul, cast = (staticmethod(f) for f in (E.sigmoid, E.erf, E.erfc, E.where, L.matmul,
                                                                          E.cast))
    broadcast_to, reshape, getitem, add_at = (staticmethod(f) for f in (S.broadcast_to, S.reshape, S.getitem,
                                                                         S.add_at))
    softmax, log_softmax, softplus = staticmethod(R.softmax), staticmethod(R.log_softmax), staticmethod(E.softplus)
    cumsum, cumprod, einsum = staticmethod(R.cumsum), staticmethod(R.cumprod), staticmethod(L.einsum)
    inv = staticmethod(L.inverse)

    @staticmethod
    def solve(a: Any, b: Any) -> Any:
        return apply(L.Solve, a, b)

    @staticmethod
    def sum(x: Any, axes: Any, keepdims: bool = False) -> Any:
        return R.sum(x, axes, keepdims)

    @staticmethod
    def cat(parts: Any, axis: int) -> Any:
        return S.cat(parts, axis)

    @staticmethod
    def conv2d(x: Any, w: Any, stride: Any, padding: Any, dilation: Any, groups: int) -> Any:
        return apply(C.Conv2d, x, w, None, stride=stride, padding=padding, dilation=dilation, groups=groups)

    @staticmethod
    def conv_transpose2d(g: Any, w: Any, size: Any, stride: Any, padding: Any, dilation: Any, groups: int) -> Any:
        return apply(C.ConvTranspose2d, g, w, None, size=tuple(size), stride=stride, padding=padding,
                     dilation=dilation, groups=groups)

    @staticmethod
    def swapaxes(x: Any, a: int, b: int) -> Any:
        return S.transpose(x, a, b)

    @staticmethod
    def transpose(x: Any, axes: tuple[int, ...]) -> Any:
        return S.permute(x, axes)

    @staticmethod
    def expand_dims(x: Any, axis: int) -> Any:
        return S.unsqueeze(x, axis)


NUMPY: Any = _Numpy()
TENSOR: Any = _Tensor()
