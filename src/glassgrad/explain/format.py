"""How values print: PyTorch's tensor repr, and numbers to a chosen number of significant digits."""

from __future__ import annotations

import html
import re
from math import isfinite
from typing import Any

import numpy as np

_DEFAULT_DTYPES = ("float32", "int64", "bool")


def _float_formatter(values: np.ndarray, precision: int = 4):
    """PyTorch's rules: whole numbers print as '2.', others fixed with 4 decimals, wide ranges in e-notation."""
    finite = values[np.isfinite(values)]
    nonzero = np.abs(finite[finite != 0])
    whole = finite.size == 0 or bool(np.all(finite == np.round(finite)))
    sci = nonzero.size > 0 and (nonzero.max() / nonzero.min() > 1000.0 or nonzero.max() > 1e8 or nonzero.min() < 1e-4)
    if whole and not sci:
        fmt = lambda v: f"{v:.0f}." if np.isfinite(v) else str(v)  # noqa: E731
    elif sci:
        fmt = lambda v: f"{v:.{precision}e}"  # noqa: E731
    else:
        fmt = lambda v: f"{v:.{precision}f}"  # noqa: E731
    width = max((len(fmt(v)) for v in finite[finite != 0].flat), default=0)  # as PyTorch: only finite non-zeros
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
    if t.data.size == 0 and t.data.ndim != 1:
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


def _scalar(x: Any, precision: int) -> str:
    if isinstance(x, float):
        if x == 0:
            return "0"
        if not isfinite(x):
            return str(x)
        s = format(x, _SPECS[precision] if precision < len(_SPECS) else f".{precision}g")
        if "e" in s:
            mant, exp = s.split("e")
            return f"{mant}e{int(exp)}"
        return s
    return str(x)


_SPECS = [f".{p}g" for p in range(20)]


def _nested(x: list, precision: int) -> str:
    if x and not isinstance(x[0], list):
        return "[" + ", ".join([_scalar(e, precision) for e in x]) + "]"
    return "[" + ", ".join([_nested(e, precision) for e in x]) + "]"


def number(v: Any, precision: int = 4) -> str:
    """A value with `precision` significant digits, no trailing zeros ('-20', '0.1667', '1.4'); arrays on one line."""
    if isinstance(v, (float, int)):
        return _scalar(v, precision)
    a = np.asarray(v)
    if a.ndim == 0:
        return _scalar(a.item(), precision)
    return _nested(a.tolist(), precision)


def brief(v: Any, precision: int = 4, max_items: int = 6) -> str:
    """A value for a table cell: the number(s) when few, else the shape and norm (so a 10,000-row table stays fast)."""
    if v is None:
        return ""
    if isinstance(v, float):
        return _scalar(v, precision)
    a = np.asarray(v)
    if a.size <= max_items:
        return _scalar(a.item(), precision) if a.ndim == 0 else _nested(a.tolist(), precision)
    if a.dtype.kind not in "fiu":
        return f"{a.dtype.name}{list(a.shape)}"
    return f"{list(a.shape)} ‖·‖={number(np.linalg.norm(a.astype(np.float64)), precision)}"


_NUM = r"(-?\d+(?:\.\d+)?)"
_ARITH = re.compile(r"([({])" + _NUM + r"\s*([−+-])\s*" + _NUM + r"([)}])")
_POWER_ONE = re.compile(r"\^(?:\(1\)|\{1\}|1(?![\d.]))")
_DIGIT = re.compile(r"\d")


def _arith(m: re.Match) -> str:
    if (m.group(1), m.group(5)) not in (("(", ")"), ("{", "}")):
        return m.group(0)
    a, b = float(m.group(2)), float(m.group(4))
    r = a + b if m.group(3) == "+" else a - b
    s = str(int(r)) if r == int(r) else repr(r)
    return ("{" + s + "}") if m.group(1) == "{" else s


def fill(template: str, names: dict[str, str]) -> str:
    """Substitute $out, $a, $b, $c, $g in an op table template, then do the arithmetic of plain numbers it leaves.

    ('$b·$a^($b−1)' with b = 2 reads 2·x, not 2·x^(2−1).) Longest names first, so $out is not $o + 'ut'.
    """
    for key in sorted(names, key=len, reverse=True):
        template = template.replace("$" + key, names[key])
    if _DIGIT.search(template):
        template = _POWER_ONE.sub("", _ARITH.sub(_arith, template))
    return template


def wrap(label: str) -> str:
    """Parenthesise a label that is an expression (so 'a + b' times c prints as (a + b)·c)."""
    if " " in label or label[:1] in "-−":
        return label if label[:1] == "(" and label[-1:] == ")" else f"({label})"
    return label


def factor(s: str, latex: bool = False) -> str:
    """`s` ready to stand in a product: parenthesised when it has a top-level sum, comparison or condition
    ('1 if x > 0 else 0' → '(1 if x > 0 else 0)'; 'σ(z)(1 − σ(z))' and 'a · b' stay as they are)."""
    flat = s.replace(r" \cdot ", "·").replace(" · ", "·")
    depth = 0
    for ch in flat:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == " " and depth == 0:
            return rf"\left({s}\right)" if latex else f"({s})"
    return s


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_LATEX_CHARS = {"α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
                "η": r"\eta", "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "σ": r"\sigma", "τ": r"\tau",
                "φ": r"\varphi", "ω": r"\omega", "Δ": r"\Delta", "Σ": r"\Sigma", "∂": r"\partial",
                "−": "-", "·": r"\cdot ", "×": r"\times ", "…": r"\dots ", "‖": r"\|"}
_HATS = {"ŷ": r"\hat{y}", "x̂": r"\hat{x}", "ȳ": r"\bar{y}", "x̄": r"\bar{x}"}
_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
            "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_text(s: str) -> str:
    """Plain text made safe for LaTeX (inside \\text{} or a tabular cell)."""
    out = "".join(_ESCAPES.get(ch, ch) for ch in s)
    return "".join(f"${_LATEX_CHARS[ch]}$" if ch in _LATEX_CHARS else ch for ch in out)


def latex_name(label: str) -> str:
    """A tensor's name as LaTeX math: w2 and w₂ -> w_{2}, ŷ -> \\hat{y}, y_hat -> \\hat{y}, out -> \\mathrm{out}."""
    for k, v in _HATS.items():
        label = label.replace(k, v)
    if label.endswith("_hat") and len(label) > 4:
        label = r"\hat{" + label[:-4] + "}"
    base = label.translate(_SUBSCRIPTS)
    m = len(base)
    while m > 0 and base[m - 1].isdigit():
        m -= 1
    head, digits = base[:m], base[m:]
    if "_" in head and not head.startswith("\\"):
        head, _, sub = head.partition("_")
        digits = sub + digits
    head = "".join(_LATEX_CHARS.get(ch, ch) for ch in head)
    if head.isalpha() and len(head) > 1 and head.isascii():
        head = r"\mathrm{" + head + "}"
    elif not head.startswith("\\") and any(ch in "&%$#{}~" for ch in head):
        head = r"\text{" + latex_text(head) + "}"
    head = head.replace("[", "{[").replace("]", "]}") if "[" in head else head
    return head + (f"_{{{digits}}}" if digits else "")


def latex_number(v: Any, precision: int = 4) -> str:
    """A number as LaTeX math: '1.5e-7' -> '1.5 \\times 10^{-7}'."""
    s = number(v, precision)
    if "e" in s and not s.startswith("["):
        mant, exp = s.split("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return s.replace("[", r"\left[").replace("]", r"\right]") if s.startswith("[") else s
