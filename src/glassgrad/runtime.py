"""Runtime and dtype questions a PyTorch program asks (torch.finfo, promote_types, set_num_threads...)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from glassgrad.tensor import Tensor, _promote_types, get_default_dtype

dtype = np.dtype  # glassgrad's dtypes are NumPy's, so `isinstance(x.dtype, gg.dtype)` holds as in PyTorch
_threads = [os.cpu_count() or 1]


class finfo:  # noqa: N801 - PyTorch's name
    """PyTorch's torch.finfo: eps, max, min, tiny, resolution and bits of a floating dtype (the default if none)."""

    def __init__(self, type: Any = None) -> None:  # noqa: A002 - PyTorch's name
        info = np.finfo(np.dtype(type) if type is not None else get_default_dtype())
        self.bits, self.eps, self.max, self.min = info.bits, float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.tiny)
        self.resolution, self.dtype = 10.0 ** -info.precision, info.dtype.name


class iinfo:  # noqa: N801 - PyTorch's name
    """PyTorch's torch.iinfo: bits, max and min of an integer dtype."""

    def __init__(self, type: Any) -> None:  # noqa: A002 - PyTorch's name
        info = np.iinfo(np.dtype(type))
        self.bits, self.max, self.min, self.dtype = info.bits, int(info.max), int(info.min), np.dtype(type).name


def promote_types(type1: Any, type2: Any) -> np.dtype:
    """PyTorch's rule: a higher category wins outright (int64 with float32 is float32)."""
    return _promote_types(np.dtype(type1), np.dtype(type2))


def is_floating_point(t: Tensor) -> bool:
    return t.dtype.kind == "f"


def is_complex(t: Tensor) -> bool:
    return t.dtype.kind == "c"


def set_num_threads(n: int) -> None:
    """The threads NumPy's BLAS may use (PyTorch's intra-op threads)."""
    _threads[0] = int(n)
    threadpool_limits(_threads[0])


def get_num_threads() -> int:
    return _threads[0]
