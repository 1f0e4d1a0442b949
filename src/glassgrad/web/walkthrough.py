"""Backprop one neuron at a time, for one training example: the steps the page walks through.

The engine does the work: one example goes forward through float64 copies of the network's weights, with every
pre-activation z and activation a kept (`retain_grad`), and `backward()` fills their gradients. Each step below
only *arranges* those numbers: z = Σ w·a + b with its terms, the upstream gradient as the sum of the paths that
meet at a neuron, the local derivative evaluated by the op table's own formula, and δ = upstream · local.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

import glassgrad as gg
from glassgrad.explain.check import replay
from glassgrad.ops.base import Op, shown
from glassgrad.ops.xp import NUMPY
from glassgrad.web.network import PlaygroundError, Run

SWEEP = tuple(10.0 ** -k for k in range(1, 11))  # finite-difference step sizes, large to tiny
STEP = 1e-6  # the step of the reported central difference


@dataclass
class Activation:
    """The op an activation module ran (None for identity), with its params: its formula comes from the table."""

    op: type[Op] | None
    params: dict

    def text(self, arg: str) -> str:
        return arg if self.op is None else self.op.text.replace("$a", arg)

    def derivative_text(self, arg: str, out: str) -> str:
        return "1" if self.op is None else self.op.derivatives[0].text.replace("$a", arg).replace("$out", out)

    def local(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """∂a/∂z, evaluated by the op table's derivative code (the same code backward runs)."""
        if self.op is None:
            return np.ones_like(z)
        return np.broadcast_to(shown(self.op.derivatives[0].fn(NUMPY, a, z, **self.params), z), z.shape)


@dataclass
class Pass:
    """Forward and backward of one example, layer by layer: every number a step shows (batch axis dropped)."""

    x: np.ndarray
    y: float
    weights: list[gg.Tensor]
    biases: list[gg.Tensor | None]
    zs: list[gg.Tensor]
    acts: list[gg.Tensor]
    activations: list[Activation]
    names: list[str]  # the network's inputs
    data_loss: gg.Tensor
    regularizer: gg.Tensor | None  # R, with L = data loss + λ·R
    regularization: str  # none, l1, l2
    rate: float  # λ
    loss: gg.Tensor
    loss_op: type[Op] | None
    trace: Any  # gg.explain's record of this backward pass

    def penalty_share(self, layer: int) -> np.ndarray | None:
        """The part of ∂L/∂W of `layer` (0-based) that comes through R: gg.explain's path through R."""
        if self.regularizer is None:
            return None
        through = self.trace.vertex(self.regularizer)
        parts = self.trace.derivation(self.weights[layer]).equations[-1].parts
        return sum(np.asarray(q.value) for q in parts if through in q.vertices)

    def penalty_text(self, w: str) -> str:
        """∂(λ·R)/∂w as a formula: 2λ·w for l2, λ·sign(w) for l1."""
        return f"2λ·{w}" if self.regularization == "l2" else f"λ·sign({w})"


def _check_example(run: Run, example: int) -> None:
    if not 0 <= example < len(run.data.x):
        raise PlaygroundError(f"example {example} does not exist: the dataset has rows 0 to {len(run.data.x) - 1}")


