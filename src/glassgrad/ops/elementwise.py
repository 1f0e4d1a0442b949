"""Elementwise ops: each output element depends on the same element of each (broadcast) input.

Their derivatives are *local*: ∂out/∂input elementwise. The engine multiplies by the upstream gradient and sums
back over broadcast axes, so each entry below is just the formula a textbook would print.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassgrad.autograd import apply
from glassgrad.ops.base import Op, local, value, vjp
from glassgrad.tensor import Tensor, _make, _promoted, get_default_dtype

_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_erf_scalar, _erfc_scalar = np.frompyfunc(math.erf, 1, 1), np.frompyfunc(math.erfc, 1, 1)


def _erf(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    return np.asarray(_erf_scalar(x), dtype=x.dtype if x.dtype.kind == "f" else np.float32)


def _erfc(x: np.ndarray) -> np.ndarray:
    """1 − erf(x) without the cancellation: its tail (tiny values for large x) keeps every digit."""
    x = np.asarray(x)
    return np.asarray(_erfc_scalar(x), dtype=x.dtype if x.dtype.kind == "f" else np.float32)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """1/(1+e^-x) without overflow for large |x|."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)


def _quiet(f: Any) -> Any:
    """A forward whose domain edges give inf or nan silently, as PyTorch's (atanh(1) is inf, asin(2) nan)."""
    return staticmethod(np.errstate(divide="ignore", invalid="ignore", over="ignore")(f))


class Add(Op):
    name, text, latex = "add", "$a + $b", "$a + $b"
    forward = staticmethod(np.add)
    derivatives = (local("1", "1", lambda xp, out, a, b: 1), local("1", "1", lambda xp, out, a, b: 1))
    needs_inputs = False


class Sub(Op):
    name, text, latex = "sub", "$a − $b", "$a - $b"
    forward = staticmethod(np.subtract)
    derivatives = (local("1", "1", lambda xp, out, a, b: 1), local("−1", "-1", lambda xp, out, a, b: -1))
    needs_inputs = False


class Mul(Op):
    name, text, latex = "mul", "$a·$b", r"$a \cdot $b"
    forward = staticmethod(np.multiply)
    derivatives = (local("$b", "$b", lambda xp, out, a, b: b), local("$a", "$a", lambda xp, out, a, b: a))
    reads = ((1,), (0,))  # x * 3 needs 3, not x: changing x in place afterwards is fine


class Div(Op):
    name, text, latex = "div", "$a/$b", r"\frac{$a}{$b}"
    forward = staticmethod(np.true_divide)
    derivatives = (
        local("1/$b", r"\frac{1}{$b}", lambda xp, out, a, b: 1 / b),
        local("−$a/$b²", r"-\frac{$a}{$b^2}", lambda xp, out, a, b: -a / (b * b)),
    )
    reads = ((1,), (0, 1))


def _pow_base(xp: Any, out: Any, a: Any, b: Any) -> Any:
    # PyTorch's rule: where the exponent is 0 the derivative is 0 (not 0·a^-1, which is nan at a = 0)
    if isinstance(b, (int, float)):
        return 0 if b == 0 else b * a ** (b - 1)
    zero = value(b) == 0  # exponent 1 there, so 0^-1 is never computed (no divide-by-zero warning)
    return xp.where(zero, 0.0, b * a ** xp.where(zero, 1.0, b - 1))


def _pow_exponent(xp: Any, out: Any, a: Any, b: Any) -> Any:
    # a^b·ln a, taken as 0 where a = 0 and b ≥ 0 (the limit PyTorch uses)
    at_zero = value(a) == 0
    ln_a = xp.log(xp.where(at_zero, 1.0, a))
    return xp.where(at_zero & (value(b) >= 0), 0.0, (a**b) * ln_a)


class Pow(Op):
    name, text, latex = "pow", "$a^$b", "{$a}^{$b}"
    forward = _quiet(np.power)  # 0^-1 is inf
    derivatives = (
        local("$b·$a^($b−1)", r"$b \cdot {$a}^{$b - 1}", _pow_base),
        local("$a^$b·ln $a", r"{$a}^{$b} \ln $a", _pow_exponent),
    )


class Remainder(Op):
    name, text, latex = "remainder", "$a mod $b", r"$a \bmod $b"
    forward = _quiet(np.remainder)  # the sign of the divisor, as Python's % and torch.remainder
    derivatives = (local("1", "1", lambda xp, out, a, b: 1),
                   local("−⌊$a/$b⌋", r"-\left\lfloor \frac{$a}{$b} \right\rfloor",
                         lambda xp, out, a, b: -np.floor_divide(value(a), value(b))))
    reads = ((), (0, 1))


