"""torch.nn.functional's names: activations, normalisation, dropout and losses as functions of tensors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassgrad.autograd import no_grad
from glassgrad.functional import (
    clamp,
    gelu,
    leaky_relu,
    linear,
    log_softmax,
    maximum,
    one_hot,
    pad,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
    where,
)
from glassgrad.nn.upsampling import interpolate
from glassgrad.ops.activation import elu, hardtanh, logsigmoid, mish, prelu, relu6, silu, softsign
from glassgrad.ops.conv import conv2d, conv_transpose2d, max_pool2d
from glassgrad.ops.conv import embedding as _embedding
from glassgrad.ops.linalg import matmul
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
    "adaptive_avg_pool2d", "attention_weights", "avg_pool1d", "avg_pool2d", "batch_norm", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "conv1d", "conv2d", "conv_transpose2d", "cosine_embedding_loss",
    "cosine_similarity", "cross_entropy", "dropout", "dropout2d", "elu", "embedding", "gelu", "hardtanh",
    "hinge_embedding_loss", "huber_loss", "interpolate", "kl_div", "l1_loss", "layer_norm", "leaky_relu", "linear",
    "log_softmax", "logsigmoid", "margin_ranking_loss", "max_pool1d", "max_pool2d", "mish", "mse_loss", "nll_loss",
    "normalize", "one_hot", "pad", "pairwise_distance", "poisson_nll_loss", "prelu", "relu", "relu6",
    "scaled_dot_product_attention", "sigmoid", "silu", "smooth_l1_loss", "soft_margin_loss", "softmax", "softplus",
    "softsign", "tanh", "triplet_margin_loss",
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
    return _reduce(where(ad._data < delta, 0.5 * d * d, delta * (ad - 0.5 * delta)), reduction)


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


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:  # noqa: A002
    """Zero whole channels (feature maps) with probability p, scaling the rest by 1/(1−p)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if input.ndim not in (3, 4):
        raise RuntimeError(f"dropout2d: expected a 3D (C, H, W) or 4D (N, C, H, W) input, got shape "
                           f"{list(input.shape)}")
    keep = generator().random(input.shape[:-2] + (1, 1)) >= p
    return input * (keep * (1.0 / (1.0 - p) if p < 1.0 else 0.0)).astype(input.dtype)


