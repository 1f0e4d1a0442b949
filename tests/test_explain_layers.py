"""`trace.deltas()`: the four equations of backpropagation (Nielsen, ch. 2) per layer, with their numbers.

PyTorch (float64) is the oracle: δ^[l] = ∂E/∂z^[l] via autograd on z with retain_grad, ∇_ŷE and (W^[l+1])ᵀδ^[l+1]
as the gradients autograd leaves on ŷ and a^[l], σ'(z) as autograd's derivative of the activation, ∂E/∂b, ∂E/∂W as
the parameters' .grad. Every test compares what the printed text shows for each equation with that recomputation.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch

import glassgrad as gg
from glassgrad.explain.format import number

P = 6  # significant digits shown: enough that a wrong value cannot print like the right one
TORCH_ACT = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, None: lambda z: z}


def torch_oracle(net, x: np.ndarray, loss_fn) -> dict:
    """Forward and backward in torch with the same weights; every quantity the equations print, per layer."""
    linears = [m for m in net if isinstance(m, gg.nn.Linear)]
    acts = []
    for m in net:
        if isinstance(m, gg.nn.Linear):
            acts.append(None)
        else:
            acts[-1] = type(m).__name__.lower()
    params = [(torch.tensor(m.weight.data.numpy(), requires_grad=True),
               torch.tensor(m.bias.data.numpy(), requires_grad=True))
              for m in linears]
    a = torch.tensor(x)
    layers = []
    for (w, b), act in zip(params, acts):
        z = a @ w.T + b
        z.retain_grad()
        out = TORCH_ACT[act](z)
        if out is not z:
            out.retain_grad()
        layers.append({"a_in": a, "z": z, "a": out, "act": act, "w": w, "b": b})
        a = out
    loss = loss_fn(a)
    loss.backward()
    for layer in layers:
        zd = layer["z"].detach().requires_grad_()
        (layer["sigma_prime"],) = torch.autograd.grad(TORCH_ACT[layer["act"]](zd) if layer["act"] else zd * 1, zd,
                                                      torch.ones_like(zd))
    return {"loss": loss, "layers": layers}


def blocks(text: str) -> dict[tuple[int, str], str]:
    """The printed text of each equation: {(layer, "BP1"): its lines}."""
    out, layer, name = {}, None, None
    for line in text.splitlines():
        if m := re.match(r"Layer (\d+) \(", line):
            layer, name = int(m.group(1)), None
        elif m := re.match(r"  (BP\d)  ", line):
            name = m.group(1)
        elif line.startswith("Diagnostics"):
            layer = name = None
        if layer is not None and name is not None:
            out.setdefault((layer, name), "")
            out[(layer, name)] += line + "\n"
    return out


def printed(block: str, label: str, value: torch.Tensor) -> None:
    """`label = value` appears in the block, each row of a matrix on its line, with P significant digits."""
    v = value.detach().numpy()
    rows = [number(r, P) for r in v] if v.ndim == 2 and v.shape[0] > 1 else [number(v, P)]
    lines = block.splitlines()
    start = next((i for i, s in enumerate(lines) if s.strip().startswith(label + " ") and " = " in s), None)
    assert start is not None, f"{label} not in\n{block}"
    shown = " ".join(lines[start:start + len(rows)])
    for r in rows:
        assert r in shown, f"{label}: {r} not shown in\n{block}"


def check_against_torch(table, oracle: dict, batched: bool, out: str = "loss") -> None:
    """`out`: the label of the output, the caller's variable bound to it (`loss`, `E`)."""
    text = str(table)
    eqs = blocks(text)
    L = len(oracle["layers"])
    assert len(table.layers) == L
    for k, (layer, t) in enumerate(zip(table.layers, oracle["layers"]), 1):
        delta = t["z"].grad
        np.testing.assert_allclose(layer.delta, delta.numpy(), rtol=1e-12, atol=1e-15)
        by_name = {e.name: e for e in layer.equations}
        assert list(by_name) == (["BP1"] if k == L else ["BP2"]) + ["BP3", "BP4"]
        assert all(e.holds for e in layer.equations)
        first = by_name["BP1" if k == L else "BP2"]
        sp_label = f"σ'(z^[{k}])"
        if k == L:
            grad_a = t["a"].grad
            ingredient = (f"∇_ŷ {out}", grad_a)
        else:
            ingredient = (f"(W^[{k + 1}])ᵀ δ^[{k + 1}]", oracle["layers"][k]["a_in"].grad)  # autograd's ∂E/∂a^[k]
        label, expected = ingredient
        np.testing.assert_allclose(first.terms[0].value, expected.numpy(), rtol=1e-12, atol=1e-15)
        printed(eqs[(k, first.name)], label, expected)
        np.testing.assert_allclose(first.terms[1].value, t["sigma_prime"].numpy(), rtol=1e-12, atol=1e-15)
        if t["act"] is not None:
            printed(eqs[(k, first.name)], sp_label, t["sigma_prime"])
        np.testing.assert_allclose(first.result.value, delta.numpy(), rtol=1e-12, atol=1e-15)
        printed(eqs[(k, first.name)], f"δ^[{k}]", delta)
        np.testing.assert_allclose(by_name["BP3"].result.value, t["b"].grad.numpy(), rtol=1e-12, atol=1e-15)
        printed(eqs[(k, "BP3")], f"∂{out}/∂b^[{k}]", t["b"].grad)
        np.testing.assert_allclose(by_name["BP4"].result.value, t["w"].grad.numpy(), rtol=1e-12, atol=1e-15)
        printed(eqs[(k, "BP4")], f"∂{out}/∂W^[{k}]", t["w"].grad)
        printed(eqs[(k, "BP4")], "x" if k == 1 else f"a^[{k - 1}]", t["a_in"])
        if batched:  # how the batch enters BP3 and BP4: a sum over the examples
            assert f"∂{out}/∂b^[{k}] = Σ_n δ^[{k}]_n" in eqs[(k, "BP3")]
            assert f"i.e. ∂{out}/∂W^[{k}] = (δ^[{k}])ᵀ" in eqs[(k, "BP4")]
        else:
            assert f"∂{out}/∂b^[{k}] = δ^[{k}]\n" in eqs[(k, "BP3")]


