"""Derivations of the best-known worked examples, checked against torch (float64): the numbers a textbook shows at
each station appear in the text, the LaTeX has the text's structure, and no lesson's sum repeats a label.

The checks read numbers and structure (which number appears, which equation sums which parts), not the layout,
so they hold whatever the rendering of a factor looks like."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

import glassgrad as gg

pytestmark = pytest.mark.usefixtures("float64")  # the articles' numbers, exactly


def fmt(v: float, precision: int) -> str:
    """A number as explanations print it at `precision` significant digits, written out here: no trailing zeros,
    exponents without padding (1.5e-7)."""
    v = float(v)
    if v == 0:
        return "0"
    s = f"{v:.{precision}g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s


def shown(text: str, value: float, precision: int) -> None:
    assert fmt(value, precision) in text, f"{fmt(value, precision)} not in\n{text}"


# ------------------------------------------------------------------ Matt Mazur's 2-2-2 network, step by step

I, T = [0.05, 0.10], [0.01, 0.99]
W1, W2, B1, B2 = [[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]], 0.35, 0.60
# the article's figures (9 decimals): only to confirm torch computes the article's network
MAZUR = {"dE/dout_h1 via o1": 0.055399425, "dE/dout_h1 via o2": -0.019049119, "dE/dout_h1": 0.036350306,
         "dout_h1/dnet_h1": 0.241300709, "dE/dw1": 0.000438568, "dE/dout_o1": 0.74136507,
         "dout_o1/dnet_o1": 0.186815602, "dnet_o1/dw5": 0.593269992, "dE/dw5": 0.082167041}


def mazur_torch() -> dict[str, float]:
    """Every factor of the article's two derivations, from torch's autograd on the same network."""
    w1 = torch.tensor(W1, dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor(W2, dtype=torch.float64, requires_grad=True)
    i, t = torch.tensor(I, dtype=torch.float64), torch.tensor(T, dtype=torch.float64)
    out_h = torch.sigmoid(w1 @ i + B1)
    net_o = w2 @ out_h + B2
    out_o = torch.sigmoid(net_o)
    for v in (out_h, net_o, out_o):
        v.retain_grad()
    (0.5 * (t - out_o) ** 2).sum().backward()
    parts = net_o.grad * w2.detach()[:, 0]  # ∂E/∂out_h1 through o1 and through o2
    got = {"dE/dout_h1 via o1": parts[0], "dE/dout_h1 via o2": parts[1], "dE/dout_h1": out_h.grad[0],
           "dout_h1/dnet_h1": out_h[0] * (1 - out_h[0]), "dE/dw1": w1.grad[0, 0], "dE/dout_o1": out_o.grad[0],
           "dout_o1/dnet_o1": out_o[0] * (1 - out_o[0]), "dnet_o1/dw5": out_h[0], "dE/dw5": w2.grad[0, 0]}
    got = {k: float(v.detach()) for k, v in got.items()}
    assert got["dE/dout_h1 via o1"] + got["dE/dout_h1 via o2"] == pytest.approx(got["dE/dout_h1"], rel=1e-12)
    assert got == pytest.approx(MAZUR, abs=1e-9)
    return got


def mazur_glassgrad(build: str, precision: int):
    """The network as nn.Linear layers, or as plain tensors (with the article's names, or none)."""
    if build == "nn":
        net = gg.nn.Sequential(gg.nn.Linear(2, 2), gg.nn.Sigmoid(), gg.nn.Linear(2, 2), gg.nn.Sigmoid())
        net.load_state_dict({"0.weight": np.array(W1), "0.bias": np.full(2, B1), "2.weight": np.array(W2),
                             "2.bias": np.full(2, B2)})
        out = net(gg.tensor([I]))
        e = (0.5 * (gg.tensor([T]) - out) ** 2).sum()
        e.name = "E"
        return gg.explain(e, precision=precision, model=net), net[0].weight, net[2].weight
    w1 = gg.tensor(W1, requires_grad=True, name="W1")
    w2 = gg.tensor(W2, requires_grad=True, name="W2")
    b1 = gg.tensor(B1, requires_grad=True, name="b1")
    b2 = gg.tensor(B2, requires_grad=True, name="b2")
    i, t = gg.tensor(I, name="i"), gg.tensor(T, name="t")
    net_h = w1 @ i + b1
    out_h = gg.sigmoid(net_h)
    net_o = w2 @ out_h + b2
    out_o = gg.sigmoid(net_o)
    if build == "tensors, named":
        net_h.name, out_h.name, net_o.name, out_o.name = "net_h", "out_h", "net_o", "out_o"
    e = (0.5 * (t - out_o) ** 2).sum()
    e.name = "E"
    return gg.explain(e, precision=precision), w1, w2


def _equation_with_parts(d, value: float, parts: list[float]) -> dict:
    """The equation of the derivation whose value is `value`, summing exactly these parts."""
    for eq in d.to_dict()["equations"]:
        got = [float(np.asarray(p["value"]).reshape(())) for p in eq["parts"]] if np.size(eq["value"]) == 1 else []
        if len(got) == len(parts) and np.allclose(sorted(got), sorted(parts), rtol=1e-12, atol=0) and np.isclose(
                float(np.asarray(eq["value"]).reshape(())), value, rtol=1e-12, atol=0):
            return eq
    raise AssertionError(f"no equation sums the parts {parts} to {value}:\n{d}")


@pytest.mark.parametrize("precision", [4, 9])
@pytest.mark.parametrize("build", ["nn", "tensors, named", "tensors, unnamed"])
def test_mazur_w1_factors_at_out_h1_where_the_two_paths_meet(build, precision):
    """∂E/∂w1 = ∂E/∂out_h1 · ∂out_h1/∂net_h1 · ∂net_h1/∂w1, with ∂E/∂out_h1 the sum of its parts via o1 and o2."""
    want = mazur_torch()
    trace, w1, _ = mazur_glassgrad(build, precision)
    d = trace.derivation(w1, index=(0, 0))
    text = str(d)
    via_o1, via_o2 = fmt(want["dE/dout_h1 via o1"], precision), fmt(want["dE/dout_h1 via o2"], precision)
    assert any(via_o1 in line and via_o2 in line for line in text.splitlines()), text  # the sum of two parts
    for k in ("dE/dout_h1", "dout_h1/dnet_h1", "dE/dw1"):
        shown(text, want[k], precision)
    shown(text, I[0], precision)  # ∂net_h1/∂w1 = i1
    _equation_with_parts(d, want["dE/dout_h1"], [want["dE/dout_h1 via o1"], want["dE/dout_h1 via o2"]])
    assert float(d.value) == pytest.approx(want["dE/dw1"], rel=1e-12)
    assert float(d.value) == float(w1.grad.data.numpy()[0, 0])
    assert "paths not shown" not in text


@pytest.mark.parametrize("precision", [4, 9])
@pytest.mark.parametrize("build", ["nn", "tensors, named", "tensors, unnamed"])
def test_mazur_w5_is_one_chain_of_three_factors(build, precision):
    want = mazur_torch()
    trace, _, w2 = mazur_glassgrad(build, precision)
    d = trace.derivation(w2, index=(0, 0))
    text = str(d)
    for k in ("dE/dout_o1", "dout_o1/dnet_o1", "dnet_o1/dw5", "dE/dw5"):
        shown(text, want[k], precision)
    assert float(d.value) == pytest.approx(want["dE/dw5"], rel=1e-12)


# ------------------------------------------------------------------------ LaTeX: balanced, the text's rows

def _staged_circuit():
    x, y, z = (gg.tensor(v, requires_grad=True, name=n) for v, n in ((-2.0, "x"), (5.0, "y"), (-4.0, "z")))
    q = x + y
    q.name = "q"
    f = q * z
    f.name = "f"
    return gg.explain(f), [(x, None), (z, None)]


def _shared_input():
    a, b = gg.tensor(2.0, requires_grad=True, name="a"), gg.tensor(1.0, requires_grad=True, name="b")
    c, d = a + b, b + 1
    e = c * d
    e.name = "e"
    return gg.explain(e), [(a, None), (b, None)]


def _mazur():
    trace, w1, w2 = mazur_glassgrad("nn", 4)
    return trace, [(w1, (0, 0)), (w2, (0, 0)), (w1, None)]


def _mlp():
    gg.manual_seed(0)
    net = gg.nn.Sequential(gg.nn.Linear(2, 3), gg.nn.Tanh(), gg.nn.Linear(3, 2), gg.nn.Sigmoid())
    x = gg.tensor(np.random.default_rng(0).normal(size=(4, 2)))
    loss = gg.nn.functional.mse_loss(net(x), gg.tensor(np.random.default_rng(1).uniform(size=(4, 2))))
    return gg.explain(loss, model=net), [(net[0].weight, (1, 0)), (net[0].weight, None), (net[2].bias, None)]


def latex_problems(latex: str) -> list[str]:
    """What would stop the LaTeX from compiling: unbalanced braces, \\left without \\right (in any group), a
    \\begin without its \\end, a control character, a command that lost its backslash."""
    found = []
    depth, lefts = 0, [0]
    for tok in re.findall(r"\\[{}]|\\left(?![a-zA-Z])|\\right(?![a-zA-Z])|[{}]", latex):
        if tok == "{":
            depth += 1
            lefts.append(0)
        elif tok == "}":
            depth -= 1
            if depth < 0:
                found.append("a } closes nothing")
                depth, lefts = 0, [0]
            elif lefts.pop():
                found.append("a \\left is not closed inside its group")
        elif tok == r"\left":
            lefts[-1] += 1
        elif tok == r"\right":
            lefts[-1] -= 1
            if lefts[-1] < 0:
                found.append("a \\right without \\left")
                lefts[-1] = 0
    if depth or any(lefts):
        found.append("unbalanced at the end")
    envs = re.findall(r"\\(begin|end)\{([^}]*)\}", latex)
    stack = []
    for kind, name in envs:
        if kind == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            found.append(f"\\end{{{name}}} without its \\begin")
    if stack:
        found.append(f"\\begin{{{stack[-1]}}} not ended")
    if re.search(r"[\x00-\x09\x0b-\x1f]", latex):
        found.append("a control character (a '\\t' read as a tab?)")
    if re.search(r"(?<![\\a-zA-Z])(text|frac|cdot|left|right|partial)\{", latex):
        found.append("a command without its backslash")
    return found


@pytest.mark.parametrize("graph", [_staged_circuit, _shared_input, _mazur, _mlp])
def test_latex_derivation_is_balanced_and_has_the_rows_of_the_text(graph):
    trace, targets = graph()
    for t, index in targets:
        for expand in (False, True):
            d = trace.derivation(t, index=index, expand=expand)
            latex = d.to_latex()
            assert latex_problems(latex) == [], latex
            body = latex.split("\n", 1)[1].rsplit("\n", 1)[0]  # between \begin{align*} and \end{align*}
            assert len(body.split(" \\\\\n")) == len(str(d).splitlines()), (str(d), latex)
            aligned = d.to_latex("aligned")
            assert latex_problems(aligned) == [] and aligned.count(r"\\") == latex.count(r"\\")


def test_the_checker_finds_what_breaks_latex():
    """latex_problems itself can fail: each broken snippet is caught."""
    assert latex_problems(r"\begin{align*} \left( x \right) \frac{a}{b} \end{align*}") == []
    for broken in (r"\frac{a}{b", r"\left( x", r"{\left( x} \right)", r"\begin{align*} x", "\\ \x09ext{VJP}",
                   r"\begin{a} \end{b}", r"a \right)"):
        assert latex_problems(broken), broken


# ------------------------------------------------------------------------------------- every lesson's sums

AUTO_NAME = re.compile(r"(?<![\w^\[])(?:x|v|c)\d+\b")


def top_level_terms(s: str) -> list[str]:
    """The terms of a sum, split at ' + ' outside brackets (∂f/∂(x + y) is one label)."""
    terms, depth, start = [], 0, 0
    for k, ch in enumerate(s):
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(ch, 0)
        if depth == 0 and s.startswith(" + ", k):
            terms.append(s[start:k])
            start = k + 3
    return terms + [s[start:]]


def _lesson_derivations():
    import glassgrad.lessons as lessons
    from glassgrad.explain.derivation import Derivation

    for name in lessons.LESSONS:
        for step in lessons.run(name).steps:
            for d in step.derivations:
                if isinstance(d, Derivation):
                    yield name, step.title, d


def test_no_lesson_derivation_lists_a_label_twice_in_one_sum_or_prints_auto_names():
    checked = 0
    for name, title, d in _lesson_derivations():
        checked += 1
        for eq in d.to_dict()["equations"]:
            labels = [" · ".join(f["label"] for f in part["factors"]) for part in eq["parts"]]
            assert len(labels) == len(set(labels)), f"{name}, {title!r}: {eq['label']} = {' + '.join(labels)}"
        for left, right in d.rows():  # the first row of each equation: its parts by their labels
            if left and left != "note":
                terms = top_level_terms(right)
                assert len(terms) == len(set(terms)), f"{name}, {title!r}: {left} = {right}"
        names = {v.label for v in d.trace.vertices if v.named}  # the lesson's own names (x1 may be one)
        auto = [m for m in AUTO_NAME.findall(str(d)) if m not in names]
        assert auto == [], f"{name}, {title!r} prints auto-names {auto}:\n{d}"
    assert checked >= 20  # every lesson with a derivation was reached


# ------------------------------------------------- by hand: softmax cross-entropy, BatchNorm1d, Embedding

def _parts(d, index_of_equation: int = -1) -> list[float]:
    return [np.asarray(p["value"]) for p in d.to_dict()["equations"][index_of_equation]["parts"]]


def test_softmax_cross_entropy_shows_softmax_minus_onehot_over_n_with_torchs_numbers():
    rng = np.random.default_rng(0)
    z0, y0 = rng.normal(size=(3, 4)), np.array([1, 0, 3])
    zt = torch.tensor(z0, requires_grad=True)
    torch.nn.functional.cross_entropy(zt, torch.tensor(y0)).backward()
    by_hand = (torch.softmax(torch.tensor(z0), 1) - torch.nn.functional.one_hot(torch.tensor(y0), 4)) / 3
    np.testing.assert_allclose(by_hand.numpy(), zt.grad.numpy(), rtol=1e-12)  # the course's formula
    z = gg.tensor(z0, requires_grad=True, name="z")
    loss = gg.nn.functional.cross_entropy(z, gg.tensor(y0))
    loss.name = "L"
    trace = gg.explain(loss)
    for text in (str(trace), str(trace.derivation(z))):
        assert "softmax(z)" in text and "onehot([1, 0, 3])" in text and "/N" in text, text
        for v in zt.grad.numpy().reshape(-1):
            shown(text, v, 4)
    shown(str(trace), torch.nn.functional.cross_entropy(torch.tensor(z0), torch.tensor(y0)).item(), 4)
    d = trace.derivation(z, index=(0, 1))  # the target's own logit: (p − 1)/N
    assert float(d.value) == pytest.approx(float(by_hand[0, 1]), rel=1e-12)
    shown(str(d), float(by_hand[0, 1]), 4)


def test_batchnorm1d_shows_mean_variance_normalised_input_and_the_two_parts_at_x():
    rng = np.random.default_rng(1)
    x0, c0 = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    bn = gg.nn.BatchNorm1d(3)
    x = gg.tensor(x0, requires_grad=True, name="x")
    loss = (bn(x) * gg.tensor(c0, name="c")).sum()
    loss.name = "L"
    trace = gg.explain(loss, model=bn)
    # torch, and the course's ingredients from it: μ, σ² (biased), x̂, ∂L/∂γ = Σ g·x̂, ∂L/∂β = Σ g
    xt = torch.tensor(x0, requires_grad=True)
    tbn = torch.nn.BatchNorm1d(3, dtype=torch.float64)
    (tbn(xt) * torch.tensor(c0)).sum().backward()
    mu, var = x0.mean(0), x0.var(0)
    x_hat = (x0 - mu) / np.sqrt(var + tbn.eps)
    np.testing.assert_allclose((c0 * x_hat).sum(0), tbn.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(c0.sum(0), tbn.bias.grad.numpy(), rtol=1e-12)
    text = str(trace)
    for values in (mu, var, x_hat, tbn.weight.grad.numpy(), tbn.bias.grad.numpy(), xt.grad.numpy()):
        for v in np.reshape(values, -1):
            shown(text, v, 4)
    assert "c1" not in text and "x1" not in text
    # ∂L/∂x: the part through x − μ directly and the part through μ, which add up to torch's gradient
    d = trace.derivation(x)
    parts = _parts(d)
    assert len(parts) == 2
    np.testing.assert_allclose(sum(parts), xt.grad.numpy(), rtol=1e-12)
    xc = torch.tensor(x0 - mu, requires_grad=True)  # ∂L/∂(x − μ), from torch with x − μ as the leaf
    normalised = xc / torch.sqrt((xc * xc).mean(0) + tbn.eps)
    ((normalised * tbn.weight.detach() + tbn.bias.detach()) * torch.tensor(c0)).sum().backward()
    through_mean = np.broadcast_to(-xc.grad.numpy().mean(0), x0.shape)
    direct = [p for p in parts if np.allclose(p, xc.grad.numpy(), rtol=1e-10, atol=1e-14)]
    via_mean = [p for p in parts if np.allclose(p, through_mean, rtol=1e-10, atol=1e-14)]
    assert len(direct) == len(via_mean) == 1, (parts, xc.grad, through_mean)
    np.testing.assert_allclose(float(trace.derivation(bn.weight, index=2).value), tbn.weight.grad[2].item(),
                               rtol=1e-12)


def test_embedding_sums_the_gradients_of_a_repeated_row_never_places_one_back():
    rng = np.random.default_rng(2)
    table, c0, idx = rng.normal(size=(5, 2)), rng.normal(size=(4, 2)), np.array([1, 3, 1, 1])
    emb = gg.nn.Embedding(5, 2)
    emb.load_state_dict({"weight": table})
    out = emb(gg.tensor(idx)) * gg.tensor(c0, name="c")
    loss = out.sum()
    loss.name = "L"
    trace = gg.explain(loss, model=emb)
    wt = torch.tensor(table, requires_grad=True)
    (torch.nn.functional.embedding(torch.tensor(idx), wt) * torch.tensor(c0)).sum().backward()
    np.testing.assert_allclose(wt.grad.numpy()[1], c0[[0, 2, 3]].sum(0), rtol=1e-12)  # row 1, looked up 3 times
    for text in (str(trace), str(trace.derivation(emb.weight))):
        assert "placed back" not in text
        assert "Σ" in text or "sum" in text, text
        for v in wt.grad.numpy().reshape(-1):
            shown(text, v, 4)
    d = trace.derivation(emb.weight, index=(1, 0))  # one part per lookup of row 1: c[0,0], c[2,0], c[3,0]
    np.testing.assert_allclose(sorted(float(p) for p in _parts(d)), sorted(c0[[0, 2, 3], 0]), rtol=1e-12)
    text = str(d)
    for v in (*c0[[0, 2, 3], 0], wt.grad[1, 0].item()):
        shown(text, v, 4)
    assert float(d.value) == pytest.approx(wt.grad[1, 0].item(), rel=1e-12)
    assert float(trace.derivation(emb.weight, index=(0, 0)).value) == 0.0  # a row never looked up


# ------------------------------------------------------ a wide network: each large gradient printed once

def test_a_wide_mlp_prints_each_large_gradient_once_and_every_local_derivative():
    """3 tanh layers 32 wide, one example: ∂E/∂W^[1][0, 0]. Every station's gradient (torch's δ's) and every
    tanh layer's 1 − a² appear, a 32-wide gradient only once (it is not repeated in the next station's rows), and
    the 32 parts of ∂E/∂a^[1][0, 0] each with its numbers."""
    gg.manual_seed(0)
    net = gg.nn.Sequential(gg.nn.Linear(32, 32), gg.nn.Tanh(), gg.nn.Linear(32, 32), gg.nn.Tanh(),
                           gg.nn.Linear(32, 32))
    rng = np.random.default_rng(0)
    x0, y0 = rng.normal(size=(1, 32)), rng.normal(size=(1, 32))
    d = gg.explain(gg.nn.functional.mse_loss(net(gg.tensor(x0)), gg.tensor(y0)), model=net).derivation(
        net[0].weight, index=(0, 0))
    text = str(d)
    ws = [(torch.tensor(net[k].weight.data.numpy(), requires_grad=True),
           torch.tensor(net[k].bias.data.numpy(), requires_grad=True)) for k in (0, 2, 4)]
    a, stations, slopes = torch.tensor(x0), [], []
    for k, (w, b) in enumerate(ws):
        z = a @ w.T + b
        z.retain_grad()
        stations.append(z)
        if k < 2:
            a = torch.tanh(z)
            a.retain_grad()
            stations.append(a)
            slopes.append(1 - a.detach() ** 2)
        else:
            a = z
    torch.nn.functional.mse_loss(a, torch.tensor(y0)).backward()

    def vector(t: torch.Tensor) -> str:
        return "[[" + ", ".join(fmt(v, 4) for v in t.detach().numpy().reshape(-1)) + "]]"

    for t in stations[2:]:  # z^[2], a^[2], z^[3]: tensor stations (a^[1][0, 0] and below are numbers)
        assert text.count(vector(t.grad)) == 1, (vector(t.grad), text)
    assert vector(slopes[1]) in text
    shown(text, float(slopes[0][0, 0]), 4)
    shown(text, float(stations[1].grad[0, 0]), 4)  # ∂E/∂a^[1][0, 0]
    assert float(d.value) == pytest.approx(ws[0][0].grad[0, 0].item(), rel=1e-12)
    # ∂E/∂a^[1][0, 0] sums 32 parts: labels are elided past 16, every part's numbers are listed
    w2, dz2 = ws[1][0].detach().numpy()[:, 0], stations[2].grad.numpy()[0]
    for k in range(32):
        shown(text, w2[k], 4)
        shown(text, dz2[k] * w2[k], 4)


def test_a_label_repeated_many_times_stays_short_and_distinct():
    """y ← tanh(y·w) + 0.5·y, 30 times: the repeats of one expression are marked ′, ′′, ′′′, then ⁽⁴⁾, ⁽⁵⁾, … (one
    prime per repeat made a 2,500-fold loop's labels thousands of characters long)."""
    w = gg.tensor([0.9, 0.8], requires_grad=True, name="w")
    y = gg.tensor([0.1, -0.2], requires_grad=True, name="y0")
    for _ in range(30):
        y = gg.tanh(y * w) + y * 0.5
    trace = gg.explain(y.sum())
    labels = [v.label for v in trace.vertices if v.requires_grad]
    assert len(labels) == len(set(labels))
    assert max(len(label) for label in labels) <= 40, max(labels, key=len)
    assert any(re.search("⁽[⁰¹²³⁴⁵⁶⁷⁸⁹]{2}⁾$", label) for label in labels)  # a repeat past the 10th
    assert not any("′′′′" in label for label in labels)
    d = trace.derivation(w)
    latex = d.to_latex()
    assert latex_problems(latex) == [] and re.search(r"\^\{\(\d\d\)\}", latex)
    assert len(latex.split(" \\\\\n")) == len(str(d).splitlines())
    wt = torch.tensor([0.9, 0.8], dtype=torch.float64, requires_grad=True)
    yt = torch.tensor([0.1, -0.2], dtype=torch.float64)
    for _ in range(30):
        yt = torch.tanh(yt * wt) + yt * 0.5
    yt.sum().backward()
    np.testing.assert_allclose(np.asarray(d.value), wt.grad.numpy(), rtol=1e-12)