class Atan2(Op):
    name, text, latex = "atan2", "atan2($a, $b)", r"\operatorname{atan2}($a, $b)"
    forward = staticmethod(np.arctan2)
    derivatives = (local("$b/($a² + $b²)", r"\frac{$b}{$a^2 + $b^2}", lambda xp, out, a, b: b / (a * a + b * b)),
                   local("−$a/($a² + $b²)", r"-\frac{$a}{$a^2 + $b^2}", lambda xp, out, a, b: -a / (a * a + b * b)))


class Hypot(Op):
    name, text, latex = "hypot", "√($a² + $b²)", r"\sqrt{$a^2 + $b^2}"
    forward = staticmethod(np.hypot)
    derivatives = (local("$a/√($a² + $b²)", r"\frac{$a}{\sqrt{$a^2 + $b^2}}", lambda xp, out, a, b: a / out),
                   local("$b/√($a² + $b²)", r"\frac{$b}{\sqrt{$a^2 + $b^2}}", lambda xp, out, a, b: b / out))
    needs_out = True


class Logaddexp(Op):
    name, text, latex = "logaddexp", "ln(exp($a) + exp($b))", r"\ln(e^{$a} + e^{$b})"
    forward = _quiet(np.logaddexp)
    derivatives = (local("σ($a − $b)", r"\sigma($a - $b)", lambda xp, out, a, b: xp.exp(a - out)),
                   local("σ($b − $a)", r"\sigma($b - $a)", lambda xp, out, a, b: xp.exp(b - out)))
    needs_out = True


class Logaddexp2(Op):
    name, text, latex = "logaddexp2", "log₂(2^$a + 2^$b)", r"\log_2(2^{$a} + 2^{$b})"
    forward = _quiet(np.logaddexp2)
    derivatives = (local("2^$a/(2^$a + 2^$b)", r"\frac{2^{$a}}{2^{$a} + 2^{$b}}",
                         lambda xp, out, a, b: xp.exp((a - out) * math.log(2.0))),
                   local("2^$b/(2^$a + 2^$b)", r"\frac{2^{$b}}{2^{$a} + 2^{$b}}",
                         lambda xp, out, a, b: xp.exp((b - out) * math.log(2.0))))
    needs_out = True


def _xlogy_local(xp: Any, out: Any, a: Any, b: Any) -> Any:
    """ln b, and 0 where a = 0 and b ≤ 0 (PyTorch's): ln of those is never taken."""
    zero = (value(a) == 0) & (value(b) <= 0)
    return xp.where(zero, 0.0, xp.log(xp.where(zero, 1.0, b)))