def copy_weights(net, weights: list[tuple[list, list]]) -> None:
    with gg.no_grad():
        for m, (w, b) in zip([m for m in net if isinstance(m, gg.nn.Linear)], weights):
            m.weight.copy_(gg.tensor(w))
            m.bias.copy_(gg.tensor(b))


@pytest.mark.parametrize("n", [1, 4])
def test_2_3_2_sigmoid_network_with_mse_against_torch(float64, n: int) -> None:
    gg.manual_seed(3)
    net = gg.nn.Sequential(gg.nn.Linear(2, 3), gg.nn.Sigmoid(), gg.nn.Linear(3, 2), gg.nn.Sigmoid())
    rng = np.random.default_rng(n)
    x, y = rng.normal(size=(n, 2)), rng.uniform(size=(n, 2))
    loss = gg.nn.functional.mse_loss(net(gg.tensor(x)), gg.tensor(y))
    table = gg.explain(loss, model=net, precision=P).deltas()
    oracle = torch_oracle(net, x, lambda out: torch.nn.functional.mse_loss(out, torch.tensor(y)))
    check_against_torch(table, oracle, batched=n > 1)
    text = str(table)
    assert text.index("Layer 2 (") < text.index("Layer 1 (")  # from the output layer down, as backward runs
    assert ("every value has one row per example (N = 4), and BP3, BP4 sum over them" in text) == (n > 1)
    assert "BP1  δ^[2] = ∇_ŷ loss ⊙ σ'(z^[2])" in text and "BP2  δ^[1] = ((W^[2])ᵀ δ^[2]) ⊙ σ'(z^[1])" in text
    assert re.search(r"σ'\(z\^\[1\]\) += σ\(z\^\[1\]\)\(1 − σ\(z\^\[1\]\)\) = \[", text)  # formula, then numbers
    assert "∂loss/∂w^[2]_jk = " + ("Σ_n a^[1]_n,k δ^[2]_n,j" if n > 1 else "a^[1]_k δ^[2]_j") in text


MAZUR = [([[0.15, 0.20], [0.25, 0.30]], [0.35, 0.35]), ([[0.40, 0.45], [0.50, 0.55]], [0.60, 0.60])]


