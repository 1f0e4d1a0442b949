"""Every op of the table in function form (`gg.exp(x)`, `gg.cat([...])`), in one namespace."""

import functools as _functools
import warnings as _warnings
from typing import Any as _Any

import numpy as _np

from glassgrad.ops.composite import (  # noqa: A004
                                       addcdiv,
                                       addcmul,
                                       all,
                                       allclose,
                                       any,
                                       argmax,
                                       argmin,
                                       argsort,
                                       bitwise_and,
                                       bitwise_left_shift,
                                       bitwise_not,
                                       bitwise_or,
                                       bitwise_right_shift,
                                       bitwise_xor,
                                       bmm,
                                       deg2rad,
                                       dot,
                                       eq,
                                       equal,
                                       flip,
                                       float_power,
                                       gather,
                                       ge,
                                       gt,
                                       heaviside,
                                       hstack,
                                       index_put,
                                       index_select,
                                       isclose,
                                       isfinite,
                                       isinf,
                                       isnan,
                                       le,
                                       lerp,
                                       logical_and,
                                       logical_not,
                                       logical_or,
                                       logical_xor,
                                       lt,
                                       masked_fill,
                                       median,
                                       mm,
                                       movedim,
                                       mv,
                                       ne,
                                       nonzero,
                                       norm,
                                       outer,
                                       positive,
                                       rad2deg,
                                       repeat_interleave,
                                       roll,
                                       scatter,
                                       scatter_add,
                                       scatter_reduce,
                                       signbit,
                                       sort,
                                       t,
                                       take_along_dim,
                                       topk,
                                       tril,
                                       triu,
                                       unbind,
                                       unflatten,
                                       unique,
                                       vstack,
)
from glassgrad.ops.elementwise import (
                                       abs,
                                       acos,
                                       acosh,
                                       add,
                                       asin,
                                       asinh,
                                       atan,
                                       atan2,
                                       atanh,
                                       cast,
                                       ceil,
                                       clamp,
                                       clamp_max,
                                       clamp_min,
                                       copysign,
                                       cos,
                                       cosh,
                                       div,
                                       erf,
                                       erfc,
                                       exp,
                                       exp2,
                                       expm1,
                                       floor,
                                       floor_divide,
                                       fmax,
                                       fmin,
                                       fmod,
                                       frac,
                                       gelu,
                                       hypot,
                                       leaky_relu,
                                       log,
                                       log1p,
                                       log2,
                                       log10,
                                       logaddexp,
                                       logaddexp2,
                                       logit,
                                       maximum,
                                       minimum,
                                       mul,
                                       nan_to_num,
                                       neg,
                                       pow,
                                       reciprocal,
                                       relu,
                                       remainder,
                                       round,
                                       rsqrt,
                                       sigmoid,
                                       sign,
                                       sin,
                                       sinc,
                                       sinh,
                                       softplus,
                                       sqrt,
                                       square,
                                       sub,
                                       tan,
                                       tanh,
                                       trunc,
                                       where,
                                       xlogy,
)
from glassgrad.ops.indexing import (
                                       atleast_1d,
                                       atleast_2d,
                                       atleast_3d,
                                       broadcast_shapes,
                                       broadcast_tensors,
                                       column_stack,
                                       diag_embed,
                                       diff,
                                       dsplit,
                                       dstack,
                                       fliplr,
                                       flipud,
                                       hsplit,
                                       index_add,
                                       index_copy,
                                       index_fill,
                                       masked_select,
                                       meshgrid,
                                       narrow,
                                       ravel,
                                       rot90,
                                       select,
                                       swapaxes,
                                       swapdims,
                                       take,
                                       tensor_split,
                                       tile,
                                       vsplit,
)
from glassgrad.ops.linalg import det, einsum, inverse, linear, matmul
from glassgrad.ops.matrix import (
                                       addbmm,
                                       addmm,
                                       addmv,
                                       addr,
                                       baddbmm,
                                       cdist,
                                       cross,
                                       diag,
                                       diagonal,
                                       inner,
                                       kron,
                                       matrix_power,
                                       slogdet,
                                       tensordot,
                                       trace,
)
from glassgrad.ops.reduce import (
                                       amax,
                                       amin,
                                       cumprod,
                                       cumsum,
                                       log_softmax,
                                       logcumsumexp,
                                       logsumexp,
                                       max,
                                       mean,
                                       min,
                                       prod,
                                       softmax,
                                       std,
                                       sum,
                                       var,
)
from glassgrad.ops.shape import (
                                       broadcast_to,
                                       cat,
                                       chunk,
                                       contiguous,
                                       expand,
                                       flatten,
                                       getitem,
                                       one_hot,
                                       pad,
                                       permute,
                                       reshape,
                                       setitem,
                                       split,
                                       squeeze,
                                       stack,
                                       transpose,
                                       unsqueeze,
                                       view,
)
from glassgrad.ops.statistics import (
                                       aminmax,
                                       bincount,
                                       count_nonzero,
                                       cummax,
                                       cummin,
                                       histc,
                                       kthvalue,
                                       mode,
                                       nanmean,
                                       nanquantile,
                                       nansum,
                                       quantile,
                                       std_mean,
                                       var_mean,
)


