"""Every op of the table in function form (`gg.exp(x)`, `gg.cat([...])`), in one namespace."""

from glassgrad.ops.elementwise import (
                                       abs,
                                       add,
                                       cast,
                                       clamp,
                                       cos,
                                       div,
                                       erf,
                                       exp,
                                       gelu,
                                       leaky_relu,
                                       log,
                                       log1p,
                                       maximum,
                                       minimum,
                                       mul,
                                       neg,
                                       pow,
                                       relu,
                                       sigmoid,
                                       sin,
                                       softplus,
                                       sqrt,
                                       sub,
                                       tanh,
                                       where,
)
from glassgrad.ops.linalg import linear, matmul
from glassgrad.ops.reduce import amax, amin, log_softmax, logsumexp, max, mean, min, softmax, std, sum, var
from glassgrad.ops.shape import (
                                       broadcast_to,
                                       cat,
                                       chunk,
                                       expand,
                                       flatten,
                                       getitem,
                                       one_hot,
                                       pad,
                                       permute,
                                       reshape,
                                       scatter,
                                       setitem,
                                       split,
                                       squeeze,
                                       stack,
                                       transpose,
                                       unsqueeze,
                                       view,
)

clip = clamp

__all__ = [
    "abs", "add", "amax", "amin", "broadcast_to", "cast", "cat", "chunk", "clamp", "clip", "cos", "div", "erf",
    "exp", "expand", "flatten", "gelu", "getitem", "leaky_relu", "linear", "log", "log1p", "log_softmax",
    "logsumexp", "matmul", "max", "maximum", "mean", "min", "minimum", "mul", "neg", "one_hot", "pad", "permute",
    "pow", "relu", "reshape", "scatter", "setitem", "sigmoid", "sin", "softmax", "softplus", "split", "sqrt",
    "squeeze", "stack", "std", "sub", "sum", "tanh", "transpose", "unsqueeze", "var", "view", "where",
]
