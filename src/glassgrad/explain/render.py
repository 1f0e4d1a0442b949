"""A trace as a terminal table, Markdown, LaTeX, HTML and JSON: one list of rows, several notations."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassgrad.explain.format import CELL_WIDTH, latex_text, latex_value, summary, table, wrap

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
    """summary() of each array once: a value shows as a node's result, as its consumers' input, a gradient as what
    one step sent and the next received."""

    def __init__(self, precision: int) -> None:
        self.precision, self.memo = precision, {}

    def __call__(self, x: Any) -> str:
        if not isinstance(x, np.ndarray):
            return summary(x, self.precision)
        s = self.memo.get(id(x))
        if s is None:
            s = self.memo[id(x)] = summary(x, self.precision)
        return s


def uses(v: Any) -> list:
    """The inputs of `v`'s op that a gradient was sent to, the edges from one tensor together (x·x uses x twice:
    one row, one local derivative 2·x), in input order."""
    from glassgrad.explain.derivation import Use

    groups: dict[Any, Use] = {}
    for e in v.edges:
        if e.sent is None:
            continue
        key = id(e) if e.source is None else e.source.id
        if key in groups:
            groups[key].edges.append(e)
        else:
            groups[key] = Use(v, e.source, [e])
    return list(groups.values())


def _by_consumer(incoming: list) -> list[tuple[Any, Any]]:
    """The gradients that arrived at a tensor, those from one op added: (consumer, gradient) in arrival order."""
    out: dict[int, list] = {}
    for e, g in incoming:
        c = out.setdefault(e.consumer.id, [e.consumer, 0])
        c[1] = c[1] + np.asarray(g)
    return [tuple(c) for c in out.values()]


def _paths_note(incoming: list, n: _Numbers) -> str:
    parts = _by_consumer(incoming)
    if len(parts) < 2:
        return ""
    return f"sum over {len(parts)} paths: " + _sum(parts, n)


def _sum(parts: list, n: _Numbers) -> str:
    """'2 (from a) + (-0.5) (from b)': a negative number after + in brackets (no '+ -')."""
    terms = [n(g) for _, g in parts]
    return " + ".join(f"({t}) (from {c.label})" if k and t[:1] == "-" else f"{t} (from {c.label})"
                      for k, (t, (c, _)) in enumerate(zip(terms, parts)))


def rows(trace: Any) -> list[Row]:
    """One row per input of each op that received a gradient (one tensor used twice by an op is one row)."""
    n = _Numbers(trace.precision)
    out = []
    for s in trace.steps:
        v = s.vertex
        formula = v.formula()
        node = v.label if formula == v.label else f"{v.label} = {formula}"
        up = n(s.upstream)
        summed = _paths_note(s.contributions, n)
        for k, u in enumerate(uses(v)):
            e = u.edges[0]
            symbol = u.symbol()
            sent = n(u.sent if len(u.edges) > 1 else e.sent)
            local_value = u.local()
            if local_value is not None:
                shown = n(local_value if len(u.edges) > 1 else e.local)
                local = symbol if symbol.replace("−", "-") == shown else f"{symbol} = {shown}"
                if np.size(local_value) == 1:
                    sent = f"{up} × {f'({shown})' if shown[:1] == '-' else shown} = {sent}"  # 2 × (-1), no × -
            else:
                local = f"{symbol} (vector-Jacobian product)"
            twice = ""
            if len(u.edges) > 1:
                times = "twice" if len(u.edges) == 2 else f"{len(u.edges)} times"
                twice = (f"{e.label} used {times} by this op: sent " + " + ".join(n(x.sent) for x in u.edges)
                         + f" = {n(u.sent)}")
            broadcast = "; ".join(dict.fromkeys(x.broadcast for x in u.edges if x.broadcast))
            notes = "; ".join(x for x in (summed if not k else "", twice, broadcast, (v.site or "") if not k else "")
                              if x)
            given = e.label
            if e.source is not None and e.source.label != (value := n(e.source.value)):
                given = f"{e.label} = {value}"
            first = (str(s.index + 1), node, n(v.value), up) if not k else ("", "", "", "")
            out.append(Row(*first, given, local, sent, notes))
    return out


def text(trace: Any, max_width: int = CELL_WIDTH) -> str:
    """The backward pass as an aligned terminal table (cells wider than `max_width` wrap, never cut), then each
    leaf's gradient."""
    cols = list(HEAD.__dataclass_fields__)
    lines = [f"Backward pass of {trace.output.label} = {summary(trace.output.value, trace.precision)} "
             f"({len(trace.steps)} step{'' if len(trace.steps) == 1 else 's'}, in the order backward ran them)"]
    lines += table([tuple(getattr(r, c) for c in cols) for r in [_head(trace)] + rows(trace)], max_width, rule=True)
    leaves = _leaves(trace)
    if leaves:
        lines.append("")
        lines.append("Gradients of the leaves:")
        n = _Numbers(trace.precision)
        for v in leaves:
            total = n(v.grad)
            parts = _by_consumer(v.incoming)
            if len(parts) > 1:
                total = _sum(parts, n) + (
                    f" = {total}  (sum over {len(parts)} paths)")
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
    lines = [f"### Backward pass of `{trace.output.label}` = {summary(trace.output.value, trace.precision)}", ""]
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


def latex(trace: Any) -> str:
    """The steps as a tabular and each leaf's derivation as align* (needs amsmath; no other package)."""
    p = trace.precision
    lines = [r"\begin{tabular}{rlllll}", r"\# & node & upstream & input & local derivative & sent \\", r"\hline"]
    for s in trace.steps:
        v = s.vertex
        for k, u in enumerate(uses(v)):
            formula = v.formula(latex=True)
            node = (f"${v.latex}$" if formula == v.latex else f"${v.latex} = {formula}$") if not k else ""
            symbol = u.symbol(latex=True)
            local_value = u.local()
            value = latex_value(local_value, p) if local_value is not None else symbol
            local = f"${symbol}$" if value == symbol else f"${symbol} = {value}$"
            cells = [str(s.index + 1) if not k else "", node, f"${latex_value(s.upstream, p)}$" if not k else "",
                     f"${u.edges[0].latex_label}$", local, f"${latex_value(u.sent, p)}$"]
            lines.append(" & ".join(cells) + r" \\")
            for note in dict.fromkeys(e.broadcast for e in u.edges if e.broadcast):
                lines.append(r" & \multicolumn{5}{l}{\small " + latex_text(note) + r"} \\")
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
            f"<h3>Backward pass of {esc(trace.output.label)} = {esc(summary(trace.output.value, trace.precision))}"
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


__all__ = ["as_dict", "html_fragment", "html_page", "json_value", "latex", "markdown", "rows", "text", "uses"]
