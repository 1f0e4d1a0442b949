"""glassgrad.return_types: the named tuples of ops that give several tensors, as PyTorch's torch.return_types.

Each type is named after its op (`max`, `sort`, `topk`, ...) and prints as PyTorch prints it, with `glassgrad.`
where PyTorch writes `torch.` (as dtypes and Size do): `glassgrad.return_types.max(\\nvalues=...,\\nindices=...)`.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any


def _repr(self: tuple) -> str:
    fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))  # type: ignore[attr-defined]
    return f"{__name__}.{type(self).__name__}(\n{fields})"


def _return_type(op: str, fields: tuple[str, ...] = ("values", "indices")) -> Any:
    cls = namedtuple(op, fields, module=__name__)
    cls.__repr__ = _repr  # type: ignore[method-assign]
    return cls


max = _return_type("max")  # noqa: A001
min = _return_type("min")  # noqa: A001
sort = _return_type("sort")
topk = _return_type("topk")
kthvalue = _return_type("kthvalue")
mode = _return_type("mode")
median = _return_type("median")
cummax = _return_type("cummax")
cummin = _return_type("cummin")
aminmax = _return_type("aminmax", ("min", "max"))
slogdet = _return_type("slogdet", ("sign", "logabsdet"))
linalg_slogdet = _return_type("linalg_slogdet", ("sign", "logabsdet"))