class Xlogy(Op):
    name, text, latex = "xlogy", "$a·ln $b", r"$a \ln $b"
    derivatives = (local("ln $b (0 where $a = 0, $b ≤ 0)", r"\ln $b \; (0 \text{ where } $a = 0, $b \le 0)",
                         _xlogy_local),
                   local("$a/$b", r"\frac{$a}{$b}", lambda xp, out, a, b: a / b))

    @staticmethod
    @np.errstate(divide="ignore", invalid="ignore")
    def forward(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """0 where a = 0 (even for b = 0 or inf), nan where b is nan: PyTorch's convention."""
        out = np.where(a == 0, 0, a * np.log(b))
        return np.where(np.isnan(b), np.nan, out).astype(np.result_type(a, b), copy=False)


def _copysign_local(xp: Any, out: Any, a: Any, b: Any) -> Any:
    """±1: whether the sign was flipped (PyTorch's a/out), 0 where a = 0."""
    va, vo = value(a), value(out)
    return np.divide(va, vo, out=np.zeros(np.shape(vo), np.result_type(vo)), where=vo != 0)


class Copysign(Op):
    name, text, latex = "copysign", "|$a|·sign($b)", r"\left|$a\right| \operatorname{sign}($b)"
    forward = staticmethod(np.copysign)
    derivatives = (local("sign($a)·sign($b)", r"\operatorname{sign}($a) \operatorname{sign}($b)", _copysign_local),
                   local("0", "0", lambda xp, out, a, b: 0))
    needs_out = True
    reads = ((0,), ())


class Fmod(Remainder):
    name, text, latex = "fmod", "fmod($a, $b)", r"\operatorname{fmod}($a, $b)"
    forward = _quiet(np.fmod)  # the sign of the dividend, as C's fmod
    derivatives = (local("1", "1", lambda xp, out, a, b: 1),
                   local("−trunc($a/$b)", r"-\operatorname{trunc}\left(\frac{$a}{$b}\right)",
                         lambda xp, out, a, b: -np.trunc(value(a) / value(b))))


def _first_wins(greater: bool, first: bool):
    """fmax/fmin's gradient: all of it to a where a wins, ties included, or where b is nan (PyTorch's); else to b."""

    def fn(xp: Any, out: Any, a: Any, b: Any) -> Any:
        va, vb = value(a), value(b)
        wins = ((va >= vb) if greater else (va <= vb)) | np.isnan(vb)
        return wins if first else ~wins

    return fn


class Fmax(Op):
    name, text, latex = "fmax", "fmax($a, $b)", r"\operatorname{fmax}($a, $b)"
    forward = staticmethod(np.fmax)  # nan only where both are
    derivatives = (local("1 if $a ≥ $b or $b is nan, else 0", r"\mathbb{1}[$a \ge $b]", _first_wins(True, True)),
                   local("1 if $b > $a or $a is nan, else 0", r"\mathbb{1}[$b > $a]", _first_wins(True, False)))


class Fmin(Op):
    name, text, latex = "fmin", "fmin($a, $b)", r"\operatorname{fmin}($a, $b)"
    forward = staticmethod(np.fmin)
    derivatives = (local("1 if $a ≤ $b or $b is nan, else 0", r"\mathbb{1}[$a \le $b]", _first_wins(False, True)),
                   local("1 if $b < $a or $a is nan, else 0", r"\mathbb{1}[$b < $a]", _first_wins(False, False)))


def _sinc_local(xp: Any, out: Any, a: Any) -> Any:
    """(cos πa − sinc a)/a, and its limit 0 at a = 0 (where a is replaced by 1, so nothing divides by 0)."""
    zero = value(a) == 0
    a = xp.where(zero, 1.0, a)
    return xp.where(zero, 0.0, (xp.cos(a * math.pi) - out) / a)


class Sinc(Op):
    name, text, latex = "sinc", "sin(π$a)/(π$a)", r"\frac{\sin \pi $a}{\pi $a}"
    forward = _quiet(np.sinc)  # 1 at 0
    derivatives = (local("(cos(π$a) − sinc $a)/$a", r"\frac{\cos \pi $a - \operatorname{sinc} $a}{$a}", _sinc_local),)
    needs_out = True


class NanToNum(Op):
    name, text, latex = "nan_to_num", "nan_to_num($a)", r"\operatorname{nan\_to\_num}($a)"
    derivatives = (local("1 if $a is finite else 0", r"\mathbb{1}[$a \text{ finite}]",
                         lambda xp, out, a, nan, posinf, neginf: np.isfinite(value(a))),)

    @staticmethod
    def forward(a: np.ndarray, nan: float, posinf: float | None, neginf: float | None) -> np.ndarray:
        return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)


class Sign(Op):
    name, text, latex = "sign", "sign($a)", r"\operatorname{sign}($a)"
    derivatives = (local("0", "0", lambda xp, out, a: 0),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray) -> np.ndarray:
        return np.where(np.isnan(a), 0, np.sign(a)).astype(a.dtype, copy=False)  # sign(nan) is 0, as in PyTorch


class Round(Op):
    name, text, latex = "round", "round($a)", r"\operatorname{round}($a)"
    derivatives = (local("0", "0", lambda xp, out, a, decimals: 0),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, decimals: int) -> np.ndarray:
        return np.round(a, decimals)  # halves to even, as PyTorch


class Floor(Op):
    """floor, ceil and trunc: piecewise constant, so their gradient is 0 (PyTorch's); integers pass unchanged."""
    name, text, latex = "floor", "⌊$a⌋", r"\lfloor $a \rfloor"
    derivatives = (local("0", "0", lambda xp, out, a: 0),)
    needs_inputs = False
    rounding = staticmethod(np.floor)

    @classmethod
    def forward(cls, a: np.ndarray) -> np.ndarray:
        return cls.rounding(a) if a.dtype.kind == "f" else a.copy()


class Ceil(Floor):
    name, text, latex = "ceil", "⌈$a⌉", r"\lceil $a \rceil"
    rounding = staticmethod(np.ceil)


class Trunc(Floor):
    name, text, latex = "trunc", "trunc($a)", r"\operatorname{trunc}($a)"
    rounding = staticmethod(np.trunc)


