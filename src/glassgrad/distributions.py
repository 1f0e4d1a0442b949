"""torch.distributions' names for the tutorials' policies and VAEs: Categorical, Bernoulli, Normal, Uniform and
kl_divergence, with PyTorch's parameter checks and messages. log_prob, entropy, rsample and the KL divergences
are compositions of recorded ops, so gradients reach the parameters; draws come from glassgrad's NumPy stream."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassgrad.autograd import no_grad
from glassgrad.functional import clamp, log, log1p, logsumexp, sigmoid, softmax, where
from glassgrad.ops.elementwise import erf
from glassgrad.ops.loss import binary_cross_entropy_with_logits
from glassgrad.runtime import finfo
from glassgrad.tensor import Size, Tensor, _make, generator, get_default_dtype, tensor

__all__ = ["Bernoulli", "Categorical", "Distribution", "Normal", "Uniform", "kl_divergence", "register_kl"]


class _Constraint:
    """A parameter's or a value's domain: check() is elementwise, repr() is PyTorch's (it appears in messages)."""

    def __init__(self, name: str, check: Callable[[np.ndarray], np.ndarray], **bounds: Any) -> None:
        self._check = check
        self.text = name if name.endswith(")") else f"{name}({', '.join(f'{k}={v}' for k, v in bounds.items())})"

    def check(self, value: Tensor) -> np.ndarray:
        return self._check(value._data)

    def __repr__(self) -> str:
        return self.text


def _real() -> _Constraint:
    return _Constraint("Real", lambda v: v == v)


def _interval(low: Any, high: Any) -> _Constraint:
    lo, hi = np.asarray(low), np.asarray(high)
    return _Constraint("Interval", lambda v: (lo <= v) & (v <= hi), lower_bound=low, upper_bound=high)


def _broadcast_all(*values: Any) -> list[Tensor]:
    """Numbers become tensors of the tensors' dtype (else the default dtype); all expand to one shape."""
    dtype = next((v.dtype for v in values if isinstance(v, Tensor)), get_default_dtype())
    ts = [v if isinstance(v, Tensor) else tensor(v, dtype=dtype) for v in values]
    shape = np.broadcast_shapes(*(t.shape for t in ts))
    return [t if t.shape == shape else t.expand(shape) for t in ts]


class Distribution:
    """batch_shape, event_shape, sample/rsample of sample_shape + batch_shape + event_shape, PyTorch's checks."""

    arg_constraints: dict[str, Any] = {}
    has_rsample = False
    _validate_default = True

    def __init__(self, batch_shape: Sequence[int] = (), event_shape: Sequence[int] = (),
                 validate_args: bool | None = None) -> None:
        self._batch_shape, self._event_shape = Size(batch_shape), Size(event_shape)
        self._validate_args = self._validate_default if validate_args is None else validate_args
        if self._validate_args:
            for name, constraint in self._constraints().items():
                value = getattr(self, name)
                if not np.all(constraint.check(value)):
                    raise ValueError(f"Expected parameter {name} (Tensor of shape {tuple(value.shape)}) of "
                                     f"distribution {self!r} to satisfy the constraint {constraint!r}, but found "
                                     f"invalid values:\n{value}")

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn the parameter and value checks on or off for distributions made from now on."""
        Distribution._validate_default = bool(value)

    def _constraints(self) -> dict[str, _Constraint]:
        return {k: c for k, c in self.arg_constraints.items() if k in self._given}

    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    @property
    def support(self) -> _Constraint:
        raise NotImplementedError

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def _extended_shape(self, sample_shape: Sequence[int] = ()) -> Size:
        return Size(tuple(sample_shape)) + self._batch_shape + self._event_shape

    def sample(self, sample_shape: Sequence[int] = Size()) -> Tensor:
        """A draw that does not require grad (rsample's value where there is one)."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Sequence[int] = Size()) -> Tensor:
        raise NotImplementedError

    def _validate_sample(self, value: Any) -> None:
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        if not self._validate_args:
            return
        shape = tuple(self._batch_shape + self._event_shape)
        try:
            np.broadcast_shapes(value.shape, shape)
        except ValueError:
            raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: {value.shape} vs "
                             f"{Size(shape)}.") from None
        if not np.all(self.support.check(value)):
            raise ValueError(f"Expected value argument (Tensor of shape {tuple(value.shape)}) to be within the "
                             f"support ({self.support!r}) of the distribution {self!r}, but found invalid "
                             f"values:\n{value}")

    def __repr__(self) -> str:
        shown = [f"{k}: {v if v.numel() == 1 else v.shape}" for k in self.arg_constraints if k in self._given
                 for v in [getattr(self, k)]]
        return f"{type(self).__name__}({', '.join(shown)})"


