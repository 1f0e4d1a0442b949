"""How one gradient came to be: the sum over paths of chain-rule products, with named tensors as the stations.

Along a path from the output down to the target, every named tensor is a station; the unnamed nodes between two
stations fold into one factor, ∂(upper station)/∂(lower station) along that path. For scalar paths a factor's
value is the product of the local derivatives it folds; for tensor paths (where a factor is a Jacobian) each
factor's value is the gradient carried so far, ∂output/∂station along this path (a vector-Jacobian product).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassgrad.explain.format import brief, factor, latex_number, number, wrap
from glassgrad.explain.trace import Edge, Vertex

MAX_PATHS = 256  # paths listed at most (the count and the value are always complete)
MAX_PATH_STEPS = 50_000  # and at most about this many edges over all listed paths, for very deep graphs


@dataclass(eq=False)
class Factor:
    """One factor of a chain-rule product: ∂upper/∂lower along one path."""

    upper: Vertex
    lower: Vertex
    edges: list[Edge]
    text: str  # the op table's formulas of the folded edges, multiplied
    latex: str
    value: Any  # scalar path: this factor; tensor path: ∂output/∂lower along the path so far

    @property
    def label(self) -> str:
        return f"∂{wrap(self.upper.label)}/∂{wrap(self.lower.label)}"

    @property
    def latex_label(self) -> str:
        return rf"\frac{{\partial {self.upper.latex}}}{{\partial {self.lower.latex}}}"


@dataclass(eq=False)
class Path:
    """One way from the output down to the target: its factors and what it contributes to the gradient."""

    vertices: list[Vertex]
    factors: list[Factor]
    product: Any
    scalar: bool  # every tensor on the path holds one number: factors are plain derivatives


_COEFFICIENT = re.compile(r"^([−-]?\d+(?:\.\d+)?)(?:·(.+))?$")


def _product_symbol(symbols: list[str], latex: bool) -> str:
    """Multiply formulas: plain numbers (and leading '2·') gather into one coefficient, factors of 1 vanish.

    ('0.5', '2·(y − ŷ)', '−1' multiply to '−(y − ŷ)'.)
    """
    coefficient, kept = 1.0, []
    for s in symbols:
        m = _COEFFICIENT.match(s.replace(r" \cdot ", "·").strip() if latex else s)
        if m:
            coefficient *= float(m.group(1).replace("−", "-"))
            if m.group(2):
                kept.append(m.group(2))
        else:
            kept.append(s)
    dot = r" \cdot " if latex else " · "
    body = dot.join(factor(s, latex) if len(kept) > 1 else s for s in kept)
    sign = ("-" if latex else "−") if coefficient < 0 else ""
    size = abs(coefficient)
    if not body:
        return sign + number(size, 6)
    if size != 1:
        body = number(size, 6) + (r" \cdot " if latex else "·") + factor(body, latex)
    elif sign:
        body = factor(body, latex)
    return sign + body


def _scalar_factor(e: Edge) -> Any:
    """∂consumer/∂source for one-number tensors: the edge's VJP of a gradient of 1."""
    return e.vjp(np.ones(e.consumer.shape, dtype=e.consumer.value.dtype)).reshape(())