def _into(out: _Any, result: _Any, name: str) -> _Any:
    """PyTorch's `out=`: the result written into `out` (resized if its shape differs), outside autograd."""
    if result.requires_grad:
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    if not _np.can_cast(result.dtype, out.dtype, "same_kind"):
        raise RuntimeError(f"result type {result.dtype} can't be cast to the desired output type {out.dtype}")
    if out.shape != result.shape:
        if out.numel():
            _warnings.warn(f"An output with one or more elements was resized since it had shape {list(out.shape)}, "
                           f"which does not match the required output shape {list(result.shape)}.", stacklevel=3)
        out._data = _np.empty(result.shape, out.dtype)
    out._data[...] = result._data
    out._version[0] += 1
    return out


def _with_out(fn: _Any) -> _Any:
    @_functools.wraps(fn)
    def with_out(*args: _Any, out: _Any = None, **kwargs: _Any) -> _Any:
        return fn(*args, **kwargs) if out is None else _into(out, fn(*args, **kwargs), fn.__name__)
    return with_out


# the function forms that take `out=` in tutorials and PyTorch's docs (the Tensor methods never do)
for _name in ("abs", "add", "clamp", "cos", "div", "erf", "erfc", "exp", "floor_divide", "log", "log1p",
              "maximum", "minimum", "mul", "neg", "pow", "remainder", "round", "sigmoid", "sign", "sin", "sqrt", "sub",
              "tanh", "where", "matmul", "mm", "bmm", "mv", "dot", "outer", "sum", "mean", "prod", "cumsum",
              "cumprod", "amax", "amin", "std", "var", "logsumexp", "cat", "stack", "masked_select", "take", "diff",
              "index_add", "column_stack", "dstack", "addmm", "addmv", "addbmm", "baddbmm", "addr", "diag", "cross",
              "kron", "tensordot", "inner", "matrix_power", "inverse",
              "exp2", "asin", "acos", "atan", "asinh", "acosh", "atanh", "logit", "atan2", "hypot", "logaddexp",
              "logaddexp2", "xlogy", "copysign", "fmod", "fmax", "fmin", "sinc", "nan_to_num", "deg2rad", "rad2deg",
              "float_power", "lerp", "addcmul", "addcdiv", "signbit", "heaviside"):
    globals()[_name] = _with_out(globals()[_name])
clip, fix = clamp, trunc
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
arctan2, sgn, negative = atan2, sign, neg


def _numpy_names(fn: _Any) -> _Any:
    """PyTorch's NumPy-style aliases: `axis=` for `dim=` and `keepdims=` for `keepdim=` (d2l, makemore use them)."""
    @_functools.wraps(fn)
    def with_aliases(*args: _Any, **kwargs: _Any) -> _Any:
        if "axis" in kwargs:
            kwargs["dim"] = kwargs.pop("axis")
        if "keepdims" in kwargs:
            kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)
    return with_aliases


# where PyTorch takes axis= (and, for the reductions, keepdims=): function and method forms alike
_AXIS_ALIASED = ("sum", "mean", "max", "min", "amax", "amin", "argmax", "argmin", "prod", "cumsum", "cumprod", "std",
                "var", "logsumexp", "softmax", "log_softmax", "median", "sort", "argsort", "topk", "unbind",
                "squeeze", "unsqueeze", "cat", "stack")
for _name in _AXIS_ALIASED:
    globals()[_name] = _numpy_names(globals()[_name])

__all__ = [name for name in dir() if not name.startswith("_")]  # every name imported above