def _probs_or_logits(probs: Any, logits: Any) -> str:
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    return "probs" if probs is not None else "logits"


def _clamp_probs(probs: Tensor) -> Tensor:
    eps = float(finfo(probs.dtype).eps)
    return clamp(probs, min=eps, max=1 - eps)


class Categorical(Distribution):
    """One of K classes with probabilities `probs` (rows normalised) or unnormalised log-probabilities `logits`."""

    arg_constraints = {"probs": _Constraint(
        "Simplex", lambda v: np.all(v >= 0, axis=-1) & (np.abs(v.sum(-1) - 1) < 1e-6)),
        "logits": _Constraint("IndependentConstraint(Real(), 1)", lambda v: np.all(v == v, axis=-1))}

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        given = _probs_or_logits(probs, logits)
        param = probs if probs is not None else logits
        param = param if isinstance(param, Tensor) else tensor(param)
        if param.ndim < 1:
            raise ValueError(f"`{given}` parameter must be at least one-dimensional.")
        if probs is not None:
            self.probs = param / param.sum(-1, keepdim=True)
            self.logits = log(_clamp_probs(self.probs))
        else:
            self.logits = param - logsumexp(param, -1, keepdim=True)
            self.probs = softmax(self.logits, -1)
        self._given, self._num_events = (given,), param.shape[-1]
        super().__init__(param.shape[:-1], (), validate_args)

    @property
    def param_shape(self) -> Size:
        return self.probs.shape

    @property
    def support(self) -> _Constraint:
        hi = self._num_events - 1
        return _Constraint("IntegerInterval", lambda v: (v % 1 == 0) & (v >= 0) & (v <= hi), lower_bound=0,
                           upper_bound=hi)

    @property
    def mean(self) -> Tensor:
        return _make(np.full(self._batch_shape, np.nan, dtype=self.probs.dtype), False)

    variance = mean

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    def sample(self, sample_shape: Sequence[int] = Size()) -> Tensor:
        """Class indices (int64) of shape sample_shape + batch_shape, by inverting each row's CDF."""
        shape = self._extended_shape(sample_shape)
        cdf = np.cumsum(self.probs._data, -1)
        u = generator().random(shape) * cdf[..., -1]
        return _make(np.minimum((u[..., None] >= cdf).sum(-1), self._num_events - 1).astype(np.int64), False)

    def log_prob(self, value: Tensor) -> Tensor:
        """log probs[value], broadcast over the batch: differentiable w.r.t. the parameters (REINFORCE)."""
        self._validate_sample(value)
        shape = np.broadcast_shapes(value.shape + (1,), self.logits.shape)
        index = np.broadcast_to(value._data.astype(np.int64)[..., None], shape)[..., :1]
        return self.logits.expand(shape).gather(-1, _make(np.ascontiguousarray(index), False)).squeeze(-1)

    def entropy(self) -> Tensor:
        logits = clamp(self.logits, min=float(finfo(self.logits.dtype).min))
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        values = np.arange(self._num_events).reshape((-1,) + (1,) * len(self._batch_shape))
        return _make(np.broadcast_to(values, (self._num_events,) + tuple(self._batch_shape)).copy() if expand
                     else values, False)


class Bernoulli(Distribution):
    """0 or 1 with probability `probs` of 1, or `logits` = log(p/(1 − p)); samples are floats, as in PyTorch."""

    arg_constraints = {"probs": _interval(0.0, 1.0), "logits": _real()}

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        given = _probs_or_logits(probs, logits)
        if probs is not None:
            (self.probs,) = _broadcast_all(probs)
            p = _clamp_probs(self.probs)
            self.logits = log(p) - log1p(-p)
        else:
            (self.logits,) = _broadcast_all(logits)
            self.probs = sigmoid(self.logits)
        self._given = (given,)
        super().__init__(self.probs.shape, (), validate_args)

    @property
    def param_shape(self) -> Size:
        return self.probs.shape

    @property
    def support(self) -> _Constraint:
        return _Constraint("Boolean", lambda v: (v == 0) | (v == 1))

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    @property
    def mode(self) -> Tensor:
        p = self.probs._data
        return _make(np.where(p == 0.5, np.nan, (p > 0.5)).astype(p.dtype), False)

    def sample(self, sample_shape: Sequence[int] = Size()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        p = np.broadcast_to(self.probs._data, shape)
        return _make((generator().random(shape) < p).astype(p.dtype), False)

    def log_prob(self, value: Tensor) -> Tensor:
        self._validate_sample(value)
        logits, value = _broadcast_all(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self) -> Tensor:
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")


class Normal(Distribution):
    """Gaussian N(loc, scale²); rsample is loc + ε·scale (the reparameterisation trick: VAEs backprop through it)."""

    arg_constraints = {"loc": _real(), "scale": _Constraint("GreaterThan", lambda v: v > 0, lower_bound=0.0)}
    has_rsample = True
    _given = ("loc", "scale")

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = _broadcast_all(loc, scale)
        super().__init__(self.loc.shape, (), validate_args)

    @property
    def support(self) -> _Constraint:
        return _real()

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.scale ** 2

    def rsample(self, sample_shape: Sequence[int] = Size()) -> Tensor:
        eps = generator().standard_normal(self._extended_shape(sample_shape)).astype(self.loc.dtype)
        return self.loc + _make(eps, False) * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        self._validate_sample(value)
        return -((value - self.loc) ** 2) / (2 * self.variance) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value: Tensor) -> Tensor:
        self._validate_sample(value)
        return 0.5 * (1 + erf((value - self.loc) / (self.scale * math.sqrt(2))))

    def entropy(self) -> Tensor:
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()


