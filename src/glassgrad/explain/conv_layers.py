"""Conv layers in the layer view (`trace.deltas`): δ over the feature maps, ∂L/∂W, dead channels, and in HTML
each δ feature map as a small image.

A conv layer's δ = ∂L/∂z is a stack of maps (N, C, H, W): where in the image the loss wants each channel's
output to change. Its ∂L/∂W is the correlation of the layer's input with δ. In the pictures red is δ > 0 (the
loss wants the map lower there), blue δ < 0, white 0 (a ReLU that did not fire, a max-pool that routed
elsewhere). Inline SVG, so a page stays one self-contained file.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import numpy as np

from glassgrad.explain.format import number, summary, table

CONV_OPS = ("conv2d", "conv_transpose2d")
CELL = 10  # pixels per feature-map cell


def conv_layers(trace: Any, names: dict[int, str], activation: Callable, layer_type: type) -> list:
    """One `layer_type` (explain.layers.Layer) per conv node the backward pass reached, in forward order."""
    found: list = []
    for v in trace.vertices:
        if v.node is None or v.node.op.name not in CONV_OPS or v.grad is None:
            continue
        x_edge, w_edge = v.edges[0], v.edges[1]
        b_edge = v.edges[2] if len(v.edges) > 2 else None
        w = w_edge.source
        name = names.get(id(w.tensor)) if w is not None else None
        name = name or (w.label if w is not None and w.named else f"conv {len(found) + 1}")
        act = activation(trace, v)
        local = None if act is None else np.broadcast_to(np.asarray(act.local), v.shape)
        layer = layer_type(len(found) + 1, name, v, np.asarray(x_edge.source.value if x_edge.source else
                                                                x_edge.constant), np.asarray(w.value),
                           np.asarray(v.grad), w_edge.sent, None if b_edge is None else b_edge.sent,
                           act.consumer.node.op.name if act else "", local)
        layer.diagnostics += _dead_channels(layer)
        found.append(layer)
    return found


def _dead_channels(layer: Any) -> list[str]:
    """Channels whose activation passes no gradient back at any position of any sample."""
    f = layer.activation_local
    if f is None or f.ndim != 4:
        return []
    dead = np.all(np.asarray(f) == 0, axis=(0, 2, 3))
    if not dead.any():
        return []
    which = ", ".join(str(i + 1) for i in np.flatnonzero(dead)[:8]) + (", …" if dead.sum() > 8 else "")
    return [f"dead channels: {int(dead.sum())} of {len(dead)} (channels {which}): {layer.activation}'s local "
            "derivative is 0 at every position of every sample, so no gradient passes back through them"]


def conv_lines(layers: list, out: str, precision: int) -> list[str]:
    """The conv layers' table: weight shape, δ, its norm, ‖∂L/∂W‖, ‖∂L/∂b‖ and the activation after each."""
    p = precision
    head = ("layer", "W", f"δ = ∂{out}/∂z", "‖δ‖", f"‖∂{out}/∂W‖", f"‖∂{out}/∂b‖", "activation")
    rows = [head] + [(f"{L.index}: {L.name}", "×".join(map(str, L.weight.shape)), summary(L.delta, p),
                       number(L.delta_norm, p), number(L.grad_norm, p),
                       number(np.linalg.norm(L.grad_bias), p) if L.grad_bias is not None else "–",
                       L.activation or "–") for L in layers]
    return ([f"Convolution layers (δ = ∂{out}/∂z over each conv layer's output maps z = W ⋆ a + b; ∂{out}/∂W = a ⋆ δ, "
             "the correlation of the input with δ, summed over the batch)"]
            + table(rows))


def _colour(v: float, scale: float) -> str:
    t = 0.0 if scale == 0 else max(-1.0, min(1.0, v / scale))
    fade = int(255 * (1 - abs(t)))
    return f"rgb(255,{fade},{fade})" if t > 0 else f"rgb({fade},{fade},255)"


def map_svg(m: np.ndarray, scale: float, title: str) -> str:
    """One 2-D map as an SVG of coloured cells, the value of each in its tooltip."""
    h, w = m.shape
    cells = "".join(f"<rect x='{j * CELL}' y='{i * CELL}' width='{CELL}' height='{CELL}' "
                    f"fill='{_colour(float(m[i, j]), scale)}'><title>{m[i, j]:.4g}</title></rect>"
                    for i in range(h) for j in range(w))
    return (f"<figure class='gg-map'><svg xmlns='http://www.w3.org/2000/svg' width='{w * CELL}' "
            f"height='{h * CELL}' role='img' aria-label='{html.escape(title)}'>{cells}</svg>"
            f"<figcaption>{html.escape(title)}</figcaption></figure>")


def delta_maps_html(name: str, delta: np.ndarray, sample: int = 0, max_maps: int = 16) -> str:
    """δ of one sample, each channel a small image on a shared colour scale (the layer's largest |δ|)."""
    d = np.asarray(delta)
    d = d[sample] if d.ndim == 4 else d
    scale = float(np.abs(d).max()) if d.size else 0.0
    maps = "".join(map_svg(d[k], scale, f"channel {k + 1}: ‖δ‖ = {np.linalg.norm(d[k]):.3g}")
                   for k in range(min(len(d), max_maps)))
    more = f" (first {max_maps} of {len(d)} channels)" if len(d) > max_maps else ""
    return (f"<div class='gg-maps'><p>{html.escape(name)}: δ = ∂L/∂(feature maps) of sample {sample + 1}{more}; "
            f"red δ > 0, blue δ < 0, scale ±{scale:.3g}</p>{maps}</div>")
