"""The computation graph drawn as SVG by a small layered layout (no Graphviz needed), and as DOT text.

Columns are depths (leaves on the left, the output on the right); within a column, nodes are ordered by the
mean position of their neighbours (one pass each way), which untangles the chains and trees of typical programs.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any

from glassgrad.explain.format import brief

_W, _H, _GAP_X, _GAP_Y, _PAD = 170, 58, 90, 26, 20
_FILL = {"named": "#ffe9a8", "leaf": "#d9f2d9", "constant": "#eeeeee", "op": "#dde8ff", "output": "#ffd0c8"}


def _kind(trace: Any, v: Any) -> str:
    if v is trace.output:
        return "output"
    if v.named:
        return "named"
    return "op" if v.node is not None else ("leaf" if v.requires_grad else "constant")


def _on_path(trace: Any, target: Any) -> set[int]:
    """Ids of the edges that lie on some path from the output down to `target`."""
    if target is None:
        return set()
    reach = {target.id}
    for v in trace.vertices:  # forward order: sources before consumers
        if any(e.source is not None and e.source.id in reach for e in v.edges):
            reach.add(v.id)
    edges, stack, seen = set(), [trace.output], {trace.output.id}
    while stack:
        v = stack.pop()
        for e in v.edges:
            if e.source is not None and e.source.id in reach:
                edges.add(id(e))
                if e.source.id not in seen:
                    seen.add(e.source.id)
                    stack.append(e.source)
    return edges


def _layers(vertices: list, depth: Any) -> list[list]:
    cols: dict[int, list] = {}
    for v in vertices:
        cols.setdefault(depth(v), []).append(v)
    layers = [cols[d] for d in sorted(cols)]
    pos = {v.id: i for layer in layers for i, v in enumerate(layer)}
    for layer in layers[1:]:  # left to right: by the mean row of the inputs
        layer.sort(key=lambda v: sum(pos[e.source.id] for e in v.edges if e.source is not None)
                   / max(1, sum(e.source is not None for e in v.edges)))
        pos.update({v.id: i for i, v in enumerate(layer)})
    consumers: dict[int, list] = {}
    for v in vertices:
        for e in v.edges:
            if e.source is not None:
                consumers.setdefault(e.source.id, []).append(v.id)
    for layer in reversed(layers[:-1]):  # right to left: by the mean row of the consumers
        layer.sort(key=lambda v: sum(pos[c] for c in consumers.get(v.id, [pos[v.id]]))
                   / max(1, len(consumers.get(v.id, [0]))) if v.id in consumers else pos[v.id])
        pos.update({v.id: i for i, v in enumerate(layer)})
    return layers


def _cut(s: str, n: int = 24) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


class Graph:
    """An SVG drawing of a trace: `.svg` is the markup; Jupyter shows it inline."""

    def __init__(self, trace: Any, highlight: Any = None, max_nodes: int = 60) -> None:
        self.trace, self.highlight = trace, highlight
        self.collapsed = len(trace.vertices) > max_nodes
        self.svg = self._collapsed() if self.collapsed else self._full()

    def _repr_svg_(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg

    def _canvas(self, layers: list) -> tuple[dict, int, int]:
        tall = max(len(layer) for layer in layers)
        xy = {}
        for c, layer in enumerate(layers):
            off = (tall - len(layer)) * (_H + _GAP_Y) / 2
            for r, v in enumerate(layer):
                xy[v.id] = (_PAD + c * (_W + _GAP_X), _PAD + off + r * (_H + _GAP_Y))
        return xy, 2 * _PAD + len(layers) * (_W + _GAP_X) - _GAP_X, 2 * _PAD + tall * (_H + _GAP_Y) - _GAP_Y

    def _full(self) -> str:
        t, p = self.trace, self.trace.precision
        layers = _layers(t.vertices, lambda v: v.depth)
        xy, width, height = self._canvas(layers)
        hot = _on_path(t, self.highlight)
        parts = []
        for v in t.vertices:
            for e in v.edges:
                if e.source is None:
                    continue
                (x0, y0), (x1, y1) = xy[e.source.id], xy[v.id]
                x0, y0, y1 = x0 + _W, y0 + _H / 2, y1 + _H / 2
                mx = (x0 + x1) / 2
                cls = "edge hl" if id(e) in hot else "edge"
                label = e.symbol()
                if e.local is not None and getattr(e.local, "size", 1) == 1:
                    label = f"{label} = {brief(e.local, p)}" if label != brief(e.local, p) else label
                parts.append(
                    f"<g class='{cls}' id='e{v.id}_{e.index}'><path d='M{x0:.0f},{y0:.0f} C{mx:.0f},{y0:.0f} "
                    f"{mx:.0f},{y1:.0f} {x1:.0f},{y1:.0f}'/><text x='{mx:.0f}' y='{(y0 + y1) / 2 - 3:.0f}' "
                    f"class='d'>{escape(_cut(label, 22))}</text></g>")
        for v in t.vertices:
            x, y = xy[v.id]
            kind = _kind(t, v)
            head = v.label if v.node is None or v.formula() == v.label else f"{v.label} ({v.node.op.name})"
            grad = "" if v.grad is None else f"grad {brief(v.grad, p)}"
            parts.append(
                f"<g class='node {kind}' id='v{v.id}'><title>{escape(v.label)}</title>"
                f"<rect x='{x:.0f}' y='{y:.0f}' width='{_W}' height='{_H}' rx='6' fill='{_FILL[kind]}'/>"
                f"<text x='{x + 6:.0f}' y='{y + 16:.0f}' class='h'>{escape(_cut(head))}</text>"
                f"<text x='{x + 6:.0f}' y='{y + 32:.0f}'>{escape(_cut('value ' + brief(v.value, p)))}</text>"
                f"<text x='{x + 6:.0f}' y='{y + 48:.0f}'>{escape(_cut(grad))}</text></g>")
        return self._wrap(parts, width, height)

    def _collapsed(self) -> str:
        """One box per depth: how many ops of which kind, and the size of the gradients there."""
        t = self.trace
        depths = sorted({v.depth for v in t.vertices})
        groups = {d: [v for v in t.vertices if v.depth == d] for d in depths}
        width, height = 2 * _PAD + len(depths) * (_W + _GAP_X) - _GAP_X, _H + 2 * _PAD + 40
        xy = {d: (_PAD + i * (_W + _GAP_X), _PAD + 40) for i, d in enumerate(depths)}
        parts = []
        links = {(e.source.depth, v.depth) for v in t.vertices for e in v.edges if e.source is not None}
        for a, b in sorted(links):
            (x0, y0), (x1, _) = xy[a], xy[b]
            lift = 0 if x1 - x0 == _W + _GAP_X else min(40, 8 * (b - a))
            parts.append(f"<g class='edge'><path d='M{x0 + _W / 2},{y0} C{x0 + _W / 2},{y0 - lift} "
                         f"{x1 + _W / 2},{y0 - lift} {x1 + _W / 2},{y0}'/></g>" if lift else
                         f"<g class='edge'><path d='M{x0 + _W},{y0 + _H / 2} L{x1},{y0 + _H / 2}'/></g>")
        for d in depths:
            x, y = xy[d]
            ops = Counter(v.op_name for v in groups[d])
            summary = ", ".join(f"{k}×{n}" for k, n in ops.most_common(3))
            names = ", ".join(v.label for v in groups[d][:40])
            parts.append(
                f"<g class='node layer' id='layer{d}'><title>{escape(names)}</title>"
                f"<rect x='{x}' y='{y}' width='{_W}' height='{_H}' rx='6' fill='{_FILL['op']}'/>"
                f"<text x='{x + 6}' y='{y + 16}' class='h'>depth {d}: {len(groups[d])} tensors</text>"
                f"<text x='{x + 6}' y='{y + 32}'>{escape(_cut(summary))}</text></g>")
        return self._wrap(parts, width, height)

    @staticmethod
    def _wrap(parts: list[str], width: float, height: float) -> str:
        style = ("<style>.node text{font:11px sans-serif}.node .h{font-weight:bold}"
                 ".node rect{stroke:#557}.named rect,.output rect{stroke:#c60;stroke-width:2}"
                 ".edge path{fill:none;stroke:#99a;stroke-width:1.2}.edge .d{font:10px sans-serif;fill:#446;"
                 "text-anchor:middle}.hl path{stroke:#d22;stroke-width:3}.hl .d{fill:#d22}</style>")
        return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:.0f}' height='{height:.0f}' "
                f"viewBox='0 0 {width:.0f} {height:.0f}' class='gg-graph'>{style}{''.join(parts)}</svg>")


def _dot(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(trace: Any, highlight: Any = None) -> str:
    """The graph in Graphviz's DOT language (value and gradient on nodes, local derivatives on edges)."""
    p = trace.precision
    hot = _on_path(trace, highlight)
    lines = ["digraph glassgrad {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fontname="sans"];']
    for v in trace.vertices:
        grad = "" if v.grad is None else f"\\ngrad {_dot(brief(v.grad, p))}"
        lines.append(f'  v{v.id} [label="{_dot(v.label)}\\nvalue {_dot(brief(v.value, p))}{grad}", '
                     f'fillcolor="{_FILL[_kind(trace, v)]}"];')
    for v in trace.vertices:
        for e in v.edges:
            if e.source is not None:
                extra = ", color=red, penwidth=3" if id(e) in hot else ""
                lines.append(f'  v{e.source.id} -> v{v.id} [label="{_dot(e.symbol())}"{extra}];')
    lines.append("}")
    return "\n".join(lines) + "\n"
