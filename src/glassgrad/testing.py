"""PyTorch's torch.testing.assert_close: the check tests and tutorials use to compare results, with its default
tolerances per dtype and its message (how many elements differ, the greatest differences and where)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from glassgrad.tensor import Tensor, get_default_dtype

# (rtol, atol) by dtype, as PyTorch's; integers and bools must be equal
_TOLERANCES = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
               "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}


def _fail(msg: str | Callable[[str], str] | None, default: str) -> None:
    raise AssertionError(msg(default) if callable(msg) else msg if msg is not None else default)


def _diff_lines(abs_diff: Any, rel_diff: Any, at: tuple | None, rel_at: tuple | None, rtol: float,
                atol: float) -> str:
    equality = rtol == 0 and atol == 0
    lines = []
    for kind, diff, idx, tol in (("absolute", abs_diff, at, atol), ("relative", rel_diff, rel_at, rtol)):
        line = f"{kind.title()} difference: {diff}" if idx is None else f"Greatest {kind} difference: {diff} at " \
                                                                        f"index {idx}"
        lines.append(line + ("" if equality else f" (up to {tol} allowed)"))
    return "\n".join(lines)


def _scalar_mismatch(actual: Any, expected: Any, rtol: float, atol: float) -> str:
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return (f"Scalars are not {'equal' if rtol == 0 and atol == 0 else 'close'}!\n\nExpected {expected} but got "
            f"{actual}.\n" + _diff_lines(abs_diff, rel_diff, None, None, rtol, atol))


def _scalars(actual: Any, expected: Any, rtol: float | None, atol: float | None, equal_nan: bool,
             msg: Any) -> None:
    floating = isinstance(actual, float) or isinstance(expected, float)
    rtol, atol = (rtol, atol) if rtol is not None else _TOLERANCES["float64"] if floating else (0.0, 0.0)
    if actual == expected or (equal_nan and actual != actual and expected != expected) or (
            abs(actual - expected) <= atol + rtol * abs(expected)):
        return
    _fail(msg, _scalar_mismatch(actual, expected, rtol, atol))


def _tensors(actual: Tensor, expected: Tensor, rtol: float | None, atol: float | None, equal_nan: bool,
             check_dtype: bool, msg: Any) -> None:
    for attr in ("shape", "dtype") if check_dtype else ("shape",):
        a, e = getattr(actual, attr), getattr(expected, attr)
        if a != e:
            shown = (lambda v: f"glassgrad.{v}") if attr == "dtype" else repr
            _fail(msg, f"The values for attribute '{attr}' do not match: {shown(a)} != {shown(e)}.")
    a, e = np.asarray(actual._data), np.asarray(expected._data)
    if rtol is None:  # the looser of the two dtypes' (they differ only with check_dtype=False)
        rtol, atol = (max(t) for t in zip(*(_TOLERANCES.get(x.dtype.name, (0.0, 0.0)) for x in (a, e))))
    if not check_dtype:
        common = np.promote_types(a.dtype, e.dtype)
        a, e = a.astype(common), e.astype(common)
    if a.dtype.kind in "fc":
        with np.errstate(invalid="ignore", over="ignore"):
            close = (a == e) | (np.abs(a - e) <= atol + rtol * np.abs(e))
        close |= np.isnan(a) & np.isnan(e) if equal_nan else False
    else:
        a, e = a.astype(np.int64), e.astype(np.int64)
        close = np.abs(a - e) <= atol + rtol * np.abs(e)
    if close.all():
        return
    if a.ndim == 0:
        _fail(msg, _scalar_mismatch(a.item(), e.item(), rtol, atol))
    with np.errstate(invalid="ignore", divide="ignore"):
        abs_diff = np.where(close, 0, np.abs(a - e)).reshape(-1)
        over = abs_diff if abs_diff.dtype.kind in "fc" else abs_diff.astype(get_default_dtype())  # (true division)
        rel_diff = np.where(close.reshape(-1), 0, over / np.abs(e.reshape(-1)).astype(over.dtype))
    worst, worst_rel = _argmax_nan(abs_diff), _argmax_nan(rel_diff)
    n, bad = close.size, int((~close).sum())
    equality = rtol == 0 and atol == 0
    at, rel_at = (tuple(int(i) for i in np.unravel_index(k, a.shape)) for k in (worst, worst_rel))
    _fail(msg, f"Tensor-likes are not {'equal' if equality else 'close'}!\n\nMismatched elements: {bad} / {n} "
               f"({bad / n:.1%})\n" + _diff_lines(abs_diff[worst].item(), rel_diff[worst_rel].item(), at, rel_at,
                                                    rtol, atol))


def _argmax_nan(x: np.ndarray) -> int:
    """Where the greatest difference is (a NaN counts as the greatest, as in torch.max)."""
    nan = np.flatnonzero(x != x)
    return int(nan[0]) if nan.size else int(np.argmax(x))


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
                 msg: str | Callable[[str], str] | None = None) -> None:
    """Raise AssertionError unless actual and expected are close: |actual − expected| ≤ atol + rtol·|expected|
    elementwise, with shapes and dtypes equal. Without rtol/atol, the defaults of the dtype (float32: 1.3e-6 and
    1e-5; float64: 1e-7 and 1e-7; integers: exact). Sequences and mappings are compared item by item."""
    if (rtol is None) != (atol is None):
        missing = "rtol" if rtol is None else "atol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}.")
    if isinstance(actual, Tensor) or isinstance(expected, Tensor):
        if not (isinstance(actual, Tensor) and isinstance(expected, Tensor)):
            _fail(msg, f"Comparing\n\n{actual!r}\n\nand\n\n{expected!r}\n\nis not supported: both must be tensors "
                       "(or both numbers)")
        return _tensors(actual, expected, rtol, atol, equal_nan, check_dtype, msg)
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if actual.keys() != expected.keys():
            _fail(msg, f"The keys of the mappings do not match: {sorted(actual)} != {sorted(expected)}")
        items = [(k, actual[k], expected[k]) for k in actual]
    elif isinstance(actual, Sequence) and isinstance(expected, Sequence) and not isinstance(actual, str):
        if len(actual) != len(expected):
            _fail(msg, f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        items = list(zip(range(len(actual)), actual, expected))
    else:
        return _scalars(actual, expected, rtol, atol, equal_nan, msg)
    for k, a, e in items:
        try:
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg)
        except AssertionError as failure:
            text, _, inner = str(failure).partition("\n\nThe failure occurred for item ")
            if msg is not None:
                raise
            raise AssertionError(f"{text}\n\nThe failure occurred for item [{k!r}]{inner}") from None
    return None
