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
                                       floor_divide,
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
                                       remainder,
                                       sigmoid,
                                       sign,
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

__all__ = [name for name in dir() if not name.startswith("_")]  # every name imported above
