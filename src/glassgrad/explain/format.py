"""How values print: PyTorch's tensor repr, and numbers to a chosen number of significant digits."""

from __future__ import annotations

import html
import re
import textwrap
from math import inf, isfinite
from typing import Any

import numpy as np

_DEFAULT_DTYPES = ("float32", "int64", "bool")
PRINT_OPTIONS: dict[str, Any] = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, inf, 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None) -> None:
    """PyTorch's torch.set_printoptions: a profile ('default', 'short', 'full'), then any option given over it;
    sci_mode None lets the values choose e-notation, as PyTorch does."""
    if profile is not None:
        PRINT_OPTIONS.update(zip(("precision", "threshold", "edgeitems", "linewidth"), _PROFILES[profile]))
    given = {"precision": precision, "threshold": threshold, "edgeitems": edgeitems, "linewidth": linewidth}
    PRINT_OPTIONS.update({k: v for k, v in given.items() if v is not None}, sci_mode=sci_mode)


def _float_formatter(values: np.ndarray):
    """PyTorch's rules: whole numbers print as '2.', others fixed with 4 decimals, wide ranges in e-notation."""
    precision, sci_mode = PRINT_OPTIONS["precision"], PRINT_OPTIONS["sci_mode"]
    finite = values[np.isfinite(values)]
    nonzero = np.abs(finite[finite != 0])
    whole = finite.size == 0 or bool(np.all(finite == np.round(finite)))
    sci = nonzero.size > 0 and (nonzero.max() / nonzero.min() > 1000.0 or nonzero.max() > 1e8 or nonzero.min() < 1e-4)
    sci = sci if sci_mode is None else nonzero.size > 0 and sci_mode
    if whole and not sci:
        fmt = lambda v: f"{v:.0f}." if np.isfinite(v) else str(v)  # noqa: E731
    elif sci:
        fmt = lambda v: f"{v:.{precision}e}"  # noqa: E731
    else:
        fmt = lambda v: f"{v:.{precision}f}"  # noqa: E731
    width = max((len(fmt(v)) for v in finite[finite != 0].flat), default=1)  # as PyTorch: only finite non-zeros
    return lambda v: fmt(v).rjust(width)


def _edges(values: np.ndarray, edge: int) -> np.ndarray:
    """The items a summarised tensor shows (its first and last `edge` along every long dimension)."""
    for axis, n in enumerate(values.shape):
        if n > 2 * edge:
            values = np.concatenate([values.take(range(edge), axis), values.take(range(n - edge, n), axis)], axis)
    return values


