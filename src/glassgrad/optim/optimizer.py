"""Optimizer: parameter groups, per-parameter state, zero_grad and state dicts, shared by every update rule.

Updates run on the parameters' NumPy arrays in place (ufuncs with out=), outside any graph, and bump each
parameter's version counter so a graph that saved the old value refuses to backpropagate through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from glassgrad.autograd import enable_grad
from glassgrad.tensor import Tensor, _make


class Optimizer:
    """Base class: subclasses set `defaults` and implement `_update(group)` for one parameter group."""

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        self._scratch: dict[int, np.ndarray] = {}
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got a Tensor; pass model.parameters() or [tensor]")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        for g in groups if isinstance(groups[0], dict) else [{"params": groups}]:
            self.add_param_group(g)

    def add_param_group(self, group: dict[str, Any]) -> None:
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor (one computed from others); optimize the "
                                 "leaves it was computed from, or .detach().requires_grad_() it")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append({**self.defaults, **group, "params": params})

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients (set to None by default, as PyTorch does: the next backward allocates fresh)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        p.grad._data[...] = 0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Apply one update to every parameter that has a gradient; `closure` re-evaluates the loss first."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._update(group)
        return loss

    def _update(self, group: dict[str, Any]) -> None:
        raise NotImplementedError

    def _updated(self, group: dict[str, Any]) -> Iterator[tuple[Tensor, np.ndarray, np.ndarray]]:
        """(parameter, its array, its gradient) for each parameter of `group` that has a gradient. The caller
        updates the array in place; the parameter's version then counts the change."""
        for p in group["params"]:
            if p.grad is not None:
                yield p, p._data, p.grad._data
                p._version[0] += 1

    def _buffer(self, p: Tensor) -> np.ndarray:
        """Scratch memory shaped like `p`, reused every step so updates allocate nothing."""
        buf = self._scratch.get(id(p))
        if buf is None or buf.shape != p._data.shape or buf.dtype != p._data.dtype:
            buf = self._scratch[id(p)] = np.empty_like(p._data)
        return buf

    # ------------------------------------------------------------------------------------------ state dicts
    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: {name: tensor or number}}, "param_groups": [{hyperparameters, "params": [index]}]}."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            groups.append({**{k: v for k, v in group.items() if k != "params"},
                           "params": [index[id(p)] for p in group["params"]]})
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(groups)} parameter groups, this optimizer has "
                             f"{len(self.param_groups)}")
        for i, (saved, own) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(own["params"]):
                raise ValueError(f"loaded state dict contains a parameter group (group {i}) that doesn't match the "
                                 f"size of optimizer's group: {len(saved['params'])} vs {len(own['params'])} params")
        by_index = {}
        for saved, own in zip(groups, self.param_groups):
            by_index.update(zip(saved["params"], own["params"]))
            own.update({k: v for k, v in saved.items() if k != "params"})
        self.state = {}
        for k, s in state_dict["state"].items():
            p = by_index[int(k)]
            self.state[p] = {name: _state_value(name, v, p) for name, v in s.items()}


def _state_value(name: str, v: Any, p: Tensor) -> Any:
    """A saved state entry as this optimizer keeps it (a copy): tensors in the parameter's dtype, the step count
    (and other scalars PyTorch keeps as tensors) a 0-d float32 tensor, other numbers as numbers."""
    arr = v._data if isinstance(v, Tensor) else v
    if name in _SCALARS:
        return scalar(float(np.asarray(arr).reshape(-1)[0]))
    if isinstance(arr, np.ndarray):
        return _make(np.array(arr, dtype=p._data.dtype), False)
    return arr


_SCALARS = ("step", "mu_product")


def scalar(v: float) -> Tensor:
    """A per-parameter count or product, as PyTorch keeps it: a 0-d float32 tensor."""
    return _make(np.array(v, dtype=np.float32), False)


def zeros_state(w: np.ndarray, fill: float = 0.0) -> Tensor:
    """A state buffer shaped like the parameter array `w` (a tensor, as in PyTorch)."""
    return _make(np.full_like(w, fill), False)


def count_step(state: dict[str, Any]) -> float:
    """Add one to state["step"] (a 0-d float32 tensor) and return the new count."""
    t = state["step"]._data
    t += 1
    return float(t)


def check_hyperparameters(**values: float) -> None:
    """PyTorch's checks, with its messages: a negative rate or coefficient is a mistake, not a setting."""
    for name, v in values.items():
        if name.startswith("beta"):
            if not 0.0 <= v < 1.0:
                raise ValueError(f"Invalid beta parameter at index {name[-1]}: {v}")
        elif v < 0.0:
            raise ValueError(f"Invalid {name.replace('_', ' ')} value: {v}")
