"""The computation graph drawn as SVG by a small layered layout (no Graphviz needed), and as DOT text.

Columns are depths (leaves on the left, the output on the right); within a column, nodes are ordered by the
mean position of their neighbours (one pass each way), which untangles the chains and trees of typical programs.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any

import numpy as np

from glassgrad.explain.format import summary

_W, _H, _GAP_X, _GAP_Y, _PAD = 170, 58, 90, 26, 20
_FILL = {"named": "#ffe9a8", "leaf": "#d9f2d9", "constant": "#eeeeee", "op": "#dde8ff", "output": "#ffd0c8"}


def _short(v, p: int) -> str:
    """A value in a box of the drawing: in full up to 6 elements, else shape, norm and the first entries."""
    return summary(v, p, 6)


def _kind(trace: Any, v: Any) -> str:
    if v is trace.output:
        return "output"
    if v.named:
        return "named"
    return "op" if v.node is not None else ("leaf" if v.requires_grad else "constant")


def _on_path(trace: Any, target: Any) -> set[int]:
    """Ids of the edges that lie on some path from the output down to `target`."""
    from glassgrad.explain.derivation import path_edges

    return set() if target is None else {id(e) for e in path_edges(trace.output, target)}


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


def _groups(trace: Any, limit: int) -> list[tuple[str, list]]:
    """Vertices grouped by nn layer (each linear node starts one; leaves join their first consumer's group) or,
    without linear nodes, by depth; consecutive groups merged so that there are at most `limit`."""
    vertices = trace.vertices
    if any(v.node is not None and v.node.op.name == "linear" for v in vertices):
        key: dict[int, int] = {}
        for v in vertices:
            if v.node is not None:
                key[v.id] = max((key[e.source.id] for e in v.edges if e.source is not None and e.source.id in key),
                                default=0) + (v.node.op.name == "linear")
        users: dict[int, list[int]] = {}
        for v in vertices:
            for e in v.edges:
                if e.source is not None:
                    users.setdefault(e.source.id, []).append(key[v.id])
        for v in vertices:  # leaves: the group of the first op that uses them
            if v.node is None:
                key[v.id] = min(users.get(v.id, [0]))
        label = lambda k: f"layer {k}" if k else "inputs"  # noqa: E731
    else:
        key = {v.id: v.depth for v in vertices}
        label = lambda k: f"depth {k}"  # noqa: E731
    keys = sorted(set(key.values()))
    size = -(-len(keys) // max(1, limit))
    groups = []
    for start in range(0, len(keys), size):
        chunk = set(keys[start:start + size])
        name = label(keys[start]) if size == 1 else f"{label(keys[start])} to {keys[min(start + size, len(keys)) - 1]}"
        groups.append((name, [v for v in vertices if key[v.id] in chunk]))
    return groups


def _cut(s: str, n: int = 24) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


class Graph:
    """An SVG drawing of a trace: `.svg` is the markup; Jupyter shows it inline."""

    def __init__(self, trace: Any, highlight: Any = None, max_nodes: int = 60) -> None:
        self.trace, self.highlight, self.max_nodes = trace, highlight, max_nodes
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
        first_use: dict[int, int] = {}  # leaves sit one column before the first op that uses them
        for v in t.vertices:
            for e in v.edges:
                if e.source is not None and e.source.node is None:
                    first_use[e.source.id] = min(first_use.get(e.source.id, v.depth), v.depth)
        layers = _layers(t.vertices, lambda v: v.depth if v.node is not None else max(0, first_use.get(v.id, 1) - 1))
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
                    label = f"{label} = {_short(e.local, p)}" if label != _short(e.local, p) else label
                parts.append(
                    f"<g class='{cls}' id='e{v.id}_{e.index}'><path d='M{x0:.0f},{y0:.0f} C{mx:.0f},{y0:.0f} "
                    f"{mx:.0f},{y1:.0f} {x1:.0f},{y1:.0f}'/><text x='{mx:.0f}' y='{(y0 + y1) / 2 - 3:.0f}' "
                    f"class='d'>{escape(_cut(label, 22))}</text></g>")
        for v in t.vertices:
            x, y = xy[v.id]
            kind = _kind(t, v)
            head = v.label if v.node is None or v.formula() == v.label else f"{v.label} ({v.node.op.name})"
            grad = "" if v.grad is None else f"grad {_short(v.grad, p)}"
            parts.append(
                f"<g class='node {kind}' id='v{v.id}'><title>{escape(v.label)}</title>"
                f"<rect x='{x:.0f}' y='{y:.0f}' width='{_W}' height='{_H}' rx='6' fill='{_FILL[kind]}'/>"
                f"<text x='{x + 6:.0f}' y='{y + 16:.0f}' class='h'>{escape(_cut(head))}</text>"
                f"<text x='{x + 6:.0f}' y='{y + 32:.0f}'>{escape(_cut('value ' + _short(v.value, p)))}</text>"
                f"<text x='{x + 6:.0f}' y='{y + 48:.0f}'>{escape(_cut(grad))}</text></g>")
        return self._wrap(parts, width, height)

    def _collapsed(self) -> str:
        """One box per layer (per nn layer when the graph has linear nodes, else per depth), at most max_nodes."""
        t, p = self.trace, self.trace.precision
        groups = _groups(t, self.max_nodes)
        where = {v.id: k for k, (_, members) in enumerate(groups) for v in members}
        width, height = 2 * _PAD + len(groups) * (_W + _GAP_X) - _GAP_X, _H + 2 * _PAD + 40
        xy = [(_PAD + k * (_W + _GAP_X), _PAD + 40) for k in range(len(groups))]
        parts = []
        links = {(where[e.source.id], where[v.id]) for v in t.vertices for e in v.edges if e.source is not None}
        for a, b in sorted(links):
            if a == b:
                continue
            (x0, y0), (x1, _) = xy[min(a, b)], xy[max(a, b)]
            lift = 0 if abs(b - a) == 1 else min(40, 8 * abs(b - a))
            parts.append(f"<g class='edge'><path d='M{x0 + _W / 2},{y0} C{x0 + _W / 2},{y0 - lift} "
                         f"{x1 + _W / 2},{y0 - lift} {x1 + _W / 2},{y0}'/></g>" if lift else
                         f"<g class='edge'><path d='M{x0 + _W},{y0 + _H / 2} L{x1},{y0 + _H / 2}'/></g>")
        for k, (name, members) in enumerate(groups):
            x, y = xy[k]
            ops = Counter(v.op_name for v in members)
            summary = ", ".join(f"{op}×{n}" for op, n in ops.most_common(3))
            grads = [float(np.max(np.abs(v.grad))) for v in members if v.grad is not None and np.size(v.grad)]
            grad = f"max |grad| {_short(max(grads), p)}" if grads else "no gradient"
            names = ", ".join(v.label for v in members[:40]) + (", …" if len(members) > 40 else "")
            parts.append(
                f"<g class='node layer' id='group{k}' data-count='{len(members)}'><title>{escape(names)}</title>"
                f"<rect x='{x}' y='{y}' width='{_W}' height='{_H}' rx='6' fill='{_FILL['op']}'/>"
                f"<text x='{x + 6}' y='{y + 16}' class='h'>{escape(_cut(f'{name}: {len(members)} tensors', 28))}"
                f"</text><text x='{x + 6}' y='{y + 32}'>{escape(_cut(summary))}</text>"
                f"<text x='{x + 6}' y='{y + 48}'>{escape(_cut(grad))}</text></g>")
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
        grad = "" if v.grad is None else f"\\ngrad {_dot(_short(v.grad, p))}"
        lines.append(f'  v{v.id} [label="{_dot(v.label)}\\nvalue {_dot(_short(v.value, p))}{grad}", '
                     f'fillcolor="{_FILL[_kind(trace, v)]}"];')
    for v in trace.vertices:
        for e in v.edges:
            if e.source is not None:
                extra = ", color=red, penwidth=3" if id(e) in hot else ""
                lines.append(f'  v{e.source.id} -> v{v.id} [label="{_dot(e.symbol())}"{extra}];')
    lines.append("}")
    return "\n".join(lines) + "\n"
