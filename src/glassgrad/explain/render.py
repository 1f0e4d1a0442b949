"""A trace as a terminal table, Markdown, LaTeX, HTML and JSON: one list of rows, several notations."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassgrad.explain.format import brief, latex_number, latex_text, wrap

JSON_SCHEMA = "glassgrad.explain/1"
MAX_JSON_VALUES = 1000  # larger tensors are summarised in JSON (shape, min, max, mean, norm)
MAX_DERIVATIONS = 20  # renderers show the derivation of at most this many leaves


@dataclass(slots=True)
class Row:
    """One edge of one backward step: what the node received and what it sent to this input."""

    step: str
    node: str
    value: str
    upstream: str
    input: str
    local: str
    sent: str
    note: str


HEAD = Row("#", "node", "value", "upstream ∂out/∂node", "input = its value", "local derivative ∂node/∂input",
           "sent to input", "notes")


def _head(trace: Any) -> Row:
    out = wrap(trace.output.label)
    return Row(*[getattr(HEAD, c).replace("∂out", f"∂{out}") for c in HEAD.__dataclass_fields__])


class _Numbers:
    """brief() of each array once: a value shows as a node's result, as its consumers' input, a gradient as what
    one step sent and the next received."""

    def __init__(self, precision: int) -> None:
        self.precision, self.memo = precision, {}

    def __call__(self, x: Any) -> str:
        if not isinstance(x, np.ndarray):
            return brief(x, self.precision)
        s = self.memo.get(id(x))
        if s is None:
            s = self.memo[id(x)] = brief(x, self.precision)
        return s


def rows(trace: Any) -> list[Row]:
    n = _Numbers(trace.precision)
    out = []
    for s in trace.steps:
        v = s.vertex
        formula = v.formula()
        node = v.label if formula == v.label else f"{v.label} = {formula}"
        up = n(s.upstream)
        summed = "" if len(s.contributions) < 2 else f"sum over {len(s.contributions)} paths: " + " + ".join(
            f"{n(g)} (from {e.consumer.label})" for e, g in s.contributions)
        first = True
        for e in v.edges:
            if e.sent is None:
                continue
            symbol, sent = e.symbol(), n(e.sent)
            if e.local is not None:
                local_value = n(e.local)
                local = symbol if symbol.replace("−", "-") == local_value else f"{symbol} = {local_value}"
                if np.size(e.local) == 1:
                    sent = f"{up} × {local_value} = {sent}"
            else:
                local = f"{symbol} (vector-Jacobian product)"
            notes = "; ".join(x for x in (summed if first else "", e.broadcast, (v.site or "") if first else "") if x)
            given = e.label
            if e.source is not None and e.source.label != (value := n(e.source.value)):
                given = f"{e.label} = {value}"
            if first:
                out.append(Row(str(s.index + 1), node, n(v.value), up, given, local, sent, notes))
                first = False
            else:
                out.append(Row("", "", "", "", given, local, sent, notes))
    return out


def _cut(s: str, width: int) -> str:
    return s if len(s) <= width else s[: width - 1] + "…"


def text(trace: Any, max_width: int = 48) -> str:
    """The backward pass as an aligned terminal table, then each leaf's gradient."""
    table = [_head(trace)] + rows(trace)
    cols = list(HEAD.__dataclass_fields__)
    widths = [min(max_width, max(len(getattr(r, c)) for r in table)) for c in cols]
    lines = [f"Backward pass of {trace.output.label} = {brief(trace.output.value, trace.precision)} "
             f"({len(trace.steps)} step{'' if len(trace.steps) == 1 else 's'}, in the order backward ran them)"]
    for k, r in enumerate(table):
        cells = [_cut(getattr(r, c), w) for c, w in zip(cols, widths)]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
        if k == 0:
            lines.append("  ".join("─" * w for w in widths))
    leaves = _leaves(trace)
    if leaves:
        lines.append("")
        lines.append("Gradients of the leaves:")
        for v in leaves:
            total = brief(v.grad, trace.precision)
            if len(v.incoming) > 1:
                total = " + ".join(f"{brief(g, trace.precision)} (from {e.consumer.label})" for e, g in v.incoming) + (
                    f" = {total}  (sum over {len(v.incoming)} paths)")
            lines.append(f"  ∂{wrap(trace.output.label)}/∂{wrap(v.label)} = {total}")
    return "\n".join(lines)