class Neg(Op):
    name, text, latex = "neg", "−$a", "-$a"
    forward = staticmethod(np.negative)
    derivatives = (local("−1", "-1", lambda xp, out, a: -1),)
    needs_inputs = False


class Abs(Op):
    name, text, latex = "abs", "|$a|", r"\left|$a\right|"
    forward = staticmethod(np.abs)
    derivatives = (local("sign($a)", r"\operatorname{sign}($a)", lambda xp, out, a: np.sign(value(a))),)


class Exp(Op):
    name, text, latex = "exp", "exp($a)", "e^{$a}"
    forward = staticmethod(np.exp)
    derivatives = (local("exp($a)", "e^{$a}", lambda xp, out, a: out),)
    needs_inputs, needs_out = False, True


class Log(Op):
    name, text, latex = "log", "ln $a", r"\ln $a"
    forward = staticmethod(np.log)
    derivatives = (local("1/$a", r"\frac{1}{$a}", lambda xp, out, a: 1 / a),)


class Log1p(Op):
    name, text, latex = "log1p", "ln(1 + $a)", r"\ln(1 + $a)"
    forward = staticmethod(np.log1p)
    derivatives = (local("1/(1 + $a)", r"\frac{1}{1 + $a}", lambda xp, out, a: 1 / (1 + a)),)


class Log2(Op):
    name, text, latex = "log2", "log₂ $a", r"\log_2 $a"
    forward = staticmethod(np.log2)
    derivatives = (local("1/($a·ln 2)", r"\frac{1}{$a \ln 2}", lambda xp, out, a: 1 / (a * math.log(2.0))),)


class Log10(Op):
    name, text, latex = "log10", "log₁₀ $a", r"\log_{10} $a"
    forward = staticmethod(np.log10)
    derivatives = (local("1/($a·ln 10)", r"\frac{1}{$a \ln 10}", lambda xp, out, a: 1 / (a * math.log(10.0))),)


class Expm1(Op):
    name, text, latex = "expm1", "exp($a) − 1", "e^{$a} - 1"
    forward = staticmethod(np.expm1)
    derivatives = (local("exp($a)", "e^{$a}", lambda xp, out, a: out + 1),)
    needs_inputs, needs_out = False, True


class Tan(Op):
    name, text, latex = "tan", "tan $a", r"\tan $a"
    forward = staticmethod(np.tan)
    derivatives = (local("1 + tan²$a", r"1 + \tan^2 $a", lambda xp, out, a: 1 + out * out),)
    needs_inputs, needs_out = False, True


class Sinh(Op):
    name, text, latex = "sinh", "sinh $a", r"\sinh $a"
    forward = staticmethod(np.sinh)
    derivatives = (local("cosh $a", r"\cosh $a", lambda xp, out, a: (xp.exp(a) + xp.exp(-a)) / 2),)


class Cosh(Op):
    name, text, latex = "cosh", "cosh $a", r"\cosh $a"
    forward = staticmethod(np.cosh)
    derivatives = (local("sinh $a", r"\sinh $a", lambda xp, out, a: (xp.exp(a) - xp.exp(-a)) / 2),)


class Exp2(Op):
    name, text, latex = "exp2", "2^$a", "2^{$a}"
    forward = _quiet(np.exp2)
    derivatives = (local("2^$a·ln 2", r"2^{$a} \ln 2", lambda xp, out, a: out * math.log(2.0)),)
    needs_inputs, needs_out = False, True


class Asin(Op):
    name, text, latex = "asin", "asin $a", r"\arcsin $a"
    forward = _quiet(np.arcsin)
    derivatives = (local("1/√(1 − $a²)", r"\frac{1}{\sqrt{1 - $a^2}}", lambda xp, out, a: 1 / xp.sqrt(1 - a * a)),)


class Acos(Op):
    name, text, latex = "acos", "acos $a", r"\arccos $a"
    forward = _quiet(np.arccos)
    derivatives = (local("−1/√(1 − $a²)", r"-\frac{1}{\sqrt{1 - $a^2}}", lambda xp, out, a: -1 / xp.sqrt(1 - a * a)),)


class Atan(Op):
    name, text, latex = "atan", "atan $a", r"\arctan $a"
    forward = staticmethod(np.arctan)
    derivatives = (local("1/(1 + $a²)", r"\frac{1}{1 + $a^2}", lambda xp, out, a: 1 / (1 + a * a)),)


