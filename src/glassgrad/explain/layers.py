"""The layer view of a trace: for each fused `linear` node (every nn.Linear), δ = ∂E/∂z, ∂E/∂W = δ·aᵀ, norms and
diagnostics tied to the layer that causes them.

Activations are recognised without knowing which they are: the unary elementwise op that consumes a layer's
output has a local derivative the trace already evaluated; 0 for every sample marks a dead unit (a ReLU that never
fires), a tiny non-zero value for every sample a saturated one (a sigmoid or tanh far from 0).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassgrad.explain.format import brief, number, wrap
from glassgrad.tensor import Tensor

UNROLL_MAX_WEIGHTS = 16  # layers with at most this many weights are also written out weight by weight


@dataclass(eq=False)
class Layer:
    """One linear layer z = a·Wᵀ + b of the traced network (index 1 is the first layer)."""

    index: int
    name: str
    vertex: Any  # the linear node's output z
    a: np.ndarray  # the layer's input
    weight: np.ndarray
    delta: np.ndarray  # δ = ∂E/∂z
    grad_weight: np.ndarray | None  # ∂E/∂W = δᵀ·a, summed over the batch (as backward computed it)
    grad_bias: np.ndarray | None
    activation: str = ""  # the op applied to z, when it is a unary elementwise op
    activation_local: np.ndarray | None = None  # its local derivative ∂act/∂z, as the trace evaluated it
    diagnostics: list[str] = field(default_factory=list)

    @property
    def grad_norm(self) -> float:
        return float(np.linalg.norm(self.grad_weight)) if self.grad_weight is not None else 0.0

    @property
    def delta_norm(self) -> float:
        return float(np.linalg.norm(self.delta))


def _module_names(model: Any) -> dict[int, str]:
    if model is None or not hasattr(model, "named_modules"):
        return {}
    return {id(m.weight): f"{name} ({type(m).__name__})" if name else type(m).__name__
            for name, m in model.named_modules() if isinstance(getattr(m, "weight", None), Tensor)}


def _activation(trace: Any, z: Any) -> tuple[str, Any]:
    for v in trace.vertices[z.id + 1:]:
        tensor_inputs = [e for e in v.edges if e.source is not None]
        if len(tensor_inputs) == 1 and tensor_inputs[0].source is z and tensor_inputs[0].local is not None:
            return v.node.op.name, np.broadcast_to(np.asarray(tensor_inputs[0].local), z.shape)
    return "", None


class LayerTable:
    """`trace.deltas()`: one row per linear layer, the layers unrolled when small, and what looks wrong."""

    def __init__(self, trace: Any, model: Any = None, vanishing: float = 1e-3, exploding: float = 1e3,
                 saturated: float = 1e-2) -> None:
        self.trace, self.precision = trace, trace.precision
        self.out = wrap(trace.output.label)  # E in the docstrings: the output being differentiated
        names = _module_names(model)
        self.layers: list[Layer] = []
        for v in trace.vertices:
            if v.node is None or v.node.op.name != "linear" or v.grad is None:
                continue
            x_edge, w_edge = v.edges[0], v.edges[1]
            b_edge = v.edges[2] if len(v.edges) > 2 else None
            w = w_edge.source
            k = len(self.layers) + 1
            name = names.get(id(w.tensor)) if w is not None else None
            name = name or (w.label if w is not None and w.named else f"layer {k}")
            act, local = _activation(trace, v)
            self.layers.append(Layer(k, name, v, np.asarray(x_edge.source.value if x_edge.source else x_edge.constant),
                                     np.asarray(w.value), np.asarray(v.grad), w_edge.sent,
                                     None if b_edge is None else b_edge.sent, act, local))
        self._diagnose(vanishing, exploding, saturated)

    def _diagnose(self, vanishing: float, exploding: float, saturated: float) -> None:
        if not self.layers:
            return
        last = self.layers[-1].grad_norm
        for layer in self.layers:
            n = layer.grad_norm
            if layer.grad_weight is not None and n == 0:
                layer.diagnostics.append(f"no gradient reaches this layer's weights (‖∂{self.out}/∂W‖ = 0)")
            elif last > 0 and n / last < vanishing:
                layer.diagnostics.append(f"vanishing gradient: ‖∂{self.out}/∂W‖ = {number(n, 2)} is "
                                         f"{number(n / last, 2)}× the last layer's; the chain of local derivatives "
                                         "above shrinks it")
            elif last > 0 and n / last > exploding or n > exploding:
                layer.diagnostics.append(f"exploding gradient: ‖∂{self.out}/∂W‖ = {number(n, 2)}"
                                         + (f", {number(n / last, 2)}× the last layer's" if last > 0 else ""))
            f = layer.activation_local
            if f is None:
                continue
            per_unit = np.abs(f.reshape(-1, f.shape[-1])) if f.ndim else np.abs(f).reshape(1, 1)
            dead = np.all(per_unit == 0, axis=0)
            sat = np.all((per_unit > 0) & (per_unit < saturated), axis=0)
            units = per_unit.shape[1]
            if dead.any():
                layer.diagnostics.append(
                    f"dead units: {int(dead.sum())} of {units} (units {_units(dead)}): {layer.activation}'s local "
                    "derivative is 0 for every sample, so no gradient passes back through them")
            if sat.any():
                layer.diagnostics.append(
                    f"saturated units: {int(sat.sum())} of {units} (units {_units(sat)}): {layer.activation}'s local "
                    f"derivative is below {number(saturated, 2)} for every sample")

    @property
    def diagnostics(self) -> list[tuple[str, str]]:
        return [(layer.name, d) for layer in self.layers for d in layer.diagnostics]

    def unrolled(self, layer: Layer) -> list[str]:
        """∂E/∂w^[i]_{j,k} = δ^[i]_j · a^[i−1]_k for each weight (summed over the batch), and ∂E/∂b^[i]_j = δ^[i]_j."""
        p, i = self.precision, layer.index
        d = layer.delta.reshape(-1, layer.delta.shape[-1]) if layer.delta.ndim else layer.delta.reshape(1, 1)
        a = layer.a.reshape(-1, layer.a.shape[-1]) if layer.a.ndim else layer.a.reshape(1, 1)
        lines = []
        for j in range(layer.weight.shape[0]):
            for k in range(layer.weight.shape[1]):
                g = number(layer.grad_weight[j, k], p)
                if d.shape[0] == 1:
                    lines.append(f"∂{self.out}/∂w^[{i}]_{j + 1},{k + 1} = δ^[{i}]_{j + 1} · a^[{i - 1}]_{k + 1} = "
                                 f"({number(d[0, j], p)})({number(a[0, k], p)}) = {g}")
                else:
                    lines.append(f"∂{self.out}/∂w^[{i}]_{j + 1},{k + 1} = Σ over {d.shape[0]} samples of "
                                 f"δ^[{i}]_{j + 1} · a^[{i - 1}]_{k + 1} = {g}")
            if layer.grad_bias is not None:
                lines.append(f"∂{self.out}/∂b^[{i}]_{j + 1} = {'δ' if d.shape[0] == 1 else 'Σ δ'}^[{i}]_{j + 1} = "
                             f"{number(layer.grad_bias[j], p)}")
        return lines

    def lines(self) -> list[str]:
        p = self.precision
        o = self.out
        head = ("layer", "W", f"δ = ∂{o}/∂z", "‖δ‖", f"‖∂{o}/∂W‖", f"‖∂{o}/∂W‖/‖W‖", f"‖∂{o}/∂b‖", "activation")
        table = [head]
        for layer in self.layers:
            wn = float(np.linalg.norm(layer.weight))
            table.append((f"{layer.index}: {layer.name}", "×".join(map(str, layer.weight.shape)), brief(layer.delta, p),
                          number(layer.delta_norm, p), number(layer.grad_norm, p),
                          number(layer.grad_norm / wn, p) if wn else "–",
                          number(np.linalg.norm(layer.grad_bias), p) if layer.grad_bias is not None else "–",
                          layer.activation or "–"))
        widths = [max(len(r[c]) for r in table) for c in range(len(head))]
        lines = [f"Layers (δ = ∂{o}/∂z at each linear layer's output z = a·Wᵀ + b; ∂{o}/∂W = δᵀ·a summed over the "
                 "batch)"]
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in table]
        for layer in self.layers:
            if layer.weight.size <= UNROLL_MAX_WEIGHTS and layer.grad_weight is not None:
                lines += ["", f"Layer {layer.index} ({layer.name}) weight by weight:"]
                lines += ["  " + s for s in self.unrolled(layer)]
        diags = self.diagnostics
        lines += ["", "Diagnostics:" if diags else "Diagnostics: none (no vanishing, exploding, dead or saturated)"]
        lines += [f"  {name}: {d}" for name, d in diags]
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"<LayerTable: {len(self.layers)} layers, {len(self.diagnostics)} diagnostics>"

    def to_markdown(self) -> str:
        return "```\n" + str(self) + "\n```\n"

    def _repr_html_(self) -> str:
        return f"<pre class='gg-layers'>{html.escape(str(self))}</pre>"

    def to_dict(self) -> dict:
        from glassgrad.explain.render import json_value

        return {"layers": [{"index": L.index, "name": L.name, "node": L.vertex.id, "delta": json_value(L.delta),
                            "grad_weight": json_value(L.grad_weight), "grad_bias": json_value(L.grad_bias),
                            "grad_norm": L.grad_norm, "delta_norm": L.delta_norm, "activation": L.activation or None,
                            "diagnostics": L.diagnostics} for L in self.layers]}


def _units(mask: np.ndarray) -> str:
    idx = [str(i + 1) for i in np.flatnonzero(mask)]
    return ", ".join(idx[:8]) + (", …" if len(idx) > 8 else "")
