"""Parameter: a leaf tensor that a Module registers as learnable (a Tensor subclass, so ops see a Tensor)."""

from __future__ import annotations

from typing import Any

from glassgrad.tensor import Tensor, tensor


class Parameter(Tensor):
    """A tensor that requires grad and is found by `Module.parameters()`; it shares memory with `data`."""

    __slots__ = ()

    def __new__(cls, data: Any = None, requires_grad: bool = True) -> Parameter:
        src = tensor([]) if data is None else data if isinstance(data, Tensor) else tensor(data)
        p = object.__new__(cls)
        p._data, p.grad, p.grad_fn, p.name, p._version, p._hooks = src._data, None, None, None, [0], None
        p.requires_grad = False
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