class Asinh(Op):
    name, text, latex = "asinh", "asinh $a", r"\operatorname{arsinh} $a"
    forward = staticmethod(np.arcsinh)
    derivatives = (local("1/√($a² + 1)", r"\frac{1}{\sqrt{$a^2 + 1}}", lambda xp, out, a: 1 / xp.sqrt(a * a + 1)),)


class Acosh(Op):
    name, text, latex = "acosh", "acosh $a", r"\operatorname{arcosh} $a"
    forward = _quiet(np.arccosh)
    derivatives = (local("1/√($a² − 1)", r"\frac{1}{\sqrt{$a^2 - 1}}", lambda xp, out, a: 1 / xp.sqrt(a * a - 1)),)


class Atanh(Op):
    name, text, latex = "atanh", "atanh $a", r"\operatorname{artanh} $a"
    forward = _quiet(np.arctanh)
    derivatives = (local("1/(1 − $a²)", r"\frac{1}{1 - $a^2}", lambda xp, out, a: 1 / (1 - a * a)),)


def _logit_local(xp: Any, out: Any, a: Any, eps: float | None) -> Any:
    """PyTorch's: 1/(a(1 − a)), and 0 outside [eps, 1 − eps] where eps clamps the input (a = 0 divides nothing)."""
    if eps is None:
        return 1 / (a * (1 - a))
    outside = (value(a) < eps) | (value(a) > 1 - eps)
    a = xp.where(outside, 0.5, a)
    return xp.where(outside, 0.0, 1 / (a * (1 - a)))


class Logit(Op):
    name, text, latex = "logit", "ln($a/(1 − $a))", r"\ln \frac{$a}{1 - $a}"
    derivatives = (local("1/($a(1 − $a))", r"\frac{1}{$a (1 - $a)}", _logit_local),)

    @_quiet
    def forward(a: np.ndarray, eps: float | None) -> np.ndarray:
        z = a if eps is None else np.clip(a, eps, 1 - eps)
        return np.log(z / (1 - z))


class Sqrt(Op):
    name, text, latex = "sqrt", "√$a", r"\sqrt{$a}"
    forward = staticmethod(np.sqrt)
    derivatives = (local("1/(2√$a)", r"\frac{1}{2\sqrt{$a}}", lambda xp, out, a: 0.5 / out),)
    needs_inputs, needs_out = False, True


class Sin(Op):
    name, text, latex = "sin", "sin $a", r"\sin $a"
    forward = staticmethod(np.sin)
    derivatives = (local("cos $a", r"\cos $a", lambda xp, out, a: xp.cos(a)),)


class Cos(Op):
    name, text, latex = "cos", "cos $a", r"\cos $a"
    forward = staticmethod(np.cos)
    derivatives = (local("−sin $a", r"-\sin $a", lambda xp, out, a: -xp.sin(a)),)


class Tanh(Op):
    name, text, latex = "tanh", "tanh $a", r"\tanh $a"
    forward = staticmethod(np.tanh)
    derivatives = (local("1 − tanh²$a", r"1 - \tanh^2 $a", lambda xp, out, a: 1 - out * out),)
    needs_inputs, needs_out = False, True


class Sigmoid(Op):
    name, text, latex = "sigmoid", "σ($a)", r"\sigma($a)"
    forward = staticmethod(_sigmoid)
    derivatives = (local("σ($a)(1 − σ($a))", r"\sigma($a)\,(1 - \sigma($a))", lambda xp, out, a: out * (1 - out)),)
    needs_inputs, needs_out = False, True


class Relu(Op):
    name, text, latex = "relu", "max(0, $a)", r"\max(0, $a)"
    derivatives = (local("1 if $a > 0 else 0", r"\mathbb{1}[$a > 0]", lambda xp, out, a: value(a) > 0),)

    @staticmethod
    def forward(a: np.ndarray) -> np.ndarray:
        return np.maximum(a, 0).astype(a.dtype, copy=False)


class LeakyRelu(Op):
    name, text, latex = "leaky_relu", "max($a, s·$a)", r"\max($a, s $a)"
    derivatives = (local("1 if $a > 0 else s", r"1 \text{ if } $a > 0 \text{ else } s",
                         lambda xp, out, a, negative_slope: np.where(value(a) > 0, 1.0, negative_slope)
                         .astype(value(a).dtype)),)

    @staticmethod
    def forward(a: np.ndarray, negative_slope: float) -> np.ndarray:
        return np.where(a > 0, a, a * negative_slope).astype(a.dtype, copy=False)