def _nest(values: np.ndarray, fmt: Any, indent: int, summarize: bool) -> str:
    """PyTorch's _tensor_str: rows split by its elements-per-line rule, ' ...' where a summary leaves items out."""
    edge, n = PRINT_OPTIONS["edgeitems"], len(values)
    keep = [*range(edge), None, *range(n - edge, n)] if summarize and n > 2 * edge else range(n)
    if values.ndim == 1:
        items = [" ..." if i is None else fmt(values[i].item()) for i in keep]
        per_line = max(1, (PRINT_OPTIONS["linewidth"] - indent) // (len(fmt(values[0].item())) + 2))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = ["..." if i is None else _nest(values[i], fmt, indent + 1, summarize) for i in keep]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def format_array(values: np.ndarray, indent: int = 7) -> str:
    """The body of PyTorch's tensor repr, under the options set_printoptions sets."""
    values = np.asarray(values)
    summarize = values.size > PRINT_OPTIONS["threshold"]
    shown = _edges(values, PRINT_OPTIONS["edgeitems"]) if summarize else values
    if values.dtype.kind == "f":
        fmt = _float_formatter(shown.astype(np.float64))
    else:
        width = max((len(str(v)) for v in shown.flat), default=1)
        fmt = lambda v: str(v).rjust(width)  # noqa: E731
    if values.ndim == 0:
        return fmt(values.item()).strip()
    return "[]" if values.size == 0 else _nest(values, fmt, indent, summarize)


def tensor_repr(t: Any) -> str:
    text = "tensor(" + format_array(t._data)
    extra = []
    if t._data.size == 0 and t._data.ndim != 1:
        extra.append(f"size={tuple(t.shape)}")
    if t.dtype.name not in _DEFAULT_DTYPES:
        extra.append(f"dtype=glassgrad.{t.dtype.name}")
    if t.grad_fn is not None:
        extra.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        extra.append("requires_grad=True")
    line = len(text) - text.rfind("\n") + 1
    for e in extra:  # as PyTorch: a suffix that would pass the line width starts a new line
        wrap = line + len(e) + 2 > PRINT_OPTIONS["linewidth"]
        text += (",\n       " if wrap else ", ") + e
        line = 7 + len(e) if wrap else line + len(e) + 2
    return text + ")"


def tensor_html(t: Any) -> str:
    name = f"<b>{html.escape(t.name)}</b> = " if t.name else ""
    grad = "" if t.grad is None else f"<br>grad = <code>{html.escape(format_array(t.grad._data))}</code>"
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


FULL_MAX = 64  # a tensor of at most this many elements prints in full wherever explanations print it
FIRST = 6  # a larger one prints its shape, norm and this many first entries
CELL_WIDTH = 48  # table cells wider than this wrap onto more lines (never cut)


def summary(v: Any, precision: int = 4, max_items: int = FULL_MAX) -> str:
    """A value as explanations print it (table cells, derivations, deltas): in full up to `max_items` elements,
    else its shape, norm and first entries (so a 10,000-row table stays fast and short)."""
    if v is None:
        return ""
    if isinstance(v, float):
        return _scalar(v, precision)
    a = np.asarray(v)
    if a.size <= max_items:
        return _scalar(a.item(), precision) if a.ndim == 0 else _nested(a.tolist(), precision)
    if a.dtype.kind not in "fiub":
        return f"{a.dtype.name}{list(a.shape)}"
    first = ", ".join(_scalar(x, precision) for x in a.reshape(-1)[:FIRST].tolist())
    return f"{list(a.shape)} ‖·‖={number(np.linalg.norm(a.astype(np.float64)), precision)}, first [{first}, …]"


def latex_value(v: Any, precision: int = 4) -> str:
    """A value as LaTeX math: numbers up to FULL_MAX elements, else the summary as text."""
    a = np.asarray(v)
    if a.size > FULL_MAX:
        return rf"\text{{{latex_text(summary(a, precision))}}}"
    return latex_number(a, precision)


def table(cells: list[tuple[str, ...]], max_width: int | None = CELL_WIDTH, rule: bool = False) -> list[str]:
    """Rows of cells as aligned lines. A cell wider than `max_width` wraps onto the row's next lines (at spaces,
    so numbers stay whole): never cut. `rule`: a line of ─ under the first row."""
    wrapped = [[_wrap_cell(c, max_width) for c in row] for row in cells]
    widths = [max(len(line) for row in wrapped for line in row[k]) for k in range(len(cells[0]))]
    lines = []
    for k, row in enumerate(wrapped):
        for i in range(max(len(c) for c in row)):
            lines.append("  ".join((c[i] if i < len(c) else "").ljust(w) for c, w in zip(row, widths)).rstrip())
        if rule and k == 0:
            lines.append("  ".join("─" * w for w in widths))
    return lines


def _wrap_cell(s: str, width: int | None) -> list[str]:
    """A cell as lines of at most `width` (a matrix breaks between its rows first, anything else at spaces)."""
    if width is None or len(s) <= width:
        return [s]
    lines: list[str] = []
    for k, piece in enumerate(s.replace("], [", "],\n[").split("\n") if s.startswith("[[") else [s]):
        if lines and len(lines[-1]) + 1 + len(piece) <= width:
            lines[-1] += " " + piece
        else:
            lines += textwrap.wrap(piece, width, break_on_hyphens=False, initial_indent=" " if k else "",
                                   subsequent_indent=" ") or [piece]
    return lines


_N = r"-?\d+(?:\.\d+)?"
# an exponent that is plain arithmetic of numbers ('x^(2−1)', 'x^((-1)−1)', LaTeX '{x}^{\left(-1\right) - 1}'):
# only there are numbers combined (elsewhere each number is an input, and stays visible: (1−2) ln(1−x))
_EXPONENT = re.compile(r"\^(?:\((?:\((?P<a>" + _N + r")\)|(?P<b>" + _N + r"))|\{(?:\\left\((?P<c>" + _N
                       + r")\\right\)|(?P<d>" + _N + r")))\s*(?P<op>[−+-])\s*(?P<e>" + _N + r")[)}]")
_POWER_ONE = re.compile(r"\^(?:\(1\)|\{1\}|1(?![\d.]))")
_POWER_ZERO = re.compile(r"\^(?:\(0\)|\{0\}|0(?![\d.]))")
# a leading coefficient of a derivative: (-1)·x^(-2) is −x^(-2), (-2)·x is −2·x, 1·x^0.5 is x^0.5
_COEFFICIENT = re.compile(r"^(?:\((?P<n>-\d+(?:\.\d+)?)\)|\\left\((?P<m>-\d+(?:\.\d+)?)\\right\)|(?P<one>1))"
                          r"(?P<dot>·| \\cdot )")
_DIGIT = re.compile(r"\d")


def _exponent(m: re.Match) -> str:
    latex = m.group("c") is not None or m.group("d") is not None
    a = float(next(g for g in m.group("a", "b", "c", "d") if g is not None))
    r = a + float(m.group("e")) if m.group("op") == "+" else a - float(m.group("e"))
    s = str(int(r)) if r == int(r) else repr(r)
    return "^{" + s + "}" if latex else "^" + (f"({s})" if r < 0 else s)


def _drop_power_zero(s: str) -> str:
    """'1·x^0' (the derivative of x**1) is 1: a power 0 and its base are dropped, with the '·' before them."""
    while m := _POWER_ZERO.search(s):
        start, depth = m.start(), 0
        while start > 0:  # back over the base: a bracketed group, or a name
            ch = s[start - 1]
            if ch in ")]}":
                depth += 1
            elif ch in "([{":
                if not depth:
                    break
                depth -= 1
            elif not depth and not (ch.isalnum() or ch in "._′⁽⁾'\\"):
                break
            start -= 1
            if not depth and s[start] in "([{" and (start == 0 or not s[start - 1].isalnum()):
                break
        head = s[:start].removesuffix("·").removesuffix(r" \cdot ")
        s = (head + s[m.end():]) or "1"
    return s


def _coefficient(m: re.Match) -> str:
    if m.group("one"):
        return ""
    n = m.group("n") or m.group("m")
    sign = "-" if m.group("m") else "−"
    return sign if n == "-1" else sign + n[1:] + m.group("dot")


_CALL = re.compile(r"[^\W\d]\w*\(.*\)")


def _balanced(s: str) -> bool:
    """Whether s is one bracketed group: '(a)(b)' is two."""
    depth = 0
    for k, ch in enumerate(s):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and k < len(s) - 1:
            return False
    return depth == 0


_PLACEHOLDER = re.compile(r"\$(out|a|b|c|d|e|g)")


def kind(label: str) -> str:
    """How a label binds: 'atom' (w₂, 0.5, [1, 0, 4]), 'product' (w·x, σ(z), y^2: no space outside brackets) or
    'sum' (a + b, 1 if x > 0 else 0, −a, -1)."""
    if label[:1] == "[" and label[-1:] == "]" and not _spaced_at_top(label) or _CALL.fullmatch(label) and (
            _balanced(label[label.index("("):])):
        return "atom"  # a list of values, bracketed already, or a call: σ(z), softplus(x)
    if label[:1] in "-−" or _spaced_at_top(label):
        return "sum"
    return "atom" if all(ch.isalnum() or ch in "._ʹ′⁽⁾" for ch in label) else "product"


def _placed(template: str, start: int, end: int, label_kind: str) -> bool:
    """Whether a label of this kind reads right unparenthesised at template[start:end] (braces are invisible)."""
    if label_kind == "atom":
        return True
    before, after = template[:start].rstrip("{"), template[end:].lstrip("}")
    if (not before.rstrip() or before.rstrip()[-1] in "(,") and (not after.lstrip() or after.lstrip()[0] in "),"):
        return True  # alone, or an argument: σ($a), max(0, $a)
    if label_kind == "sum":
        first = not before or before[-1] in "(["  # the first term of a sum: 2(-1 − x), not 2((-1) − x)
        return first and after.startswith((" + ", " − ", " - "))
    # a product stands unparenthesised only beside another factor or a + / − (never after a function's name)
    ok_before = not before or before.endswith(("·", r"\cdot ")) or before.rstrip()[-1:] in ("+", "−", "-")
    ok_after = not after or after.startswith(("·", r" \cdot")) or after.lstrip()[:1] in ("+", "−", "-")
    return ok_before and ok_after


def fill(template: str, names: dict[str, tuple[str, str]], latex: bool = False, derivative: bool = False) -> str:
    """Substitute $a, $b, … $out, $g in an op table template with (label, kind) pairs, parenthesising a label where
    it would otherwise read wrong, then do the arithmetic of plain numbers in exponents ('$b·$a^($b−1)' with b = 2
    and a = y − ŷ reads 2·(y − ŷ), not 2·y − ŷ^(2−1)). `derivative`: a local derivative, whose leading number
    reads as a sign ((-1)·x^(-2) is −x^(-2)); a forward formula keeps every input as written."""
    parts, last = [], 0
    for m in _PLACEHOLDER.finditer(template):
        if m.group(1) not in names:
            continue
        label, label_kind = names[m.group(1)]
        parts.append(template[last:m.start()])
        if _placed(template, m.start(), m.end(), label_kind):
            parts.append(label)
        else:
            parts.append(rf"\left({label}\right)" if latex else f"({label})")
        last = m.end()
    parts.append(template[last:])
    out = "".join(parts)
    if _DIGIT.search(out):
        out = _POWER_ONE.sub("", _EXPONENT.sub(_exponent, out))
        if derivative:
            out = _COEFFICIENT.sub(_coefficient, _drop_power_zero(out))
    return out


def wrap(label: str) -> str:
    """Parenthesise a label that is an expression (so 'a + b' times c prints as (a + b)·c)."""
    if " " in label or label[:1] in "-−":
        return label if label[:1] == "(" and label[-1:] == ")" else f"({label})"
    return label


def factor(s: str, latex: bool = False) -> str:
    """`s` ready to stand in a product: parenthesised when it has a top-level sum, comparison or condition
    ('1 if x > 0 else 0' → '(1 if x > 0 else 0)'; 'σ(z)(1 − σ(z))' and 'a · b' stay as they are)."""
    if _spaced_at_top(s.replace(r" \cdot ", "·").replace(" · ", "·")):
        return rf"\left({s}\right)" if latex else f"({s})"
    return s


def _spaced_at_top(s: str) -> bool:
    """Whether `s` has a space outside all brackets: an operator that binds looser than a product."""
    depth = 0
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == " " and depth == 0:
            return True
    return False


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
