"""Layers with parameters or state: Linear, Dropout(2d), Flatten/Unflatten, BatchNorm1d/2d, LayerNorm, the MLP."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassgrad.nn import functional as F
from glassgrad.nn import init
from glassgrad.nn.activations import ACTIVATIONS, Identity
from glassgrad.nn.module import Module, Sequential
from glassgrad.nn.parameter import Parameter
from glassgrad.ops.linalg import linear
from glassgrad.tensor import Tensor, _check_device, _make, get_default_dtype


def _empty(*shape: int, dtype: Any = None) -> Parameter:
    return Parameter(_make(np.empty(shape, dtype=dtype or get_default_dtype()), False))


class Linear(Module):
    """y = x·Wᵀ + b with W of shape (out_features, in_features), initialised as torch.nn.Linear is."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        _check_device(device)
        self.in_features, self.out_features = in_features, out_features
        self.weight = _empty(out_features, in_features, dtype=dtype)
        if bias:
            self.bias = _empty(out_features, dtype=dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: kaiming_uniform(a=√5) weights, i.e. U(±1/√fan_in), and U(±1/√fan_in) biases."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        return linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Dropout(Module):
    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace=False"


class Dropout2d(Dropout):
    """Zero whole channels at random: neighbouring pixels are correlated, so single-pixel dropout barely helps."""

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout2d(x, self.p, self.training)


class Flatten(Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension `dim` into `unflattened_size` (the inverse of Flatten)."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, x: Tensor) -> Tensor:
        d = self.dim % x.ndim
        return x.reshape(x.shape[:d] + self.unflattened_size + x.shape[d + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class BatchNorm1d(Module):
    """Per-feature normalisation by batch statistics in training, by running statistics in eval mode."""

    ndims, shape_text = (2, 3), "(N, {c}) or (N, {c}, L)"

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        _check_device(device)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats, self.has_bias = affine, track_running_stats, bias
        d = dtype or get_default_dtype()
        if affine:
            self.weight = Parameter(_make(np.ones(num_features, dtype=d), False))
            if bias:
                self.bias = Parameter(_make(np.zeros(num_features, dtype=d), False))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", _make(np.zeros(num_features, dtype=d), False))
            self.register_buffer("running_var", _make(np.ones(num_features, dtype=d), False))
            self.register_buffer("num_batches_tracked", _make(np.zeros((), dtype=np.int64), False))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in self.ndims or x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}({self.num_features}): expected input "
                             f"{self.shape_text.format(c=self.num_features)}, got shape {list(x.shape)}")
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked._data += 1
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked._data)
        use_batch = self.training or not self.track_running_stats
        return F.batch_norm(x, self.running_mean if not use_batch or self.training else None,
                            self.running_var if not use_batch or self.training else None, self.weight, self.bias,
                            use_batch, momentum, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.has_bias}, track_running_stats={self.track_running_stats}")


class BatchNorm2d(BatchNorm1d):
    """Per-channel normalisation of feature maps: statistics over the batch and every position."""

    ndims, shape_text = (4,), "(N, {c}, H, W)"


class LayerNorm(Module):
    """Normalise each sample over its last axes, then apply a learned per-element scale and shift."""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        _check_device(device)
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine, self.has_bias = shape, eps, elementwise_affine, bias
        d = dtype or get_default_dtype()
        if elementwise_affine:
            self.weight = Parameter(_make(np.ones(shape, dtype=d), False))
            if bias:
                self.bias = Parameter(_make(np.zeros(shape, dtype=d), False))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.has_bias}")


class MLP(Sequential):
    """Linear layers of the given sizes with an activation between them, named fc1, relu1, fc2, ...

    `MLP([784, 256, 10])` is `Sequential(fc1=Linear(784, 256), relu1=ReLU(), fc2=Linear(256, 10))`; its
    state dict loads into a torch.nn.Sequential built from an OrderedDict with the same names.
    """

    def __init__(self, sizes: Sequence[int], activation: str | type[Module] = "relu", dropout: float = 0.0,
                 output_activation: str | type[Module] | None = None, dtype: Any = None) -> None:
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes needs an input and an output size at least, got {list(sizes)}")
        layers: OrderedDict[str, Module] = OrderedDict()
        last = len(sizes) - 1
        for i in range(1, len(sizes)):
            layers[f"fc{i}"] = Linear(sizes[i - 1], sizes[i], dtype=dtype)
            act = activation if i < last else output_activation
            if act is not None:
                module = _activation(act)
                layers[f"{_activation_name(module)}{i}"] = module
                if dropout and i < last:
                    layers[f"dropout{i}"] = Dropout(dropout)
        super().__init__(layers)


def _activation(act: str | type[Module]) -> Module:
    if isinstance(act, str):
        if act.lower() not in ACTIVATIONS:
            raise ValueError(f"MLP: unknown activation {act!r}; choose one of {sorted(ACTIVATIONS)} or pass a "
                             f"Module class")
        return ACTIVATIONS[act.lower()]()
    return act()


def _activation_name(module: Module) -> str:
    return "identity" if isinstance(module, Identity) else type(module).__name__.lower()
