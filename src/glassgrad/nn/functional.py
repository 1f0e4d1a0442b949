"""torch.nn.functional's names: activations, normalisation, dropout and losses as functions of tensors."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassgrad.autograd import no_grad
from glassgrad.functional import (
    gelu,
    leaky_relu,
    linear,
    log_softmax,
    one_hot,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
    where,
)
from glassgrad.ops.loss import (
    _check_reduction,
    _same_shape,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    nll_loss,
)
from glassgrad.tensor import Tensor, _make, generator

__all__ = [
    "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "dropout", "gelu",
    "huber_loss", "l1_loss", "layer_norm", "leaky_relu", "linear", "log_softmax", "mse_loss", "nll_loss",
    "one_hot", "relu", "sigmoid", "smooth_l1_loss", "softmax", "softplus", "tanh",
]


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean absolute difference: robust to outliers, gradient sign(input − target)/N."""
    _check_reduction("l1_loss", reduction)
    _same_shape("l1_loss", input, target)
    return _reduce((input - target).abs(), reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0) -> Tensor:  # noqa: A002
    """Squared error near the target, absolute error (times delta) beyond |d| = delta."""
    _check_reduction("huber_loss", reduction)
    _same_shape("huber_loss", input, target)
    d = input - target
    ad = d.abs()
    return _reduce(where(ad.data < delta, 0.5 * d * d, delta * (ad - 0.5 * delta)), reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, reduction: str = "mean", beta: float = 1.0) -> Tensor:  # noqa: A002
    """Huber loss divided by beta (PyTorch's SmoothL1); beta = 0 is the L1 loss."""
    if beta == 0:
        return l1_loss(input, target, reduction)
    return huber_loss(input, target, reduction, beta) / beta


def dropout(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:  # noqa: A002
    """Zero each element with probability p and scale the rest by 1/(1−p), so the expected value is unchanged."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    keep = generator().random(input.shape) >= p
    return input * (keep * (1.0 / (1.0 - p))).astype(input.dtype)


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the last len(normalized_shape) axes of each sample, then scale and shift."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[-len(shape):]) != shape:
        raise RuntimeError(f"layer_norm: expected input with shape [*, {', '.join(map(str, shape))}], but got "
                           f"input of size {list(input.shape)}")
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    mu = input.mean(dims, keepdim=True)
    centred = input - mu
    var = (centred * centred).mean(dims, keepdim=True)
    out = centred / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    return out + bias if bias is not None else out


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,  # noqa: A002
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (axis 1) by the batch's statistics when training, by the running ones otherwise."""
    if input.ndim not in (2, 3):
        raise ValueError(f"batch_norm: expected 2D or 3D input (N, C) or (N, C, L), got shape {list(input.shape)}")
    dims = (0,) if input.ndim == 2 else (0, 2)
    view = (1, -1) if input.ndim == 2 else (1, -1, 1)
    if training:
        n = input.numel() // input.shape[1]
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{list(input.shape)}")
        mu = input.mean(dims, keepdim=True)
        centred = input - mu
        var = (centred * centred).mean(dims, keepdim=True)
        if running_mean is not None and running_var is not None:
            with no_grad():
                _blend(running_mean, mu.data.reshape(-1), momentum)
                _blend(running_var, var.data.reshape(-1) * (n / (n - 1)), momentum)
    else:
        centred = input - running_mean.data.reshape(view)
        var = _make(running_var.data.reshape(view), False)
    out = centred / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(view)
    return out + bias.reshape(view) if bias is not None else out


def _blend(running: Tensor, batch: np.ndarray, momentum: float) -> None:
    """running ← (1 − momentum)·running + momentum·batch, in place."""
    running.data *= 1 - momentum
    running.data += momentum * batch.astype(running.dtype, copy=False)
    running._version[0] += 1