@np.errstate(over="ignore", invalid="ignore")  # a diverged network is reported below, not warned about
def forward_backward(run: Run, example: int) -> Pass:
    """Run one example through named copies of the weights and backpropagate with gg.explain, keeping every
    intermediate gradient (the names W1, z1, a1, … are the stations of gg.explain's derivations)."""
    _check_example(run, example)
    x = run.inputs[example: example + 1]
    a = gg.tensor(x, dtype=gg.float64, name="x")
    weights, biases, zs, acts, activations = [], [], [], [], []
    for i, (layer, module) in enumerate(zip(run.linears(), run.activations()), 1):
        w = gg.tensor(layer.weight._data.copy(), requires_grad=True, name=f"W{i}")
        b = None if layer.bias is None else gg.tensor(layer.bias._data.copy(), requires_grad=True, name=f"b{i}")
        z = gg.linear(a, w, b)
        z.name = f"z{i}"
        z.retain_grad()
        a = module(z)
        if a is not z:
            a.name = f"a{i}"
            a.retain_grad()
        node = a.grad_fn if a is not z else None
        activations.append(Activation(None if node is None else node.op, {} if node is None else dict(node.params)))
        weights.append(w)
        biases.append(b)
        zs.append(z)
        acts.append(a)
    data_loss = run.loss_of(a, run.targets(np.array([example])))
    loss_op = data_loss.grad_fn.op if data_loss.grad_fn is not None else None
    r, rate = run.regularizer(weights), run.config.regularization_rate
    loss = data_loss
    if r is not None:  # two paths reach every weight: through its layer's z, and through R
        data_loss.name = "E"
        loss = data_loss + rate * r
    if not np.isfinite(loss.item()):
        raise PlaygroundError(f"example {example}'s loss is {loss.item()}: training diverged. Reset the network, "
                              "and lower the learning rate")
    loss.name = "L"
    trace = gg.explain(loss, precision=6)  # backward, kept step by step: the .grad of every tensor above is set
    return Pass(x[0], float(run.data.y[example]), weights, biases, zs, acts, activations, run.input_names,
                data_loss, r, run.config.regularization, rate, loss, loss_op, trace)


def _v(t: gg.Tensor | None, *index: int) -> float:
    return 0.0 if t is None else float(np.asarray(t._data)[index])


def _g(t: gg.Tensor | None, *index: int) -> float:
    return 0.0 if t is None or t.grad is None else float(np.asarray(t.grad._data)[index])


def _a_label(p: Pass, layer: int, j: int) -> str:
    return p.names[j] if layer == 0 else f"a[{layer}]{j + 1}"


def _input_value(p: Pass, layer: int, j: int) -> float:
    """a[layer]_j, where a[0] is the example's input."""
    return float(p.x[j]) if layer == 0 else _v(p.acts[layer - 1], 0, j)


def forward_steps(p: Pass) -> list[dict]:
    steps = []
    for li, (w, b, act) in enumerate(zip(p.weights, p.biases, p.activations), 1):
        for k in range(w.shape[0]):
            terms = [{"label": f"w[{li}]{k + 1},{j + 1}·{_a_label(p, li - 1, j)}",
                      "factors": [_v(w, k, j), _input_value(p, li - 1, j)],
                      "value": _v(w, k, j) * _input_value(p, li - 1, j)} for j in range(w.shape[1])]
            if b is not None:
                terms.append({"label": f"b[{li}]{k + 1}", "factors": [_v(b, k)], "value": _v(b, k)})
            z, a = f"z[{li}]{k + 1}", f"a[{li}]{k + 1}"
            steps.append({
                "phase": "forward", "kind": "neuron", "layer": li, "unit": k,
                "title": f"Forward: layer {li}, neuron {k + 1}",
                "formula": f"{z} = Σ_j w[{li}]{k + 1},j·{'x' if li == 1 else f'a[{li - 1}]'}j"
                           f"{f' + b[{li}]{k + 1}' if b is not None else ''};   {a} = {act.text(z)}",
                "terms": terms, "grads": [],
                "values": {"z": _v(p.zs[li - 1], 0, k), "a": _v(p.acts[li - 1], 0, k)},
            })
    out = p.acts[-1]
    terms = [{"label": f"ŷ{k + 1}", "factors": [], "value": _v(out, 0, k)} for k in range(out.shape[1])]
    values = {"L": float(p.loss.item()), "y": p.y}
    formula = f"L = {_loss_text(p)}"
    if p.regularizer is not None:
        r = float(p.regularizer.item())
        terms += [{"label": "E (data loss)", "factors": [], "value": float(p.data_loss.item())},
                  {"label": "λ·R", "factors": [p.rate, r], "value": p.rate * r}]
        values.update(E=float(p.data_loss.item()), R=r)
        total = "Σ w²" if p.regularization == "l2" else "Σ |w|"
        formula = f"L = E + λ·R,   E = {_loss_text(p)},   R = {total} over every weight (biases not), λ = {p.rate}"
    steps.append({
        "phase": "forward", "kind": "loss", "layer": len(p.weights) + 1, "unit": 0,
        "title": "Forward: the loss", "formula": formula, "terms": terms, "grads": [], "values": values,
    })
    return steps