class Uniform(Distribution):
    """Uniform on [low, high); rsample is low + u·(high − low), differentiable w.r.t. both ends."""

    has_rsample = True
    _given = ("low", "high")

    def __init__(self, low: Any, high: Any, validate_args: bool | None = None) -> None:
        self.low, self.high = _broadcast_all(low, high)
        super().__init__(self.low.shape, (), validate_args)

    @property
    def arg_constraints(self) -> dict[str, _Constraint]:  # type: ignore[override]
        lo, hi = self.low._data, self.high._data
        return {"low": _Constraint("LessThan", lambda v: v < hi, upper_bound=self.high),
                "high": _Constraint("GreaterThan", lambda v: v > lo, lower_bound=self.low)}

    @property
    def support(self) -> _Constraint:
        return _interval(self.low, self.high)

    @property
    def mean(self) -> Tensor:
        return (self.high + self.low) / 2

    @property
    def mode(self) -> Tensor:
        return _make(np.full(self.low.shape, np.nan, dtype=self.low.dtype), False)

    @property
    def variance(self) -> Tensor:
        return (self.high - self.low) ** 2 / 12

    def rsample(self, sample_shape: Sequence[int] = Size()) -> Tensor:
        u = generator().random(self._extended_shape(sample_shape)).astype(self.low.dtype)
        return self.low + _make(u, False) * (self.high - self.low)

    def log_prob(self, value: Tensor) -> Tensor:
        self._validate_sample(value)
        inside = (self.low._data <= value._data) & (self.high._data > value._data)
        with np.errstate(divide="ignore"):  # log 0 = −inf outside [low, high), silently as in PyTorch
            log_inside = np.log(inside.astype(self.low.dtype))
        return _make(log_inside, False) - log(self.high - self.low)

    def cdf(self, value: Tensor) -> Tensor:
        self._validate_sample(value)
        return clamp((value - self.low) / (self.high - self.low), min=0, max=1)

    def entropy(self) -> Tensor:
        return log(self.high - self.low)


_KL: dict[tuple[type, type], Callable[[Any, Any], Tensor]] = {}


def register_kl(type_p: type, type_q: type) -> Callable:
    """Decorator: fn(p, q) computes KL(p ‖ q) for distributions of these two types."""
    def register(fn: Callable[[Any, Any], Tensor]) -> Callable[[Any, Any], Tensor]:
        _KL[type_p, type_q] = fn
        return fn
    return register


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    """KL(p ‖ q) = E_p[log p − log q], in closed form, batched, differentiable w.r.t. both sets of parameters."""
    fn = next((f for (tp, tq), f in _KL.items() if isinstance(p, tp) and isinstance(q, tq)), None)
    if fn is None:
        raise NotImplementedError(f"No KL(p || q) is implemented for p type {type(p).__name__} and q type "
                                  f"{type(q).__name__}")
    return fn(p, q)


@register_kl(Normal, Normal)
def _kl_normal_normal(p: Normal, q: Normal) -> Tensor:
    var_ratio = (p.scale / q.scale) ** 2
    t1 = ((p.loc - q.loc) / q.scale) ** 2
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p: Categorical, q: Categorical) -> Tensor:
    t = p.probs * (p.logits - q.logits)
    t = where(np.broadcast_to(q.probs._data == 0, t.shape), math.inf, t)
    return where(np.broadcast_to(p.probs._data == 0, t.shape), 0.0, t).sum(-1)