def _one_d(v: Any, fill: int) -> tuple:
    """A 1-D size as the (1, k) of the equivalent 2-D op (strings such as 'same' pass through)."""
    return v if isinstance(v, str) else (fill, int(v if isinstance(v, int) else v[0]))


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,  # noqa: A002
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """conv2d on a height-1 image: (N, C, L) with a (O, C/groups, K) kernel."""
    if weight.ndim != 3:
        raise RuntimeError(f"conv1d: expected a 3D weight (out_channels, in_channels/groups, kernel), got weight of "
                           f"size {list(weight.shape)}")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"conv1d: Expected 2D (unbatched) or 3D (batched) input, but got input of size: "
                           f"{list(input.shape)}")
    out = conv2d(input.unsqueeze(-2), weight.unsqueeze(2), bias, _one_d(stride, 1), _one_d(padding, 0),
                 _one_d(dilation, 1), groups)
    return out.squeeze(-2)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    if input.ndim not in (2, 3):
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D input, but got input of size: {list(input.shape)}")
    out = max_pool2d(input.unsqueeze(-2), _one_d(kernel_size, 1), None if stride is None else _one_d(stride, 1),
                     _one_d(padding, 0), _one_d(dilation, 1), ceil_mode, return_indices)
    return (out[0].squeeze(-2), out[1].squeeze(-2)) if return_indices else out.squeeze(-2)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each window: a convolution of every channel with a constant kernel 1/(KH·KW)."""
    if ceil_mode:
        raise NotImplementedError("avg_pool2d: ceil_mode=True is not supported; pad the input instead")
    if input.ndim not in (3, 4):
        raise RuntimeError(f"avg_pool2d: Expected 3D or 4D input, but got input of size: {list(input.shape)}")
    k = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    s = k if stride is None or stride == [] else stride
    p = (padding, padding) if isinstance(padding, int) else tuple(padding)
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise RuntimeError(f"avg_pool2d: pad should be at most half of effective kernel size, but got pad={list(p)} "
                           f"and kernel_size={list(k)}")
    lead, (h, w) = input.shape[:-2], input.shape[-2:]
    ones = np.ones((1, 1) + k, dtype=input.dtype)
    sums = conv2d(input.reshape(-1, 1, h, w), _make(ones, False), None, s, p)
    if divisor_override:
        divisor: Any = float(divisor_override)
    elif count_include_pad:
        divisor = float(k[0] * k[1])
    else:  # the window's elements inside the input: the same convolution applied to ones
        divisor = conv2d(_make(np.ones((1, 1, h, w), dtype=input.dtype), False), _make(ones, False), None, s, p)._data
    return (sums / divisor).reshape(lead + sums.shape[-2:])


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    if input.ndim not in (2, 3):
        raise RuntimeError(f"avg_pool1d: Expected 2D or 3D input, but got input of size: {list(input.shape)}")
    out = avg_pool2d(input.unsqueeze(-2), _one_d(kernel_size, 1), None if stride is None else _one_d(stride, 1),
                     _one_d(padding, 0), ceil_mode, count_include_pad)
    return out.squeeze(-2)


def _adaptive_matrix(n_in: int, n_out: int, dtype: Any) -> np.ndarray:
    """(n_out, n_in): row i averages input cells floor(i·n_in/n_out) .. ceil((i+1)·n_in/n_out) − 1."""
    m = np.zeros((n_out, n_in), dtype=dtype)
    for i in range(n_out):
        lo, hi = (i * n_in) // n_out, -(-((i + 1) * n_in) // n_out)
        m[i, lo:hi] = 1.0 / (hi - lo)
    return m


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    """Average over the cells PyTorch assigns each output: separable, so P_h · x · P_wᵀ (two matmuls)."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d: Expected 3D or 4D input, but got input of size: "
                           f"{list(input.shape)}")
    size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    h, w = input.shape[-2:]
    oh, ow = (h if size[0] is None else size[0]), (w if size[1] is None else size[1])
    rows = _make(_adaptive_matrix(h, oh, input.dtype), False)
    cols = _make(_adaptive_matrix(w, ow, input.dtype).T.copy(), False)
    return matmul(matmul(rows, input), cols)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,  # noqa: A002
              max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """The rows of `weight` at the indices in `input`; the row at padding_idx gets no gradient."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: max_norm, scale_grad_by_freq and sparse are not supported")
    return _embedding(input, weight, padding_idx)


def attention_weights(query: Tensor, key: Tensor, attn_mask: Any = None, is_causal: bool = False,
                      scale: float | None = None) -> Tensor:
    """softmax(Q·Kᵀ·scale + mask) over the keys: row i says how much query i reads from each position."""
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = matmul(query, key.transpose(-2, -1)) * factor
    if is_causal:
        scores = where(np.tril(np.ones(scores.shape[-2:], dtype=bool)), scores, -math.inf)
    if attn_mask is not None:
        mask = attn_mask._data if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        scores = where(mask, scores, -math.inf) if mask.dtype == np.bool_ else scores + attn_mask
    return softmax(scores, -1)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Any = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None) -> Tensor:
    """softmax(Q·Kᵀ/√d + mask)·V: every query a weighted mean of the values (a boolean mask: True = may attend)."""
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: query {list(query.shape)}, key {list(key.shape)} and "
                           f"value {list(value.shape)} do not fit: query and key need the same last size, key and "
                           f"value the same number of positions")
    weights = attention_weights(query, key, attn_mask, is_causal, scale)
    if dropout_p:
        weights = dropout(weights, dropout_p, True)
    return matmul(weights, value)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,  # noqa: A002
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (axis 1) by the batch's statistics when training, by the running ones otherwise."""
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input (N, C, ...) of 2 or more dimensions, got shape "
                         f"{list(input.shape)}")
    dims = (0,) + tuple(range(2, input.ndim))
    view = (1, -1) + (1,) * (input.ndim - 2)
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
                _blend(running_mean, mu._data.reshape(-1), momentum)
                _blend(running_var, var._data.reshape(-1) * (n / (n - 1)), momentum)
    else:
        centred = input - running_mean._data.reshape(view)
        var = _make(running_var._data.reshape(view), False)
    out = centred / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(view)
    return out + bias.reshape(view) if bias is not None else out


def _blend(running: Tensor, batch: np.ndarray, momentum: float) -> None:
    """running ← (1 − momentum)·running + momentum·batch, in place."""
    running._data *= 1 - momentum
    running._data += momentum * batch.astype(running.dtype, copy=False)
    running._version[0] += 1


# ------------------------------------------------------------------------------- distances and similarities