class Erf(Op):
    name, text, latex = "erf", "erf($a)", r"\operatorname{erf}($a)"
    forward = staticmethod(_erf)
    derivatives = (local("(2/√π)·exp(−$a²)", r"\tfrac{2}{\sqrt{\pi}} e^{-$a^2}",
                         lambda xp, out, a: (2 / math.sqrt(math.pi)) * xp.exp(-(a * a))),)


class Erfc(Op):
    name, text, latex = "erfc", "erfc($a)", r"\operatorname{erfc}($a)"
    forward = staticmethod(_erfc)
    derivatives = (local("−(2/√π)·exp(−$a²)", r"-\tfrac{2}{\sqrt{\pi}} e^{-$a^2}",
                         lambda xp, out, a: (-2 / math.sqrt(math.pi)) * xp.exp(-(a * a))),)


_GELU_K = math.sqrt(2 / math.pi)


def _gelu_local(xp: Any, out: Any, a: Any, approximate: str) -> Any:
    """Φ(a) as erfc(−a/√2)/2 and the tanh form's (1 + tanh u)/2 as σ(2u): no 1 − 1 cancellation in the left tail."""
    if approximate == "tanh":
        s = xp.sigmoid(2 * _GELU_K * (a + 0.044715 * a * a * a))
        return s + 2 * a * s * (1 - s) * _GELU_K * (1 + 3 * 0.044715 * a * a)
    return 0.5 * xp.erfc(a * -(1 / _SQRT2)) + a * _INV_SQRT_2PI * xp.exp(-0.5 * a * a)


class Gelu(Op):
    name, text, latex = "gelu", "$a·Φ($a)", r"$a \, \Phi($a)"
    derivatives = (local("Φ($a) + $a·φ($a)", r"\Phi($a) + $a \, \varphi($a)", _gelu_local),)

    @staticmethod
    def forward(a: np.ndarray, approximate: str) -> np.ndarray:
        if approximate == "tanh":
            return a * _sigmoid(2 * _GELU_K * (a + 0.044715 * a**3))
        return 0.5 * a * _erfc(a * -(1 / _SQRT2))


class Softplus(Op):
    name, text, latex = "softplus", "ln(1 + exp(β$a))/β", r"\tfrac{1}{\beta}\ln(1 + e^{\beta $a})"
    derivatives = (local("σ(β$a)", r"\sigma(\beta $a)", lambda xp, out, a, beta, threshold: xp.where(
        value(a) * beta > threshold, 1.0, xp.sigmoid(a * beta))),)

    @staticmethod
    def forward(a: np.ndarray, beta: float, threshold: float) -> np.ndarray:
        z = a * beta
        return np.where(z > threshold, a, np.logaddexp(0, z) / beta).astype(a.dtype, copy=False)


class Clamp(Op):
    name, text, latex = "clamp", "clamp($a, min, max)", r"\operatorname{clamp}($a)"
    derivatives = (local("1 if min ≤ $a ≤ max else 0", r"\mathbb{1}[\min \le $a \le \max]",
                         lambda xp, out, a, min, max:
                         (True if min is None else value(a) >= min) & (True if max is None else value(a) <= max)),)

    @staticmethod
    def forward(a: np.ndarray, min: float | None, max: float | None) -> np.ndarray:
        return np.clip(a, min, max)


def _tie_split(first: bool, greater: bool):
    """∂max(a,b)/∂a: 1 where a wins, ½ on ties (PyTorch splits the gradient between equal inputs), 1 to both
    where either is nan (PyTorch's: a does not lose there)."""

    def fn(xp: Any, out: Any, a: Any, b: Any) -> Any:
        va, vb = (value(a), value(b)) if first else (value(b), value(a))
        wins = ~(va < vb) if greater else ~(va > vb)
        return np.where(va == vb, 0.5, np.where(wins, 1.0, 0.0)).astype(np.result_type(va, vb))

    return fn


class Maximum(Op):
    name, text, latex = "maximum", "max($a, $b)", r"\max($a, $b)"
    forward = staticmethod(np.maximum)
    derivatives = (local("1 if $a > $b, ½ if equal, else 0", r"\mathbb{1}[$a > $b]", _tie_split(True, True)),
                   local("1 if $b > $a, ½ if equal, else 0", r"\mathbb{1}[$b > $a]", _tie_split(False, True)))