def test_mazur_2_2_2_step_by_step_example_against_torch(float64) -> None:
    """w1…w8, b1 = .35, b2 = .6, inputs .05, .1, targets .01, .99, E = Σ½(t − o)²."""
    net = gg.nn.Sequential(gg.nn.Linear(2, 2), gg.nn.Sigmoid(), gg.nn.Linear(2, 2), gg.nn.Sigmoid())
    copy_weights(net, MAZUR)
    x, t = np.array([0.05, 0.10]), np.array([0.01, 0.99])
    E = (0.5 * (gg.tensor(t) - net(gg.tensor(x))) ** 2).sum()
    table = gg.explain(E, model=net, precision=P).deltas()
    oracle = torch_oracle(net, x, lambda o: (0.5 * (torch.tensor(t) - o) ** 2).sum())
    check_against_torch(table, oracle, batched=False, out="E")
    assert E.item() == pytest.approx(0.298371109, abs=1e-9)  # the article's E_total
    text = str(table)
    eqs = blocks(text)
    grad_w5 = oracle["layers"][1]["w"].grad[0, 0].item()  # ∂E/∂w5 = 0.082167041 in the article
    assert grad_w5 == pytest.approx(0.082167041, abs=1e-9)
    a_h1, delta_o1 = oracle["layers"][0]["a"][0].item(), oracle["layers"][1]["z"].grad[0].item()
    assert (f"∂E/∂w^[2]_1,1 = a^[1]_1 δ^[2]_1 = ({number(a_h1, P)})({number(delta_o1, P)}) = "
            f"{number(grad_w5, P)}") in eqs[(2, "BP4")]  # out_h1 · δ_o1, the article's product
    grad_w1 = oracle["layers"][0]["w"].grad[0, 0].item()  # ∂E/∂w1 = 0.000438568 in the article
    assert grad_w1 == pytest.approx(0.000438568, abs=1e-9)
    w1_line = next(s for s in eqs[(1, "BP4")].splitlines() if s.strip().startswith("∂E/∂w^[1]_1,1 = "))
    assert w1_line.endswith(f"(0.05)({number(oracle['layers'][0]['z'].grad[0].item(), P)}) = {number(grad_w1, P)}")


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_mlp_hidden_activations_identity_last_layer_batched_against_torch(float64, activation: str) -> None:
    gg.manual_seed(7)
    net = gg.nn.MLP([3, 4, 3, 2], activation=activation)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    loss = gg.nn.functional.mse_loss(net(gg.tensor(x)), gg.tensor(y))
    table = gg.explain(loss, model=net, precision=P).deltas()
    check_against_torch(table, torch_oracle(net, x, lambda o: torch.nn.functional.mse_loss(o, torch.tensor(y))),
                        batched=True)
    text = str(table)
    assert re.search(r"σ'\(z\^\[3\]\) += 1 \(no activation: ŷ = z\^\[3\]\)\n", text)
    assert [layer.name for layer in table.layers] == ["fc1 (Linear)", "fc2 (Linear)", "fc3 (Linear)"]
    assert [layer.activation for layer in table.layers] == [activation, activation, ""]
    assert re.search(r"∇_ŷ loss += 2\(ŷ − y\)/N = \[\[", text)  # the loss's gradient as the op table writes it


def test_cross_entropy_output_layer_against_torch(float64) -> None:
    gg.manual_seed(2)
    net = gg.nn.Sequential(gg.nn.Linear(2, 3), gg.nn.ReLU(), gg.nn.Linear(3, 3))
    x, labels = np.random.default_rng(5).normal(size=(4, 2)), np.array([0, 2, 1, 2])
    loss = gg.nn.functional.cross_entropy(net(gg.tensor(x)), gg.tensor(labels))
    table = gg.explain(loss, model=net, precision=P).deltas()
    check_against_torch(table, torch_oracle(net, x, lambda o: torch.nn.functional.cross_entropy(
        o, torch.tensor(labels))), batched=True)
    assert re.search(r"∇_ŷ loss += \(softmax\(ŷ\) − onehot\(y\)\)/N = \[\[", str(table))
    summed = gg.explain(gg.nn.functional.cross_entropy(net(gg.tensor(x)), gg.tensor(labels), reduction="sum"),
                        model=net).deltas()
    assert re.search(r"∇_ŷ f += \[\[", str(summed))  # no /N formula where the loss is not a mean


def test_an_equation_that_does_not_hold_says_so_and_backward_carries_on(float64) -> None:
    """A skip connection: a^[1] also reaches the output directly, so BP2 misses that path."""
    gg.manual_seed(0)
    first, second = gg.nn.Linear(2, 2), gg.nn.Linear(2, 2)
    x = gg.randn(3, 2)
    h = gg.sigmoid(first(x))
    out = ((second(h) + h) ** 2).sum()
    table = gg.explain(out).deltas()
    bp2 = table.layers[0].equations[0]
    assert bp2.name == "BP2" and not bp2.holds
    np.testing.assert_allclose(bp2.backward, table.layers[0].delta)
    np.testing.assert_allclose(bp2.result.value, (table.layers[1].delta @ second.weight.data) * bp2.terms[1].value)
    assert all(e.holds for e in table.layers[0].equations[1:]) and all(e.holds for e in table.layers[1].equations)
    text = str(table)
    assert "the textbook's BP2 does not hold here: z^[1] or a^[1] is also used outside the chain of layers" in text
    assert np.allclose(table.layers[0].grad_weight, first.weight.grad.data)  # BP4 from backward's δ, as backward


