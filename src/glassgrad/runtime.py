"""Runtime and dtype questions a PyTorch program asks (torch.finfo, promote_types, set_num_threads...)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from glassgrad.tensor import (
    Tensor,
    _promote_types,
    _rng,
    _rng_state,
    _seed,
    _set_rng_state,
    get_default_dtype,
    manual_seed,
)

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


# ------------------------------------------------------------------------------------- the default stream
# glassgrad draws from NumPy's PCG64, not PyTorch's Mersenne Twister: the same seed gives other numbers than in
# PyTorch, and the same numbers on every glassgrad run. The state is NumPy's, in PyTorch's form (a uint8 tensor).


def seed() -> int:
    """Seed the default stream from fresh entropy, and return that seed."""
    s = int(np.random.SeedSequence().entropy % 2**63)
    manual_seed(s)
    return s


def initial_seed() -> int:
    """The seed of the default stream: the last manual_seed (or seed()), else the one it started from."""
    return _seed[0]


def get_rng_state() -> Tensor:
    """The default stream's state as a uint8 tensor; set_rng_state(it) replays the draws made since."""
    return _rng_state(_rng[0])


def set_rng_state(new_state: Tensor) -> None:
    _set_rng_state(_rng[0], new_state)


# ------------------------------------------------------------------------------------ legacy constructors


class _LegacyType(type):
    """gg.FloatTensor & co.: calling one makes a tensor of its dtype, `isinstance(t, gg.FloatTensor)` checks it."""

    legacy_dtype: np.dtype

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.legacy_dtype

    def __call__(cls, *data: Any) -> Tensor:
        """FloatTensor(2, 3) (or a Size): zeros of that shape (PyTorch leaves them uninitialised); FloatTensor(data):
        the data as float32; FloatTensor(): an empty one."""
        return Tensor(*data, dtype=cls.legacy_dtype)


def _legacy(name: str, dtype: np.dtype) -> _LegacyType:
    return _LegacyType(name, (), {"legacy_dtype": np.dtype(dtype), "__module__": "glassgrad"})


FloatTensor, DoubleTensor, HalfTensor = (_legacy(n, d) for n, d in (("FloatTensor", "float32"),
                                                                    ("DoubleTensor", "float64"),
                                                                    ("HalfTensor", "float16")))
LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = (
    _legacy(n, d) for n, d in (("LongTensor", "int64"), ("IntTensor", "int32"), ("ShortTensor", "int16"),
                               ("CharTensor", "int8"), ("ByteTensor", "uint8"), ("BoolTensor", "bool")))