class Derivation:
    """∂output/∂target: `.value` is the gradient backward computed, `.paths` the chain-rule products summing to it."""

    def __init__(self, output: Vertex, target: Vertex, precision: int) -> None:
        if target.grad is None:
            why = ("it does not require grad" if not target.requires_grad else "no gradient reached it")
            raise RuntimeError(f"derivation: backward computed no gradient for {target.label!r}: {why}. Create it "
                               f"with requires_grad=True (and use it outside no_grad()) to see its derivation.")
        self.output, self.target, self.precision = output, target, precision
        self.value = np.asarray(target.grad)
        between = _between(output, target)
        self.total_paths = _count_paths(between, output, target)
        limit = max(4, min(MAX_PATHS, MAX_PATH_STEPS // max(1, len(between))))
        self.paths = [self._path(edges) for edges in _enumerate(between, output, target, limit)]

    @property
    def label(self) -> str:
        return f"∂{wrap(self.output.label)}/∂{wrap(self.target.label)}"

    @property
    def latex_label(self) -> str:
        return rf"\frac{{\partial {self.output.latex}}}{{\partial {self.target.latex}}}"

    @property
    def scalar(self) -> bool:
        return all(p.scalar for p in self.paths)

    def _path(self, edges: list[Edge]) -> Path:
        vertices = [self.output] + [e.source for e in edges]
        scalar = all(v.value.size == 1 for v in vertices)
        carried = np.asarray(self.output.grad)
        stations = [i for i, v in enumerate(vertices) if i == 0 or i == len(vertices) - 1 or v.named]
        factors = []
        for lo, hi in zip(stations, stations[1:]):
            seg = edges[lo:hi]
            for e in seg:
                carried = e.vjp(carried)
            value = carried
            if scalar:
                value = np.prod([_scalar_factor(e) for e in seg]).reshape(())
            factors.append(Factor(vertices[lo], vertices[hi], seg, _product_symbol([e.symbol() for e in seg], False),
                                  _product_symbol([e.symbol(latex=True) for e in seg], True), value))
        if not edges:  # the target is the output itself
            return Path(vertices, [], carried, scalar)
        seed = np.asarray(self.output.grad)
        if scalar and seed.size == 1 and seed.reshape(()) != 1:
            factors.insert(0, Factor(self.output, self.output, [], "g", "g", seed.reshape(())))
        return Path(vertices, factors, carried.reshape(self.target.shape), scalar)

    # --------------------------------------------------------------------------------------------- rendering
    def _n(self, v: Any) -> str:
        return brief(v, self.precision)

    def lines(self) -> list[str]:
        """The derivation as lines of text: labels, formulas, numbers, total."""
        p = self.precision
        paths = self.paths
        labels = " + ".join(" · ".join(f.label for f in q.factors) or "1" for q in paths)
        lines = [f"{self.label} = {labels}"] if labels != self.label else []
        pad = " " * len(self.label)
        if self.scalar:
            formulas = " + ".join(" · ".join(factor(_cut(f.text)) for f in q.factors) or "1" for q in paths)
            values = " + ".join(" · ".join(f"({number(f.value, p)})" for f in q.factors) or "1" for q in paths)
            lines.append(f"{pad if lines else self.label} = {formulas}")
            if any(len(q.factors) > 1 for q in paths):
                lines.append(f"{pad} = {values}")
            if len(paths) > 1:
                lines.append(f"{pad} = " + " + ".join(f"({number(q.product, p)})" for q in paths))
        else:
            out = wrap(self.output.label)
            lines.append(f"{pad}   (tensor paths: after each factor, the gradient carried so far, ∂{out}/∂· along it)")
            for k, q in enumerate(paths, 1):
                steps = " → ".join(f"{f.label} [{_cut(f.text)}]: {self._n(f.value)}" for f in q.factors)
                lines.append(f"{pad}   path {k}: {steps}")
        if self.total_paths > len(paths):
            lines.append(f"{pad}   … {_count(self.total_paths - len(paths))} more paths not shown")
        lines.append(f"{pad} = {self._n(self.value)}")
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"<Derivation {self.label} = {self._n(self.value)}, {self.total_paths} path(s)>"

    def to_text(self) -> str:
        return str(self)

    def to_latex(self) -> str:
        """An aligned equation: labels, formulas, numbers, total (paste into \\begin{document})."""
        p = self.precision
        rows = [" + ".join(r" \cdot ".join(f.latex_label for f in q.factors) or "1" for q in self.paths)]
        if self.scalar:
            rows.append(" + ".join(r" \cdot ".join(factor(f.latex, True) for f in q.factors) or "1"
                                   for q in self.paths))
            rows.append(" + ".join(r" \cdot ".join(rf"\left({latex_number(f.value, p)}\right)" for f in q.factors)
                                   or "1" for q in self.paths))
        shape = self.target.shape
        rows.append(latex_number(self.value, p) if self.value.size <= 6 else rf"\text{{a tensor of shape {shape}}}")
        body = r" \\" + "\n  &= "
        return "\\begin{align*}\n  " + self.latex_label + " &= " + body.join(rows) + "\n\\end{align*}"

    def to_markdown(self) -> str:
        return f"**{self.label}** = `{self._n(self.value)}`\n\n```\n{self}\n```\n"

    def to_html(self) -> str:
        return (f"<div class='gg-derivation'><pre>{html.escape(str(self))}</pre></div>")

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_dict(self) -> dict:
        from glassgrad.explain.render import json_value

        return {
            "target": self.target.id, "label": self.label, "latex": self.latex_label,
            "value": json_value(self.value), "total_paths": self.total_paths,
            "paths": [{"vertices": [v.id for v in q.vertices], "scalar": q.scalar, "product": json_value(q.product),
                       "factors": [{"label": f.label, "latex_label": f.latex_label, "text": f.text, "latex": f.latex,
                                    "upper": f.upper.id, "lower": f.lower.id, "value": json_value(f.value)}
                                   for f in q.factors]} for q in self.paths],
        }


def _cut(text: str, width: int = 160) -> str:
    """A folded factor's formula, shortened for display when it folds very many ops."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _count(n: int) -> str:
    return str(n) if n < 10**6 else f"about 10^{len(str(n)) - 1}"


def _flows(e: Edge) -> bool:
    return e.source is not None and e.sent is not None


def _count_paths(between: list[Vertex], output: Vertex, target: Vertex) -> int:
    counts: dict[int, int] = {target.id: 1}
    for v in between:
        if v is not target:
            counts[v.id] = sum(counts.get(e.source.id, 0) for e in v.edges if _flows(e))
    return counts.get(output.id, 0)


def _between(output: Vertex, target: Vertex) -> list[Vertex]:
    """The vertices gradients flow to from the output that were made after the target (every path output →
    target runs through them), inputs before consumers."""
    order, seen, stack = [], {output.id}, [output]
    while stack:  # everything below the output that gradients flow to
        v = stack.pop()
        order.append(v)
        for e in v.edges:
            if _flows(e) and e.source.id not in seen:
                seen.add(e.source.id)
                stack.append(e.source)
    order.sort(key=lambda v: v.id)  # ids are in forward order
    return [v for v in order if v.id >= target.id]


def _enumerate(between: list[Vertex], output: Vertex, target: Vertex, limit: int) -> list[list[Edge]]:
    """Up to `limit` paths output → target as edge lists, first inputs first (iterative: chains can be long)."""
    reach = _reaching(between, target)
    if output.id not in reach:
        return []
    found, stack = [], [(output, None)]
    while stack and len(found) < limit:
        v, link = stack.pop()
        if v is target:
            edges = []
            while link is not None:
                link, e = link
                edges.append(e)
            found.append(edges[::-1])
            continue
        for e in reversed(v.edges):
            if _flows(e) and e.source.id in reach:
                stack.append((e.source, (link, e)))
    return found


def _reaching(between: list[Vertex], target: Vertex) -> set[int]:
    """Ids of the vertices among `between` from which gradients flow down to `target`."""
    reach = {target.id}
    for v in between:
        if any(_flows(e) and e.source.id in reach for e in v.edges):
            reach.add(v.id)
    return reach


def path_edges(output: Vertex, target: Vertex) -> list[Edge]:
    """The edges that lie on some path output → target (what the graph drawing highlights)."""
    between = _between(output, target)
    reach = _reaching(between, target)
    return [e for v in between if v.id in reach for e in v.edges if _flows(e) and e.source.id in reach]
