"""Seed 001, "Backpropagation in Neural Network": derivative by definition, the chain rule (one path, two paths),
the 1-1-2-1 linear network with its 9 parameters, y = mx + c walked backwards, and the cost as a mean over m."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

import glassgrad as gg
from glassgrad.lessons.base import (
    Lesson,
    LessonResult,
    Step,
    const,
    explain_backward,
    explained_step,
    finite_difference,
    leaf,
    num,
)

ARTICLE = {"f(1.001) − f(1)": 0.002, "slope of f(x)=2x": 2.0, "dg/dx": 3.0, "dy/dg": 2.0, "dy/dx (chain)": 6.0,
           "∂y/∂c": 1.0, "∂y/∂(mx+c)": 1.0, "∂y/∂(mx)": 1.0}

# The 1-1-2-1 network of the article, w[i]_{j,k} = k-th weight of neuron j in layer i, with small whole numbers
# chosen so every gradient can be checked by hand (the article leaves its values random).
NETWORK = {"w[1]_1,1": 0.5, "b[1]_1": 0.0, "w[2]_1,1": 2.0, "b[2]_1": 1.0, "w[2]_2,1": 1.0, "b[2]_2": 1.0,
           "w[3]_1,1": 1.0, "w[3]_1,2": 2.0, "b[3]_1": 0.0}
EXAMPLE = (2.0, 6.0)  # (x, y)
BATCH = ((2.0, 6.0), (0.0, 4.0), (4.0, 9.0))  # m = 3 examples for the cost J


# where each scalar parameter lives in the same network built from gg.nn.Linear layers: (state-dict key, index)
IN_LAYERS = {"w[1]_1,1": ("layer1.weight", (0, 0)), "b[1]_1": ("layer1.bias", (0,)),
             "w[2]_1,1": ("layer2.weight", (0, 0)), "b[2]_1": ("layer2.bias", (0,)),
             "w[2]_2,1": ("layer2.weight", (1, 0)), "b[2]_2": ("layer2.bias", (1,)),
             "w[3]_1,1": ("layer3.weight", (0, 0)), "w[3]_1,2": ("layer3.weight", (0, 1)),
             "b[3]_1": ("layer3.bias", (0,))}


def forward(p: dict[str, gg.Tensor], x: gg.Tensor) -> gg.Tensor:
    """f_{W,B}(x) of the article, every neuron linear."""
    a1 = p["w[1]_1,1"] * x + p["b[1]_1"]
    a1.name = "a[1]_1"
    a21 = p["w[2]_1,1"] * a1 + p["b[2]_1"]
    a21.name = "a[2]_1"
    a22 = p["w[2]_2,1"] * a1 + p["b[2]_2"]
    a22.name = "a[2]_2"
    f = p["w[3]_1,1"] * a21 + p["w[3]_1,2"] * a22 + p["b[3]_1"]
    f.name = "f"
    return f


def hand_gradients(v: dict[str, float], x: float, y: float) -> dict[str, float]:
    """∂L/∂θ for L = (y − f)², derived on paper (plain arithmetic, no glassgrad):

    a1 = w1·x + b1;  a2_j = w2_j·a1 + b2_j;  f = w3_1·a2_1 + w3_2·a2_2 + b3
    ∂L/∂f = −2(y − f);  ∂L/∂b3 = ∂L/∂f;  ∂L/∂w3_j = ∂L/∂f · a2_j
    δ2_j = ∂L/∂a2_j = ∂L/∂f · w3_j;  ∂L/∂w2_j = δ2_j · a1;  ∂L/∂b2_j = δ2_j
    δ1 = ∂L/∂a1 = δ2_1·w2_1 + δ2_2·w2_2   (a1 reaches f along two paths: the sum of the chain rule)
    ∂L/∂w1 = δ1 · x;  ∂L/∂b1 = δ1
    """
    a1 = v["w[1]_1,1"] * x + v["b[1]_1"]
    a21 = v["w[2]_1,1"] * a1 + v["b[2]_1"]
    a22 = v["w[2]_2,1"] * a1 + v["b[2]_2"]
    f = v["w[3]_1,1"] * a21 + v["w[3]_1,2"] * a22 + v["b[3]_1"]
    dl_df = -2.0 * (y - f)
    d21, d22 = dl_df * v["w[3]_1,1"], dl_df * v["w[3]_1,2"]
    d1 = d21 * v["w[2]_1,1"] + d22 * v["w[2]_2,1"]
    return {"w[1]_1,1": d1 * x, "b[1]_1": d1, "w[2]_1,1": d21 * a1, "b[2]_1": d21, "w[2]_2,1": d22 * a1,
            "b[2]_2": d22, "w[3]_1,1": dl_df * a21, "w[3]_1,2": dl_df * a22, "b[3]_1": dl_df}


def run() -> LessonResult:
    r = LessonResult(LESSON.name, LESSON.title, LESSON.seed)
    _derivative_by_definition(r)
    _chain_rule(r)
    _two_paths(r)
    _network(r)
    _network_in_layers(r)
    _mx_plus_c(r)
    _cost_as_mean(r)
    return r


def _derivative_by_definition(r: LessonResult) -> None:
    x = leaf(1.0, "x")
    f = 2 * x
    f.name = "f"
    r.steps.append(explained_step(
        "What a derivative is",
        "f(x) = 2x at x = 1: f(1.001) − f(1) = 0.002, twice the nudge of 0.001, so df/dx = 2, the limit of\n"
        "(f(x+h) − f(x))/h as h → 0.", f, [x]))
    with gg.no_grad():
        r.check("f(1.001) − f(1)", ARTICLE["f(1.001) − f(1)"], 2 * (x + 0.001) - f)
    r.check("slope of f(x)=2x", ARTICLE["slope of f(x)=2x"], x.grad)


def _chain_rule(r: LessonResult) -> None:
    x = leaf(1.0, "x")
    g = 3 * x
    g.name = "g"
    g.retain_grad()
    y = 2 * g
    y.name = "y"
    r.steps.append(explained_step(
        "The chain rule",
        "y = f(g(x)) with dg/dx = 3 and dy/dg = 2: a nudge of x moves g three times as much, which moves y twice\n"
        "as much again, so dy/dx = 3·2 = 6 (the car, the bicycle and the walking man).", y, [x]))
    r.check("dg/dx", ARTICLE["dg/dx"], gg.autograd.grad(3 * x, x)[0])
    r.check("dy/dg", ARTICLE["dy/dg"], g.grad)
    r.check("dy/dx (chain)", ARTICLE["dy/dx (chain)"], x.grad)


def _two_paths(r: LessonResult) -> None:
    x = leaf(2.0, "x")
    g = 3 * x
    g.name = "g"
    h = x * x
    h.name = "h"
    y = g * h
    y.name = "y"
    r.steps.append(explained_step(
        "The chain rule over two paths",
        "y = f(g(x), h(x)) with g = 3x, h = x², f = g·h, at x = 2 (our numbers; the article is symbolic).\n"
        "x reaches y along two paths and their contributions add:\n"
        "dy/dx = dg/dx·∂f/∂g + dh/dx·∂f/∂h = 3·h + 2x·g = 3·4 + 4·6 = 12 + 24 = 36  (= 9x², as y = 3x³).",
        y, [x]))
    r.check("dy/dx (two paths)", 3 * 4.0 + 2 * 2.0 * 6.0, x.grad, "hand derivation")


def _network(r: LessonResult) -> None:
    p = {k: leaf(v, k) for k, v in NETWORK.items()}
    x, y = const(EXAMPLE[0], "x"), const(EXAMPLE[1], "y")
    f = forward(p, x)
    loss = (y - f) ** 2
    loss.name = "L"
    r.steps.append(explained_step(
        "The 1-1-2-1 linear network: all 9 gradients",
        "a[1]_1 = w[1]_1,1·x + b[1]_1;  a[2]_j = w[2]_j,1·a[1]_1 + b[2]_j;  f = w[3]_1,1·a[2]_1 + w[3]_1,2·a[2]_2 "
        "+ b[3]_1;\nL = (y − f)². With x = 2, y = 6 and the weights below, a[1]_1 = 1, a[2] = (3, 2), f = 7, L = 1.\n"
        "By hand: ∂L/∂f = −2(y − f) = 2; δ[2] = ∂L/∂f·w[3] = (2, 4); δ[1] = 2·2 + 4·1 = 8 (two paths summed);\n"
        "∂L/∂w[1]_1,1 = δ[1]·x = 16. glassgrad's backward, the hand formulas and central finite differences\n"
        "must agree on every one of the 9 parameters.",
        loss, list(p.values())))
    r.check("L (network)", 1.0, loss, "hand derivation")
    hand = hand_gradients(NETWORK, *EXAMPLE)

    def loss_value() -> float:
        with gg.no_grad():
            return num((y - forward(p, x)) ** 2)

    for k, t in p.items():
        r.check(f"∂L/∂{k}", hand[k], t.grad, "hand derivation")
        r.check(f"∂L/∂{k} (finite differences)", finite_difference(loss_value, t), t.grad, "finite differences",
                tol=1e-6)
    r.data["network_gradients"] = {k: num(t.grad) for k, t in p.items()}


def _network_in_layers(r: LessonResult) -> None:
    model = gg.nn.Sequential(OrderedDict(
        (f"layer{i}", gg.nn.Linear(n_in, n_out, dtype=gg.float64)) for i, (n_in, n_out) in enumerate(
            [(1, 1), (1, 2), (2, 1)], 1)))
    state = {k: np.zeros(v.shape) for k, v in model.state_dict().items()}
    for name, (key, index) in IN_LAYERS.items():
        state[key][index] = NETWORK[name]
    model.load_state_dict({k: const(v) for k, v in state.items()})
    x, y = const([[EXAMPLE[0]]], "x"), const([[EXAMPLE[1]]], "y")
    loss = ((y - model(x)) ** 2).sum()
    loss.name = "L"
    trace, _ = explain_backward(loss)
    r.steps.append(Step(
        "The same network from gg.nn.Linear layers, layer by layer",
        "Layers hold their weights as matrices, W[i] of shape (neurons, inputs), so w[i]_j,k is row j, column k.\n"
        "Per layer, δ[i] = ∂L/∂z[i] and ∂L/∂W[i] = δ[i]ᵀ·a[i−1]: the same 9 numbers as the scalar network.",
        code="model = gg.nn.Sequential(OrderedDict(layer1=Linear(1, 1), layer2=Linear(1, 2), layer3=Linear(2, 1)))",
        trace=trace, derivations=[trace.deltas(model)] if trace is not None else []))
    grads = {k: p.grad._data for k, p in model.named_parameters()}
    hand = hand_gradients(NETWORK, *EXAMPLE)
    for name, (key, index) in IN_LAYERS.items():
        r.check(f"∂L/∂{name} in {key}{list(index)}", hand[name], grads[key][index], "hand derivation")


def _mx_plus_c(r: LessonResult) -> None:
    m, x, c = leaf(2.0, "m"), const(3.0, "x"), leaf(1.0, "c")
    mx = m * x
    mx.name = "mx"
    mx.retain_grad()
    y = mx + c
    y.name = "y"
    y.retain_grad()
    r.steps.append(explained_step(
        "The computation graph of y = mx + c, walked backwards",
        "Start at the last node: ∂y/∂(mx+c) = 1. The + node passes its gradient on unchanged: ∂y/∂c = 1·1 = 1\n"
        "and ∂y/∂(mx) = 1. The · node multiplies by the other input: ∂y/∂m = ∂(mx)/∂m·∂y/∂(mx) = x·1 = x\n"
        "(with m = 2, x = 3, c = 1: ∂y/∂m = 3).", y, [m, c]))
    r.check("∂y/∂(mx+c)", ARTICLE["∂y/∂(mx+c)"], y.grad)
    r.check("∂y/∂(mx)", ARTICLE["∂y/∂(mx)"], mx.grad)
    r.check("∂y/∂c", ARTICLE["∂y/∂c"], c.grad)
    r.check("∂y/∂m = x", num(x), m.grad)


def _cost_as_mean(r: LessonResult) -> None:
    p = {k: leaf(v, k) for k, v in NETWORK.items()}
    xs, ys = const([b[0] for b in BATCH], "x"), const([b[1] for b in BATCH], "y")
    cost = ((ys - forward(p, xs)) ** 2).mean()
    cost.name = "J"
    cost.backward()
    per_example = [hand_gradients(NETWORK, x, y) for x, y in BATCH]
    r.steps.append(Step(
        "The cost J is the mean of the losses, and so is its gradient",
        f"J = (1/m)·Σ L(f(xᵢ), yᵢ) over m = {len(BATCH)} examples. Differentiation is linear, so\n"
        "∂J/∂θ = (1/m)·Σ ∂L/∂θ: the mean of the per-example gradients (each from the hand formulas above)."))
    for k, t in p.items():
        mean = sum(g[k] for g in per_example) / len(per_example)
        r.check(f"∂J/∂{k} = mean of ∂L/∂{k}", mean, t.grad, "hand derivation")


LESSON = Lesson("chain-rule", "Backpropagation in a neural network: the chain rule and the computation graph", "001",
                "derivative by definition; chain rule over one and two paths; the 1-1-2-1 network's 9 gradients; "
                "y = mx + c backwards; J as a mean over m", run)
