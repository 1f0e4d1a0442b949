"""The activations beyond relu/sigmoid/tanh that small models use: ELU, SiLU, Mish, Hardtanh (and ReLU6), PReLU,
LogSigmoid, Softsign. Elementwise, so each derivative is local: the formula torch's derivatives.yaml gives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassgrad.autograd import apply
from glassgrad.ops.base import Op, local, value
from glassgrad.ops.elementwise import _sigmoid


class Elu(Op):
    name, text = "elu", "$a if $a > 0 else α(exp($a) − 1)"
    latex = r"$a \text{ if } $a > 0 \text{ else } \alpha(e^{$a} - 1)"
    derivatives = (local("1 if $a > 0 else α·exp($a)", r"1 \text{ if } $a > 0 \text{ else } \alpha e^{$a}",
                         lambda xp, out, a, alpha: xp.where(value(a) > 0, 1.0, xp.exp(a) * alpha)),)

    @staticmethod
    def forward(a: np.ndarray, alpha: float) -> np.ndarray:
        return np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0))).astype(a.dtype, copy=False)


class Silu(Op):
    name, text, latex = "silu", "$a·σ($a)", r"$a \, \sigma($a)"
    derivatives = (local("σ($a)(1 + $a(1 − σ($a)))", r"\sigma($a)\,(1 + $a (1 - \sigma($a)))",
                         lambda xp, out, a: xp.sigmoid(a) * (1 + a * (1 - xp.sigmoid(a)))),)

    @staticmethod
    def forward(a: np.ndarray) -> np.ndarray:
        return a * _sigmoid(a)


def _mish_local(xp: Any, out: Any, a: Any) -> Any:
    t = xp.tanh(xp.softplus(a))
    return t + a * xp.sigmoid(a) * (1 - t * t)


class Mish(Op):
    name, text, latex = "mish", "$a·tanh(softplus($a))", r"$a \tanh(\operatorname{softplus}($a))"
    derivatives = (local("tanh(sp($a)) + $a·σ($a)(1 − tanh²(sp($a)))",
                         r"\tanh(s) + $a\,\sigma($a)(1 - \tanh^2 s),\ s = \operatorname{softplus}($a)", _mish_local),)

    @staticmethod
    def forward(a: np.ndarray) -> np.ndarray:
        return (a * np.tanh(np.logaddexp(0, a))).astype(a.dtype, copy=False)


class Hardtanh(Op):
    name, text, latex = "hardtanh", "clamp($a, min, max)", r"\operatorname{hardtanh}($a)"
    # PyTorch's hardtanh_backward: 1 strictly inside (min, max), 0 at the bounds and beyond (clamp keeps the bounds)
    derivatives = (local("1 if min < $a < max else 0", r"\mathbb{1}[\min < $a < \max]",
                         lambda xp, out, a, min_val, max_val: (value(a) > min_val) & (value(a) < max_val)),)

    @staticmethod
    def forward(a: np.ndarray, min_val: float, max_val: float) -> np.ndarray:
        return np.clip(a, min_val, max_val)


class Prelu(Op):
    name, text, latex = "prelu", "$a if $a > 0 else $b·$a", r"$a \text{ if } $a > 0 \text{ else } $b $a"
    derivatives = (local("1 if $a > 0 else $b", r"1 \text{ if } $a > 0 \text{ else } $b",
                         lambda xp, out, a, w: xp.where(value(a) > 0, 1.0, w)),
                   local("0 if $a > 0 else $a", r"0 \text{ if } $a > 0 \text{ else } $a",
                         lambda xp, out, a, w: xp.where(value(a) > 0, 0.0, a)))

    @staticmethod
    def forward(a: np.ndarray, w: np.ndarray) -> np.ndarray:
        return np.where(a > 0, a, w * a)


class LogSigmoid(Op):
    name, text, latex = "logsigmoid", "ln σ($a)", r"\ln \sigma($a)"
    derivatives = (local("1 − σ($a)", r"1 - \sigma($a)", lambda xp, out, a: xp.sigmoid(-a)),)

    @staticmethod
    def forward(a: np.ndarray) -> np.ndarray:
        return (-np.logaddexp(0, -a)).astype(a.dtype, copy=False)


class Softsign(Op):
    name, text, latex = "softsign", "$a/(1 + |$a|)", r"\frac{$a}{1 + |$a|}"
    derivatives = (local("1/(1 + |$a|)²", r"\frac{1}{(1 + |$a|)^2}",
                         lambda xp, out, a: 1 / ((1 + a * np.sign(value(a))) ** 2)),)

    @staticmethod
    def forward(a: np.ndarray) -> np.ndarray:
        return a / (1 + np.abs(a))


# ---------------------------------------------------------------------------------------- function forms


def elu(a: Any, alpha: float = 1.0) -> Any:
    return apply(Elu, a, alpha=alpha)


def silu(a: Any) -> Any:
    return apply(Silu, a)


def mish(a: Any) -> Any:
    return apply(Mish, a)


def hardtanh(a: Any, min_val: float = -1.0, max_val: float = 1.0) -> Any:
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
    return apply(Hardtanh, a, min_val=min_val, max_val=max_val)


def relu6(a: Any) -> Any:
    return hardtanh(a, 0.0, 6.0)


def prelu(a: Any, weight: Any) -> Any:
    """max(0, x) + weight·min(0, x), with one weight per channel (axis 1) or a single one for all."""
    n = weight.numel() if hasattr(weight, "numel") else np.size(weight)
    if n != 1:
        if a.ndim < 2 or a.shape[1] != n:
            raise RuntimeError(f"prelu: mismatch of parameter numbers and input channel size: the weight has {n} "
                               f"elements, the input has shape {list(a.shape)} (channels on axis 1)")
        weight = weight.reshape((n,) + (1,) * (a.ndim - 2))
    return apply(Prelu, a, weight)


def logsigmoid(a: Any) -> Any:
    return apply(LogSigmoid, a)


def softsign(a: Any) -> Any:
    return apply(Softsign, a)