class Minimum(Op):
    name, text, latex = "minimum", "min($a, $b)", r"\min($a, $b)"
    forward = staticmethod(np.minimum)
    derivatives = (local("1 if $a < $b, ½ if equal, else 0", r"\mathbb{1}[$a < $b]", _tie_split(True, False)),
                   local("1 if $b < $a, ½ if equal, else 0", r"\mathbb{1}[$b < $a]", _tie_split(False, False)))


class Where(Op):
    name, text, latex = "where", "$b if $a else $c", r"$b \text{ if } $a \text{ else } $c"
    forward = staticmethod(np.where)
    derivatives = (None,
                   local("1 where $a else 0", r"\mathbb{1}[$a]", lambda xp, out, c, a, b: value(c)),
                   local("0 where $a else 1", r"\mathbb{1}[\lnot $a]", lambda xp, out, c, a, b: ~value(c)))
    needs_inputs, needs_out = False, True


class Cast(Op):
    name, text, latex = "to", "$a as dtype", r"\operatorname{cast}($a)"
    derivatives = (vjp("g cast back", "g", lambda xp, g, out, a, dtype: xp.cast(g, value(a).dtype)),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, dtype: np.dtype) -> np.ndarray:
        return a.astype(dtype)


# ---------------------------------------------------------------------------------------- function forms


def cast(a: Any, dtype: Any) -> Any:
    return apply(Cast, a, dtype=np.dtype(dtype))


def _floating(a: Any) -> Any:
    """Integer and bool inputs of a float function (exp, log, sin, ...) become the default float, as in PyTorch."""
    if isinstance(a, Tensor) and a.dtype.kind in "biu":
        return cast(a, get_default_dtype())
    return a


def _binary(op: type[Op], a: Any, b: Any, divide: bool = False) -> Any:
    """Both operands cast to the dtype PyTorch's promotion gives: operators, methods and functions alike."""
    if isinstance(a, Tensor):
        a, b = _promoted(a, b, divide)
    elif isinstance(b, Tensor):
        b, a = _promoted(b, a, divide)
    return apply(op, a, b)


def add(a: Any, b: Any, *, alpha: Any = 1) -> Any:
    return _binary(Add, a, b if alpha == 1 else b * alpha)


def sub(a: Any, b: Any, *, alpha: Any = 1) -> Any:
    return _binary(Sub, a, b if alpha == 1 else b * alpha)


def mul(a: Any, b: Any) -> Any:
    return _binary(Mul, a, b)


def div(a: Any, b: Any, *, rounding_mode: str | None = None) -> Any:
    if rounding_mode is not None:
        return _rounded_div(a, b, rounding_mode)
    return _binary(Div, a, b, True)


def pow(a: Any, b: Any) -> Any:  # noqa: A001 - PyTorch's name
    return _binary(Pow, a, b)


def remainder(a: Any, b: Any) -> Any:
    return _binary(Remainder, a, b)


def _float_binary(op: type[Op], a: Any, b: Any) -> Any:
    """Float functions of two inputs (atan2, hypot, xlogy...): PyTorch's promotion, and integers give the default
    float."""
    a, b = _promoted(a, b) if isinstance(a, Tensor) else _promoted(b, a)[::-1]
    return apply(op, _floating(a), _floating(b))


def atan2(a: Any, b: Any) -> Any:
    return _float_binary(Atan2, a, b)


def hypot(a: Any, b: Any) -> Any:
    return _float_binary(Hypot, a, b)


def logaddexp(a: Any, b: Any) -> Any:
    return _float_binary(Logaddexp, a, b)


def logaddexp2(a: Any, b: Any) -> Any:
    return _float_binary(Logaddexp2, a, b)


def xlogy(a: Any, b: Any) -> Any:
    return _float_binary(Xlogy, a, b)


def copysign(a: Any, b: Any) -> Any:
    return _float_binary(Copysign, a, b)


def fmod(a: Any, b: Any) -> Any:
    return _binary(Fmod, a, b)


def fmax(a: Any, b: Any) -> Any:
    return _binary(Fmax, a, b)


def fmin(a: Any, b: Any) -> Any:
    return _binary(Fmin, a, b)


def sinc(a: Any) -> Any:
    return apply(Sinc, _floating(a))