def _loss_text(p: Pass) -> str:
    return "loss(ŷ, y)" if p.loss_op is None else p.loss_op.text.replace("$a", "ŷ").replace("$b", "y")


def _loss_derivative_text(p: Pass) -> str:
    if p.loss_op is None or not p.loss_op.derivatives:
        return "∂L/∂ŷ"
    return p.loss_op.derivatives[0].text.replace("$a", "ŷ").replace("$b", "y").replace("$g", "1")


def backward_steps(p: Pass) -> list[dict]:
    out, last = p.acts[-1], len(p.weights)
    steps = [{
        "phase": "backward", "kind": "loss", "layer": last + 1, "unit": 0,
        "title": "Backward: the loss starts the chain (∂L/∂L = 1)",
        "formula": f"∂L/∂ŷ = {_loss_derivative_text(p)}" + (
            "" if p.regularizer is None else f";   ∂L/∂R = λ = {p.rate}: every weight also gets "
            f"∂(λ·R)/∂w = {p.penalty_text('w')}"),
        "terms": [{"label": f"∂L/∂ŷ{k + 1}", "factors": [], "value": _g(out, 0, k)} for k in range(out.shape[1])],
        "grads": [], "values": {"L": float(p.loss.item())},
    }]
    for li in range(last, 0, -1):
        w, b, act = p.weights[li - 1], p.biases[li - 1], p.activations[li - 1]
        share = p.penalty_share(li - 1)
        z_t, a_t = p.zs[li - 1], p.acts[li - 1]
        local = act.local(np.asarray(z_t._data), np.asarray(a_t._data))
        for k in range(w.shape[0]):
            z, a = f"z[{li}]{k + 1}", f"a[{li}]{k + 1}"
            if li == last:
                upstream = [{"label": f"∂L/∂ŷ{k + 1}", "factors": [], "value": _g(out, 0, k)}]
                source = "from the loss"
            else:
                nxt, d_nxt = p.weights[li], p.zs[li]
                upstream = [{"label": f"w[{li + 1}]{m + 1},{k + 1}·δ[{li + 1}]{m + 1}",
                             "factors": [_v(nxt, m, k), _g(d_nxt, 0, m)],
                             "value": _v(nxt, m, k) * _g(d_nxt, 0, m)} for m in range(nxt.shape[0])]
                source = (f"the sum where {len(upstream)} paths meet" if len(upstream) > 1 else "one path")
            delta = _g(z_t, 0, k)
            grads = [{"label": f"∂L/∂w[{li}]{k + 1},{j + 1} = δ·{_a_label(p, li - 1, j)}"
                               + ("" if share is None else " + " + p.penalty_text(f"w[{li}]{k + 1},{j + 1}")),
                      "factors": [delta, _input_value(p, li - 1, j)], "value": _g(w, k, j),
                      "penalty": None if share is None else float(share[k, j])} for j in range(w.shape[1])]
            if b is not None:
                grads.append({"label": f"∂L/∂b[{li}]{k + 1} = δ", "factors": [delta], "value": _g(b, k)})
            steps.append({
                "phase": "backward", "kind": "neuron", "layer": li, "unit": k,
                "title": f"Backward: layer {li}, neuron {k + 1}",
                "formula": f"∂L/∂{a} = {source};   δ[{li}]{k + 1} = ∂L/∂{z} = ∂L/∂{a} · ∂{a}/∂{z} = ∂L/∂{a} · "
                           f"({act.derivative_text(z, a)})",
                "terms": upstream, "grads": grads,
                "values": {"upstream": _g(a_t, 0, k), "local": float(local[0, k]), "delta": delta,
                           "z": _v(z_t, 0, k), "a": _v(a_t, 0, k)},
            })
    return steps