def _norm(x: Tensor, p: float, dim: Any, keepdim: bool) -> Tensor:
    """‖x‖_p along `dim`, from table ops (so its gradient is theirs)."""
    if p == 2:
        return (x * x).sum(dim, keepdim=keepdim).sqrt()
    return (x.abs() ** p).sum(dim, keepdim=keepdim) ** (1.0 / p)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:  # noqa: A002
    """x / max(‖x‖_p, eps) along `dim`: unit vectors (the eps keeps a zero vector finite)."""
    return input / clamp(_norm(input, p, dim, True), min=eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Σ x1·x2 / (max(‖x1‖, eps)·max(‖x2‖, eps)) along `dim` (x1 and x2 broadcast)."""
    return ((x1 / clamp(_norm(x1, 2, dim, True), min=eps)) * (x2 / clamp(_norm(x2, 2, dim, True), min=eps))).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """‖x1 − x2 + eps‖_p over the last dimension."""
    return _norm(x1 - x2 + eps, p, -1, keepdim)


# --------------------------------------------------------------------------- losses built from table ops


def kl_div(input: Tensor, target: Tensor, reduction: str = "mean", log_target: bool = False) -> Tensor:  # noqa: A002
    """Σ target·(log target − input), `input` being log-probabilities; 'batchmean' divides by the batch size
    (the true KL divergence; 'mean' divides by the number of elements, as PyTorch does and warns about)."""
    if reduction not in ("mean", "sum", "none", "batchmean"):
        raise ValueError(f"kl_div: reduction must be 'mean', 'batchmean', 'sum' or 'none', got {reduction!r}")
    _same_shape("kl_div", input, target)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        t = np.asarray(target._data if isinstance(target, Tensor) else target)
        positive = t > 0  # 0·log 0 is taken as 0 (xlogy)
        loss = where(positive, target * (where(positive, target, 1.0).log() - input), 0.0 * input)
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)


def _labels(y: Any, like: Tensor) -> Tensor:
    return y if isinstance(y, Tensor) else _make(np.asarray(y, dtype=like.dtype), False)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0,
                          reduction: str = "mean") -> Tensor:
    """1 − cos(x1, x2) where target is 1, max(0, cos − margin) where it is −1 (PyTorch's eps of 1e-12 inside)."""
    _check_reduction("cosine_embedding_loss", reduction)
    dim = input1.ndim - 1
    prod = (input1 * input2).sum(dim)
    cos = prod / (((input1 * input1).sum(dim) + 1e-12) * ((input2 * input2).sum(dim) + 1e-12)).sqrt()
    y = np.asarray(_labels(target, input1)._data)
    return _reduce(where(y == 1, 1 - cos, 0.0 * cos) + where(y == -1, relu(cos - margin), 0.0 * cos), reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0,
                        reduction: str = "mean") -> Tensor:
    """max(0, −y·(x1 − x2) + margin): x1 should rank above x2 where y = 1, below where y = −1."""
    _check_reduction("margin_ranking_loss", reduction)
    return _reduce(relu(-_labels(target, input1) * (input1 - input2) + margin), reduction)


def hinge_embedding_loss(input: Tensor, target: Any, margin: float = 1.0,  # noqa: A002
                         reduction: str = "mean") -> Tensor:
    """x where y = 1, max(0, margin − x) where y = −1 (x is usually a distance)."""
    _check_reduction("hinge_embedding_loss", reduction)
    y = np.asarray(_labels(target, input)._data)
    return _reduce(where(y == 1, input, 0.0 * input) + where(y == -1, relu(margin - input), 0.0 * input), reduction)


def soft_margin_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """ln(1 + exp(−y·x)): the logistic loss for labels ±1."""
    _check_reduction("soft_margin_loss", reduction)
    return _reduce(softplus(-_labels(target, input) * input), reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2.0,
                        eps: float = 1e-6, swap: bool = False, reduction: str = "mean") -> Tensor:
    """max(d(a, p) − d(a, n) + margin, 0): the anchor nearer the positive than the negative, by the margin."""
    _check_reduction("triplet_margin_loss", reduction)
    d_pos, d_neg = pairwise_distance(anchor, positive, p, eps), pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = -maximum(-d_neg, -pairwise_distance(positive, negative, p, eps))
    return _reduce(relu(d_pos - d_neg + margin), reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,  # noqa: A002
                     eps: float = 1e-8, reduction: str = "mean") -> Tensor:
    """exp(x) − y·x for log-rates x (or x − y·ln(x + eps) for rates), plus Stirling's term when `full`."""
    _check_reduction("poisson_nll_loss", reduction)
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:  # Stirling's approximation of ln(y!), where y > 1
        big = np.asarray(target._data) > 1
        y = where(big, target, 1.0)
        loss = loss + where(big, y * y.log() - y + 0.5 * (2 * math.pi * y).log(), 0.0)
    return _reduce(loss, reduction)