def test_large_layers_show_shape_norm_and_first_entries(float64) -> None:
    gg.manual_seed(1)
    net = gg.nn.Sequential(gg.nn.Linear(10, 8), gg.nn.ReLU(), gg.nn.Linear(8, 1))
    table = gg.explain(net(gg.randn(2, 10)).sum(), model=net).deltas()
    text = str(table)
    g = table.layers[0].equations[-1].result.value
    first = ", ".join(number(v, 4) for v in g.ravel()[:6])
    assert g.size == 80 and shows(text, "∂f/∂W^[1]", f"[8, 10] ‖·‖={number(np.linalg.norm(g), 4)}, first [{first}, …]")
    assert "∂f/∂w^[1]_1,1" not in text  # 80 weights: not written out one by one
    w2 = table.layers[1].equations[-1].result.value  # 8 weights: in full, and one by one
    assert shows(text, "∂f/∂W^[2]", number(w2, 4)) and "∂f/∂w^[2]_1,8 = Σ over 2 examples of a^[1]_8 δ^[2]_1" in text


def shows(text: str, label: str, value: str) -> bool:
    """`label = value` on one line of the text (labels are padded to align the equals signs)."""
    return re.search(re.escape(label) + " += " + re.escape(value) + "\n", text) is not None


def test_every_notation_shows_the_same_rows(float64) -> None:
    net = gg.nn.Sequential(gg.nn.Linear(2, 2), gg.nn.Sigmoid(), gg.nn.Linear(2, 2), gg.nn.Sigmoid())
    copy_weights(net, MAZUR)
    E = (0.5 * (gg.tensor([0.01, 0.99]) - net(gg.tensor([0.05, 0.10]))) ** 2).sum()
    E.name = "E"
    trace = gg.explain(E, model=net)
    table = trace.deltas()
    latex = table.to_latex()
    assert latex.count(r"\begin{align*}") == latex.count(r"\end{align*}") == 2
    assert latex.count("{") == latex.count("}") and latex.count(r"\left(") == latex.count(r"\right)")
    for layer in table.layers:
        body = latex.split(rf"\paragraph{{Layer {layer.index} ")[1].split(r"\end{align*}")[0]
        assert body.count(r" \\" + "\n") + 1 == len(table.equation_rows(layer))  # one LaTeX row per text row
    assert r"\text{BP1}\quad \delta^{[2]} &= \nabla_{\hat{y}} E \odot \sigma'(z^{[2]})" in latex
    assert r"\frac{\partial E}{\partial W^{[2]}} &= \begin{bmatrix} 0.08217 & 0.08267 \\ -0.0226 & -0.02274" in latex
    assert r"\begin{align*}" not in table.to_markdown() and table.to_markdown().count(r"\begin{aligned}") == 2
    assert "  BP4  ∂E/∂w^[1]_jk = a^[0]_k δ^[1]_j" in table._repr_html_()
    assert "#### Layers" in trace.to_markdown() and r"\paragraph{Layer 1 (0 (Linear))}" in trace.to_latex()
    assert "BP2  δ^[1] = ((W^[2])ᵀ δ^[2]) ⊙ σ&#x27;(z^[1])" in trace.to_html()
    doc = json.loads(trace.to_json())["layers"]
    eq = {e["name"]: e for e in doc[1]["equations"]}
    assert eq["BP1"]["text"] == "δ^[2] = ∇_ŷ E ⊙ σ'(z^[2])" and eq["BP1"]["holds"] is True
    assert [t["label"] for t in eq["BP1"]["terms"]] == ["∇_ŷ E", "σ'(z^[2])"]
    assert eq["BP1"]["terms"][1]["formula"] == "σ(z^[2])(1 − σ(z^[2]))"
    np.testing.assert_allclose(eq["BP4"]["result"]["value"], net[2].weight.grad.data, rtol=1e-12)
    np.testing.assert_allclose(eq["BP4"]["backward"], net[2].weight.grad.data, rtol=1e-12)
    assert [e["name"] for e in doc[0]["equations"]] == ["BP2", "BP3", "BP4"]