def nan_to_num(a: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Any:
    return apply(NanToNum, a, nan=nan, posinf=posinf, neginf=neginf)


def _rounded_div(a: Any, b: Any, mode: str) -> Any:
    """a / b rounded down ('floor', as a // b) or toward zero ('trunc'): a constant (PyTorch's gradient is zero or
    not implemented), in the promoted dtype without the integer-to-float step of true division."""
    if mode not in ("floor", "trunc"):
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'")
    a, b = _promoted(a, b) if isinstance(a, Tensor) else _promoted(b, a)[::-1]
    va, vb = value(a), value(b)
    if mode == "floor":
        out = np.floor_divide(va, vb)
    else:
        dtype = np.result_type(va, vb)
        out = np.trunc(np.true_divide(va, vb)).astype(dtype) if dtype.kind in "iu" else np.trunc(va / vb)
    return _make(np.asarray(out), False)


def floor_divide(a: Any, b: Any) -> Any:
    return _rounded_div(a, b, "floor")


def sign(a: Any) -> Any:
    return apply(Sign, a)


def round(a: Any, decimals: int = 0) -> Any:  # noqa: A001
    return apply(Round, a, decimals=decimals)


def floor(a: Any) -> Any:
    return apply(Floor, a)


def ceil(a: Any) -> Any:
    return apply(Ceil, a)


def trunc(a: Any) -> Any:
    return apply(Trunc, a)


def frac(a: Any) -> Any:
    return sub(a, trunc(a))


def reciprocal(a: Any) -> Any:
    return div(1.0, _floating(a))


def rsqrt(a: Any) -> Any:
    return pow(_floating(a), -0.5)


def square(a: Any) -> Any:
    return pow(a, 2)


def neg(a: Any) -> Any:
    return apply(Neg, a)


def abs(a: Any) -> Any:  # noqa: A001
    return apply(Abs, a)


def exp(a: Any) -> Any:
    return apply(Exp, _floating(a))


def log(a: Any) -> Any:
    return apply(Log, _floating(a))


def log1p(a: Any) -> Any:
    return apply(Log1p, _floating(a))


def log2(a: Any) -> Any:
    return apply(Log2, _floating(a))


def log10(a: Any) -> Any:
    return apply(Log10, _floating(a))


def expm1(a: Any) -> Any:
    return apply(Expm1, _floating(a))


def tan(a: Any) -> Any:
    return apply(Tan, _floating(a))


def sinh(a: Any) -> Any:
    return apply(Sinh, _floating(a))


def cosh(a: Any) -> Any:
    return apply(Cosh, _floating(a))


def exp2(a: Any) -> Any:
    return apply(Exp2, _floating(a))


def asin(a: Any) -> Any:
    return apply(Asin, _floating(a))


def acos(a: Any) -> Any:
    return apply(Acos, _floating(a))


def atan(a: Any) -> Any:
    return apply(Atan, _floating(a))


def asinh(a: Any) -> Any:
    return apply(Asinh, _floating(a))


def acosh(a: Any) -> Any:
    return apply(Acosh, _floating(a))


def atanh(a: Any) -> Any:
    return apply(Atanh, _floating(a))


def logit(a: Any, eps: float | None = None) -> Any:
    return apply(Logit, _floating(a), eps=eps)


def sqrt(a: Any) -> Any:
    return apply(Sqrt, _floating(a))


def sin(a: Any) -> Any:
    return apply(Sin, _floating(a))


def cos(a: Any) -> Any:
    return apply(Cos, _floating(a))


def tanh(a: Any) -> Any:
    return apply(Tanh, _floating(a))


def sigmoid(a: Any) -> Any:
    return apply(Sigmoid, _floating(a))


def relu(a: Any) -> Any:
    return apply(Relu, a)


def leaky_relu(a: Any, negative_slope: float = 0.01) -> Any:
    return apply(LeakyRelu, a, negative_slope=negative_slope)


def erf(a: Any) -> Any:
    return apply(Erf, _floating(a))


def erfc(a: Any) -> Any:
    return apply(Erfc, _floating(a))


def gelu(a: Any, approximate: str = "none") -> Any:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return apply(Gelu, a, approximate=approximate)


def softplus(a: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    return apply(Softplus, a, beta=beta, threshold=threshold)


def clamp(a: Any, min: float | None = None, max: float | None = None) -> Any:  # noqa: A002
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    return apply(Clamp, a, min=min, max=max)


def clamp_min(a: Any, min: float) -> Any:  # noqa: A002
    return clamp(a, min=min)


def clamp_max(a: Any, max: float) -> Any:  # noqa: A002
    return clamp(a, max=max)


def maximum(a: Any, b: Any) -> Any:
    return apply(Maximum, a, b)


def minimum(a: Any, b: Any) -> Any:
    return apply(Minimum, a, b)


def where(condition: Any, a: Any, b: Any) -> Any:
    return apply(Where, np.asarray(value(condition), dtype=bool), a, b)