def walkthrough(run: Run, example: int) -> dict:
    p = forward_backward(run, example)
    return {"example": example, "x": p.x.tolist(), "y": p.y, "loss": float(p.loss.item()),
            "steps": forward_steps(p) + backward_steps(p)}


def weight_derivation(run: Run, layer: int, row: int, col: int, example: int) -> dict:
    """∂L/∂w for one weight, as the chain of three factors, beside central differences at several step sizes."""
    sizes = run.sizes
    if not 1 <= layer < len(sizes):
        raise PlaygroundError(f"layer {layer} does not exist: the network has layers 1 to {len(sizes) - 1}")
    if not (0 <= row < sizes[layer] and 0 <= col < sizes[layer - 1]):
        raise PlaygroundError(f"weight ({row}, {col}) does not exist: layer {layer}'s weight is "
                              f"{sizes[layer]}×{sizes[layer - 1]} (out × in, 0-based)")
    p = forward_backward(run, example)
    w, act = p.weights[layer - 1], p.activations[layer - 1]
    z_t, a_t = p.zs[layer - 1], p.acts[layer - 1]
    local = float(act.local(np.asarray(z_t._data), np.asarray(a_t._data))[0, row])
    upstream, a_in = _g(a_t, 0, row), _input_value(p, layer - 1, col)
    z, a, wl = f"z[{layer}]{row + 1}", f"a[{layer}]{row + 1}", f"w[{layer}]{row + 1},{col + 1}"
    factors = [
        {"label": f"∂L/∂{a}", "factors": [], "value": upstream},
        {"label": f"∂{a}/∂{z} = {act.derivative_text(z, a)}", "factors": [], "value": local},
        {"label": f"∂{z}/∂{wl} = {_a_label(p, layer - 1, col)}", "factors": [], "value": a_in},
    ]
    share = p.penalty_share(layer - 1)
    penalty = None if share is None else {"label": f"∂(λ·R)/∂{wl} = {p.penalty_text(wl)}",
                                          "factors": [2 * p.rate, _v(w, row, col)] if p.regularization == "l2" else
                                          [p.rate, float(np.sign(_v(w, row, col)))], "value": float(share[row, col])}
    engine = _g(w, row, col)
    vertex = p.trace.vertex(w)
    base = float(p.loss.item())

    def loss_at(delta: float) -> float:  # the recorded graph replayed with this one weight moved
        moved = np.array(w._data, dtype=np.float64)
        moved[row, col] += delta
        return replay(p.trace, {vertex.id: moved})

    sweep = []
    for h in SWEEP:
        plus, minus = loss_at(h), loss_at(-h)
        central = (plus - minus) / (2 * h)
        sweep.append({"h": h, "central": central, "forward": (plus - base) / h, "rel_error": _rel(central, engine)})
    central = (loss_at(STEP) - loss_at(-STEP)) / (2 * STEP)
    return {
        "layer": layer, "row": row, "col": col, "example": example,
        "formula": f"∂L/∂{wl} = ∂L/∂{a} · ∂{a}/∂{z} · ∂{z}/∂{wl}" + ("" if penalty is None else f" + ∂(λ·R)/∂{wl}"),
        "factors": factors, "penalty": penalty,
        "value": upstream * local * a_in + (0.0 if penalty is None else penalty["value"]), "engine_grad": engine,
        "central_difference": central, "rel_error": _rel(central, engine), "sweep": sweep,
        "explain": p.trace.derivation(w, index=(row, col)).to_text(),
    }


def explanation(run: Run, example: int, format: str) -> str:  # noqa: A002 - the API's parameter name
    """gg.explain's account of one example's backward pass: Markdown, or its documented JSON."""
    trace = forward_backward(run, example).trace
    return trace.to_json(indent=1) if format == "json" else trace.to_markdown()


def _rel(approx: float, exact: float) -> float:
    return abs(approx - exact) / max(abs(exact), abs(approx), 1e-12)