def _leaves(trace: Any) -> list:
    return [v for v in trace.vertices if v.node is None and v.grad is not None]


def _derivations(trace: Any) -> list:
    return [trace.derivation(v.tensor) for v in _leaves(trace)[:MAX_DERIVATIONS]]


def _md(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def markdown(trace: Any) -> str:
    """A pipe table of the steps and each leaf's derivation (pastes into notes, READMEs, Jupyter cells)."""
    cols = list(HEAD.__dataclass_fields__)
    lines = [f"### Backward pass of `{trace.output.label}` = {brief(trace.output.value, trace.precision)}", ""]
    for k, r in enumerate([_head(trace)] + rows(trace)):
        lines.append("| " + " | ".join(_md(getattr(r, c)) for c in cols) + " |")
        if k == 0:
            lines.append("|" + "---|" * len(cols))
    for d in _derivations(trace):
        lines += ["", f"#### {d.label}", "", "```", str(d), "```", "", "$$", d.to_latex()
                  .replace("\\begin{align*}", "\\begin{aligned}").replace("\\end{align*}", "\\end{aligned}"), "$$"]
    layers = trace.deltas()
    if layers.layers:
        lines += ["", "#### Layers", "", layers.to_markdown()]
    return "\n".join(lines) + "\n"


def _latex_value(v: Any, p: int) -> str:
    a = np.asarray(v)
    if a.size > 6:
        return rf"\text{{{latex_text(brief(a, p))}}}"
    return latex_number(a, p)


def latex(trace: Any) -> str:
    """The steps as a tabular and each leaf's derivation as align* (needs amsmath; no other package)."""
    p = trace.precision
    lines = [r"\begin{tabular}{rlllll}", r"\# & node & upstream & input & local derivative & sent \\", r"\hline"]
    for s in trace.steps:
        v = s.vertex
        first = True
        for e in v.edges:
            if e.sent is None:
                continue
            formula = v.formula(latex=True)
            node = (f"${v.latex}$" if formula == v.latex else f"${v.latex} = {formula}$") if first else ""
            symbol = e.symbol(latex=True)
            value = _latex_value(e.local, p) if e.local is not None else symbol
            local = f"${symbol}$" if value == symbol else f"${symbol} = {value}$"
            cells = [str(s.index + 1) if first else "", node, f"${_latex_value(s.upstream, p)}$" if first else "",
                     f"${e.latex_label}$", local, f"${_latex_value(e.sent, p)}$"]
            lines.append(" & ".join(cells) + r" \\")
            if e.broadcast:
                lines.append(r" & \multicolumn{5}{l}{\small " + latex_text(e.broadcast) + r"} \\")
            first = False
    lines.append(r"\end{tabular}")
    for d in _derivations(trace):
        lines += ["", d.to_latex()]
    layers = trace.deltas()
    if layers.layers:
        lines += ["", layers.to_latex()]
    return "\n".join(lines) + "\n"


_CSS = """
.gg-trace{font-family:system-ui,sans-serif;font-size:13px}
.gg-trace table{border-collapse:collapse;margin:8px 0}
.gg-trace td,.gg-trace th{border:1px solid #ccd;padding:2px 6px;text-align:left;vertical-align:top}
.gg-trace th{background:#eef}
.gg-trace .note{color:#666;font-size:12px}
.gg-trace pre{background:#f7f7fa;padding:6px;border-radius:4px}
.gg-trace svg{max-width:100%;height:auto}
"""


def html_fragment(trace: Any, max_rows: int | None = None) -> str:
    """The trace as HTML with no outer page (what Jupyter shows, there with at most `max_rows` table rows)."""
    from glassgrad.explain.graph import Graph

    esc = html.escape
    cols = list(HEAD.__dataclass_fields__)
    head = "".join(f"<th>{esc(getattr(_head(trace), c))}</th>" for c in cols)
    table = rows(trace)
    shown = table if max_rows is None else table[:max_rows]
    body = "".join("<tr class='gg-step'>" + "".join(f"<td>{esc(getattr(r, c))}</td>" for c in cols) + "</tr>"
                   for r in shown)
    if len(shown) < len(table):
        body += (f"<tr><td colspan='{len(cols)}' class='note'>… {len(table) - len(shown)} more rows: "
                 "trace.to_html() or str(trace) has them all</td></tr>")
    derivs = "".join(f"<h4>{esc(d.label)}</h4>{d.to_html()}" for d in _derivations(trace))
    layers = trace.deltas()
    if layers.layers:
        derivs += f"<h4>Layers</h4>{layers._repr_html_()}"
    return (f"<div class='gg-trace'><style>{_CSS}</style>"
            f"<h3>Backward pass of {esc(trace.output.label)} = {esc(brief(trace.output.value, trace.precision))}"
            f"</h3>{Graph(trace, None).svg}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"{derivs}</div>")


def html_page(trace: Any) -> str:
    """A self-contained HTML page (no scripts, no external files)."""
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>glassgrad: backward pass of {html.escape(trace.output.label)}</title></head>"
            f"<body>{html_fragment(trace)}</body></html>\n")


def json_value(v: Any) -> Any:
    """A value for JSON: a number, nested lists, or a summary object for large tensors; nan/inf as strings."""
    if v is None:
        return None
    a = np.asarray(v)
    if a.dtype.kind == "b":
        return a.tolist()
    if a.size > MAX_JSON_VALUES:
        f = a.astype(np.float64)
        return {"shape": list(a.shape), "min": json_value(f.min()), "max": json_value(f.max()),
                "mean": json_value(f.mean()), "norm": json_value(np.linalg.norm(f))}
    if a.dtype.kind in "iu":
        return a.tolist()
    f = a.astype(np.float64)
    if np.all(np.isfinite(f)):
        return f.tolist()
    return np.vectorize(lambda x: x if np.isfinite(x) else str(x), otypes=[object])(f).tolist()


def as_dict(trace: Any) -> dict:
    """The stable JSON form documented in docs/explain-json.md."""
    edges, steps = [], []
    edge_ids: dict[int, int] = {}
    for v in trace.vertices:
        for e in v.edges:
            edge_ids[id(e)] = len(edges)
            d = e.derivative
            edges.append({
                "id": len(edges), "from": None if e.source is None else e.source.id, "to": v.id, "input": e.index,
                "constant": e.constant or None,
                "derivative": None if d is None else {"kind": d.kind, "text": e.symbol(), "latex": e.symbol(True),
                                                      "template": d.text},
                "local": json_value(e.local), "sent": json_value(e.sent), "broadcast": e.broadcast})
    for s in trace.steps:
        steps.append({"index": s.index, "node": s.vertex.id, "upstream": json_value(s.upstream),
                      "contributions": [{"edge": edge_ids[id(e)], "value": json_value(g)} for e, g in s.contributions],
                      "edges": [edge_ids[id(e)] for e in s.vertex.edges]})
    nodes = [{"id": v.id, "label": v.label, "latex": v.latex, "name": v.tensor.name if v.named else None,
              "kind": "op" if v.node is not None else ("leaf" if v.requires_grad else "constant"),
              "op": v.node.op.name if v.node is not None else None, "formula": v.formula() or None,
              "formula_latex": v.formula(True) or None, "shape": list(v.shape), "dtype": v.value.dtype.name,
              "value": json_value(v.value), "grad": json_value(v.grad), "requires_grad": v.requires_grad,
              "depth": v.depth, "site": v.site, "step": None if v.step is None else v.step.index}
             for v in trace.vertices]
    return {"schema": JSON_SCHEMA, "precision": trace.precision, "output": trace.output.id, "nodes": nodes,
            "edges": edges, "steps": steps, "derivations": [d.to_dict() for d in _derivations(trace)],
            "layers": trace.deltas().to_dict()["layers"]}


__all__ = ["as_dict", "html_fragment", "html_page", "json_value", "latex", "markdown", "rows", "text"]
