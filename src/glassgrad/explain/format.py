"""How values print: PyTorch's tensor repr, and numbers to a chosen number of significant digits."""

from __future__ import annotations

import html
from typing import Any

import numpy as np

_DEFAULT_DTYPES = ("float32", "int64", "bool")


def _float_formatter(values: np.ndarray, precision: int = 4):
    """PyTorch's rules: whole numbers print as '2.', others fixed with 4 decimals, wide ranges in e-notation."""
    finite = values[np.isfinite(values)]
    nonzero = np.abs(finite[finite != 0])
    whole = finite.size == 0 or bool(np.all(finite == np.round(finite)))
    sci = nonzero.size > 0 and (nonzero.max() / nonzero.min() > 1000.0 or nonzero.max() > 1e8 or nonzero.min() < 1e-4)
    if whole and not (nonzero.size and nonzero.max() > 1e8):
        fmt = lambda v: f"{v:.0f}." if np.isfinite(v) else str(v)  # noqa: E731
    elif sci:
        fmt = lambda v: f"{v:.{precision}e}"  # noqa: E731
    else:
        fmt = lambda v: f"{v:.{precision}f}"  # noqa: E731
    width = max((len(fmt(v)) for v in values.flat), default=0)
    return lambda v: fmt(v).rjust(width)


def format_array(values: np.ndarray, prefix: str = "tensor(") -> str:
    values = np.asarray(values)
    if values.dtype.kind == "f":
        formatter = {"float_kind": _float_formatter(values.astype(np.float64))}
    else:
        formatter = None
    if values.ndim == 0:
        return formatter["float_kind"](values.item()).strip() if formatter else str(values.item())
    return np.array2string(values, separator=", ", prefix=prefix, formatter=formatter, threshold=1000,
                           edgeitems=3, max_line_width=80)


def tensor_repr(t: Any) -> str:
    body = format_array(t.data)
    extra = []
    if t.data.size == 0 and t.data.ndim > 1 or t.data.size == 0:
        extra.append(f"size={tuple(t.shape)}")
    if t.dtype.name not in _DEFAULT_DTYPES:
        extra.append(f"dtype=glassgrad.{t.dtype.name}")
    if t.grad_fn is not None:
        extra.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        extra.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + e for e in extra) + ")"


def tensor_html(t: Any) -> str:
    name = f"<b>{html.escape(t.name)}</b> = " if t.name else ""
    grad = "" if t.grad is None else f"<br>grad = <code>{html.escape(format_array(t.grad.data))}</code>"
    return f"<div class='gg-tensor'>{name}<code>{html.escape(tensor_repr(t))}</code>{grad}</div>"


def number(v: Any, precision: int = 4) -> str:
    """A value with `precision` significant digits, no trailing zeros ('-20', '0.1667', '1.4')."""
    a = np.asarray(v)
    if a.ndim:
        return np.array2string(a, separator=", ", formatter={"all": lambda x: number(x, precision)})
    x = a.item()
    if isinstance(x, bool) or isinstance(x, int):
        return str(x)
    if x == 0:
        return "0"
    if not np.isfinite(x):
        return str(x)
    s = f"{x:.{precision}g}"
    if "e" in s:
        mant, exp = s.split("e")
        return f"{mant}e{int(exp)}"
    return s
