"""Explanations checked against worked examples computed independently (torch in float64, or by hand): the
numbers a learner needs appear in the text, tables are never cut, formulas read simplified, every notation has the
same rows."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import glassgrad as gg
from glassgrad.explain.render import HEAD, rows

pytestmark = pytest.mark.usefixtures("float64")  # the articles' numbers, exactly


def g4(v: float) -> str:
    """A number as explanations print it, written out here: 4 significant digits, no trailing zeros."""
    s = f"{float(v):.4g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return "0" if float(v) == 0 else s


def _cells(text: str, table: list) -> list[list[str]]:
    """The table's cells read back from the terminal text by the columns of its ─ rule, the lines of one row
    (a wrapped cell continues on the row's next lines) joined: what a reader sees, row by row."""
    lines = text.splitlines()
    rule = next(k for k, line in enumerate(lines) if line.startswith("─"))
    spans, start = [], 0
    for dashes in lines[rule].split("  "):
        spans.append((start, start + len(dashes)))
        start += len(dashes) + 2
    body = lines[rule + 1:lines.index("", rule)] if "" in lines[rule:] else lines[rule + 1:]
    read, k = [], 0
    for row in table:
        want = [getattr(row, c).replace(" ", "") for c in HEAD.__dataclass_fields__]
        got = [""] * len(spans)
        while k < len(body) and got != want:
            got = [g + body[k][a:b].replace(" ", "") for g, (a, b) in zip(got, spans)]
            k += 1
        read.append(got)
    assert k == len(body), "lines left over: a cell was cut or a row lost"
    return read


# ------------------------------------------------------------------------------- item 2: the trace table

def test_table_cells_are_wrapped_never_cut():
    """A 5-element tensor used by two ops: the 'sum over 2 paths' note and every value are whole in the text."""
    x = gg.tensor([0.3, -1.2, 0.8, 2.0, -0.5], requires_grad=True, name="x")
    z = gg.tensor([0.1, 0.2, -0.3, 0.4, 1.5], requires_grad=True, name="z")
    s = gg.sigmoid(z * x)
    s.name = "s"
    f = (s * gg.tanh(s)).sum()
    trace = gg.explain(f)
    text = str(trace)
    assert "…" not in text
    table = rows(trace)
    read = _cells(text, table)
    for row, got in zip(table, read):
        assert got == [getattr(row, c).replace(" ", "") for c in HEAD.__dataclass_fields__]
    assert max(len(line) for line in text.splitlines()) < 8 * 48 + 7 * 2
    # the note at s, with the two contributions torch computes
    xs, zs = torch.tensor(x.data.numpy(), requires_grad=True), torch.tensor(z.data.numpy(), requires_grad=True)
    st = torch.sigmoid(zs * xs)
    st.retain_grad()
    (st * torch.tanh(st)).sum().backward()
    direct = torch.tanh(st).detach()  # ∂f/∂s through the product's left factor
    through_tanh = st.detach() * (1 - torch.tanh(st).detach() ** 2)
    np.testing.assert_allclose((direct + through_tanh).numpy(), st.grad.numpy(), rtol=1e-12)
    (note,) = [r.note for r in table if r.note.startswith("sum over")]
    assert note == ("sum over 2 paths: [" + ", ".join(g4(v) for v in direct) + "] (from s·(tanh s)) + ["
                    + ", ".join(g4(v) for v in through_tanh) + "] (from tanh s)")
    assert "".join(note.split()) in "".join("".join(c) for c in read)


def test_one_tensor_used_twice_by_one_op_is_one_row_with_the_combined_local_derivative():
    x = gg.tensor(3.0, requires_grad=True, name="x")
    trace = gg.explain(x * x)
    (row,) = rows(trace)  # one row, not two rows of 'x = 3 | x = 3'
    assert row.local == "2·x = 6"  # d(x²)/dx = 2x at x = 3, by hand
    assert row.sent == "1 × 6 = 6"
    assert row.note == "x used twice by this op: sent 3 + 3 = 6"
    assert "∂f/∂x = 6" in str(trace) and "(from f) + " not in str(trace)


def test_x_times_x_times_x_sums_two_uses_not_three_copies():
    """f = (x·x)·x at x = 2: ∂f/∂x = x·x (direct, 4) + x·(2x) (through x·x, 8) = 12 = 3x²."""
    x = gg.tensor(2.0, requires_grad=True, name="x")
    trace = gg.explain(x * x * x)
    assert "∂f/∂x = 4 (from f) + 8 (from x·x) = 12  (sum over 2 paths)" in str(trace)
    assert x.grad.item() == 3 * 2.0**2
    latex = trace.to_latex()
    assert latex.split(r"\end{tabular}")[0].count(r"2 \cdot x") == 1  # one LaTeX table row for x·x


# ------------------------------------------------------------------- item 3: small tensors print in full

def _logits():
    rng = np.random.default_rng(3)
    z0, y0 = rng.normal(size=(4, 5)), np.array([1, 0, 4, 2])
    zt = torch.tensor(z0, requires_grad=True)
    torch.nn.functional.cross_entropy(zt, torch.tensor(y0)).backward()
    return z0, y0, zt.grad.numpy()


def test_a_4x5_logits_gradient_prints_all_20_values_in_the_table_the_derivation_and_deltas():
    z0, y0, grad = _logits()
    want = "[" + ", ".join("[" + ", ".join(g4(v) for v in row) + "]" for row in grad) + "]"
    z = gg.tensor(z0, requires_grad=True, name="z")
    trace = gg.explain(gg.nn.functional.cross_entropy(z, gg.tensor(y0)))
    assert f"∂f/∂z = {want}" in str(trace)
    (row,) = rows(trace)
    assert row.sent == want
    assert want in str(trace.derivation(z))
    assert "‖·‖" not in str(trace)
    # the layer view of a network with 4×5 logits: δ of its one layer, all 20 values (one row per example)
    gg.manual_seed(0)
    net = gg.nn.Sequential(gg.nn.Linear(3, 5))
    out = net(gg.tensor(np.random.default_rng(4).normal(size=(4, 3))))
    ot = torch.tensor(out.data.numpy(), requires_grad=True)
    torch.nn.functional.cross_entropy(ot, torch.tensor(y0)).backward()
    deltas = str(gg.explain(gg.nn.functional.cross_entropy(out, gg.tensor(y0)), model=net).deltas())
    for r in ot.grad.numpy():
        assert "[" + ", ".join(g4(v) for v in r) + "]" in deltas


def test_a_tensor_over_64_elements_prints_shape_norm_and_first_entries():
    a = np.random.default_rng(5).normal(size=(9, 8))  # 72 elements
    w = gg.tensor(a, requires_grad=True, name="w")
    trace = gg.explain((w * w).sum())
    want = f"[9, 8] ‖·‖={g4(np.linalg.norm(2 * a))}, first [" + ", ".join(g4(v) for v in (2 * a).reshape(-1)[:6])
    assert f"∂f/∂w = {want}, …]" in str(trace)
    assert f"{want}, …]" in str(trace.derivation(w))


# ----------------------------------------------------------------------- item 1: formulas read simplified

@pytest.mark.parametrize("f, torch_f, text, latex", [
    (lambda x: x ** -1, lambda x: x ** -1, "−x^(-2)", "-{x}^{-2}"),
    (lambda x: x ** -2, lambda x: x ** -2, "−2·x^(-3)", r"-2 \cdot {x}^{-3}"),
    (lambda x: x ** 0.5, lambda x: x ** 0.5, "0.5·x^(-0.5)", r"0.5 \cdot {x}^{-0.5}"),
    (lambda x: x ** -0.5, lambda x: x ** -0.5, "−0.5·x^(-1.5)", r"-0.5 \cdot {x}^{-1.5}"),
    (lambda x: x ** 2, lambda x: x ** 2, "2·x", r"2 \cdot {x}"),
    (lambda x: x ** 3, lambda x: x ** 3, "3·x^2", r"3 \cdot {x}^{2}"),
    (lambda x: 1 / x, lambda x: 1 / x, "−1/x²", r"-\frac{1}{x^2}"),
])
def test_power_derivatives_print_simplified(f, torch_f, text, latex):
    x = gg.tensor(1.7, requires_grad=True, name="x")
    trace = gg.explain(f(x))
    (edge,) = [e for s in trace.steps for e in s.edges if e.source is not None]
    assert edge.symbol() == text
    assert edge.symbol(latex=True).replace(" ", "") == latex.replace(" ", "")
    xt = torch.tensor(1.7, dtype=torch.float64, requires_grad=True)
    torch_f(xt).backward()
    assert float(edge.local) == pytest.approx(xt.grad.item(), rel=1e-12)
    assert f"∂f/∂x = {text}\n      = {g4(xt.grad.item())}" == str(trace.derivation(x))


def test_negative_numbers_keep_their_sign_readable_and_constants_stay_visible():
    x = gg.tensor(2.0, requires_grad=True, name="x")
    trace = gg.explain(2 * -(x + gg.sigmoid(x)))
    text = str(trace)
    s = 1 / (1 + np.exp(-2.0))
    assert "f = 2·(−(x + σ(x)))" in text  # not 2·−(x + σ(x))
    assert "2 × (-1) = -2" in text  # not 2 × -1
    assert f"∂f/∂x = -2 (from x + σ(x)) + ({g4(-2 * s * (1 - s))}) (from σ(x))" in text  # not + -0.21
    assert "−−" not in text and "+ -" not in text and "× -" not in text
    # 2·(0.5·x): both numbers are inputs of an op, and stay in the derivation (not merged into 1)
    d = gg.explain(2 * (0.5 * x)).derivation(x)
    assert str(d).splitlines()[:2] == ["∂f/∂x = ∂f/∂(0.5·x) · ∂(0.5·x)/∂x", "      = 2 · 0.5"] and float(d.value) == 1.0
    # (y − 2)² with the exponent's arithmetic done, the target's number kept: (1−2) is not merged into -1
    bce = gg.nn.functional.binary_cross_entropy(gg.sigmoid(x), gg.tensor(1.0))
    assert "(1−1) ln(1−σ(x))" in gg.explain(bce).vertex(bce).formula()


_ODD = [r"−−", r"--", r"−-", r"-−", r"·−", r"·-", r"\+ −", r"\+ -", r"− −", r"− -", r"\$", r"^\(-1\)·", r"^1·",
        r"^−1·", r"\^\(\(-?\d", r"(?<![\w)])\(\[[^\]]*\]\)", r"(?<![\w)])\(\d+(\.\d+)?\)(?!\()", r"(?<![\w])\(σ\(z\)\)"]
_LABELS = ["x", "-1", "2", "0.5", "-0.5", "y − ŷ", "w·x", "−x", "[1, 0, 4, 2]", "σ(z)"]


def test_no_formula_of_the_op_table_reads_oddly_with_negative_numbers_constants_or_expressions():
    """Every template of every op (forward and local derivatives), filled with names, numbers, negative numbers,
    lists and expressions: no '−−', '·−', '+ -', '(-1)·x', '((-1)−1)' or a lone number in brackets. A forward
    formula may write a negative input as (-1)·x: it is an input, kept as written."""
    import itertools
    import re

    from glassgrad.explain.format import fill, kind
    from glassgrad.ops.table import TABLE

    odd = re.compile("|".join(_ODD))
    found = []
    for name, op in sorted(TABLE.items()):
        templates = [(False, op.text)] + [(True, d.text) for d in op.derivatives if d is not None]
        keys = sorted(set(re.findall(r"\$([a-e])", " ".join(t for _, t in templates))))
        for labels in itertools.product(_LABELS, repeat=len(keys)):
            names = {k: (v, kind(v)) for k, v in zip(keys, labels)} | {"g": ("g", "atom"), "out": ("f", "atom")}
            for derivative, t in templates:
                s = fill(t, names, derivative=derivative)
                m = odd.search(s.replace("(-1)·", "") if not derivative else s)
                if m:
                    found.append(f"{name}: {t!r} with {labels} reads {s!r}")
    assert found == []


# ----------------------------------------------------------------- a long chain, walked op by op from the top

def test_the_cs231n_sigmoid_circuit_is_walked_op_by_op_from_the_top():
    """f = 1/(1 + exp(−(w0·x0 + w1·x1 + w2))) at w = (2, −3, −3), x = (−1, −2), the course notes' circuit: one row per
    op, each the gradient above times the op's local derivative, with torch's numbers."""
    values = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    s = t["w0"] * t["x0"] + t["w1"] * t["x1"] + t["w2"]
    e = torch.exp(-s)
    (1 / (1 + e)).backward()
    g = {k: gg.tensor(v, requires_grad=True, name=k) for k, v in values.items()}
    trace = gg.explain(1 / (1 + gg.exp(-(g["w0"] * g["x0"] + g["w1"] * g["x1"] + g["w2"]))))
    top, ds = -1 / (1 + e.item()) ** 2, t["w2"].grad.item()  # ∂f/∂(1 + e), and ∂f/∂s = σ(s)(1 − σ(s))
    assert (g4(top), g4(e.item()), g4(ds)) == ("-0.5344", "0.3679", "0.1966")
    walk = [
        "where … = w0·x0 + w1·x1 + w2",
        f"∂f/∂(1 + exp(−…)) = −1/(1 + exp(−…))² = {g4(top)}",
        f"∂f/∂exp(−…) = ∂f/∂(1 + exp(−…)) · 1 = {g4(top)} · 1 = {g4(top)}",
        f"∂f/∂(−…) = ∂f/∂exp(−…) · exp(−…) = {g4(top)} · {g4(e.item())} = {g4(-ds)}",
        f"∂f/∂(w0·x0 + w1·x1 + w2) = ∂f/∂(−…) · (−1) = {g4(-ds)} · (-1) = {g4(ds)}",
    ]
    ends = {"w0": "∂f/∂(w0·x0) · x0 = 0.1966 · (-1) = -0.1966", "x0": "∂f/∂(w0·x0) · w0 = 0.1966 · 2 = 0.3932",
            "w1": "∂f/∂(w1·x1) · x1 = 0.1966 · (-2) = -0.3932", "x1": "∂f/∂(w1·x1) · w1 = 0.1966 · (-3) = -0.5898",
            "w2": "∂f/∂(w0·x0 + w1·x1 + w2) · 1 = 0.1966 · 1 = 0.1966"}
    for name, end in ends.items():
        d = trace.derivation(g[name])
        lines = str(d).splitlines()
        assert lines[:5] == walk and lines[-1] == f"∂f/∂{name} = {end}"
        assert g4(t[name].grad.item()) == end.rsplit(" = ", 1)[1]  # the last number is torch's gradient
        lefts = [left for left, _ in d.rows() if left != "note"]
        assert len(lefts) == len(set(lefts)) == len(lines) - 1  # one row per op, every station's label distinct
        assert len(d.rows(latex=True)) == len(d.rows())  # the same rows in LaTeX (and so Markdown, JSON)
        assert d.to_dict()["rows"] == [{"left": a, "right": b} for a, b in d.rows()]
    latex = trace.derivation(g["w0"]).to_latex()
    assert r"\text{where } \dots = w_{0} \cdot x_{0} + w_{1} \cdot x_{1} + w_{2}" in latex
    assert r"\frac{\partial f}{\partial w_{0}} &= \frac{\partial f}{\partial \left(w_{0} \cdot x_{0}\right)} \cdot " \
           r"x_{0} = 0.1966 \cdot \left(-1\right) = -0.1966" in latex


def test_the_circuit_written_with_plain_variables_is_walked_the_same_way():
    """The course notes' own code: no name=, the output bound to f. f and w0 are then named (by their variables),
    and the run between them, ending at the target, is still walked op by op."""
    w0, x0, w1, x1, w2 = (gg.tensor(v, requires_grad=True) for v in (2.0, -1.0, -3.0, -2.0, -3.0))
    f = 1 / (1 + gg.exp(-(w0 * x0 + w1 * x1 + w2)))
    t = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (2.0, -1.0, -3.0, -2.0, -3.0)]
    (1 / (1 + torch.exp(-(t[0] * t[1] + t[2] * t[3] + t[4])))).backward()
    lines = str(gg.explain(f).derivation(w0)).splitlines()
    assert lines[0] == "where … = w0·x0 + w1·x1 + w2" and len(lines) == 8
    assert lines[-1] == f"∂f/∂w0 = ∂f/∂(w0·x0) · x0 = 0.1966 · (-1) = {g4(t[0].grad.item())}"


def test_a_tensor_walk_through_a_sum_multiplies_the_gradient_above_by_one():
    """Σ's local derivative is 1 for every element: the row reads ∂E/∂(Σ …) · 1 = 0.5 · 1 = [[0.5, 0.5]] (it read
    '= 1 = [[0.5, 0.5]]', as if the gradient were 1), and no row repeats a step that differs only in parentheses."""
    net = gg.nn.Sequential(gg.nn.Linear(2, 2), gg.nn.Sigmoid(), gg.nn.Linear(2, 2), gg.nn.Sigmoid())
    x, t = gg.tensor([[0.05, 0.10]]), gg.tensor([[0.01, 0.99]])
    E = 0.5 * ((t - net(x)) ** 2).sum()
    ref = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 2), torch.nn.Sigmoid())
    with torch.no_grad():
        for p, q in zip(ref.parameters(), net.parameters()):
            p.copy_(torch.tensor(q.detach().numpy()))
    d = torch.tensor([[0.01, 0.99]]) - ref(torch.tensor([[0.05, 0.10]]))
    text = str(gg.explain(E).derivation(net[0].weight, index=(0, 0)))
    assert "∂E/∂((t − ŷ)^2) = ∂E/∂(Σ ((t − ŷ)^2)) · 1 = 0.5 · 1 = [[0.5, 0.5]]" in text
    local = f"[[{g4(2 * d[0, 0])}, {g4(2 * d[0, 1])}]]"  # 2·(t − ŷ), by torch
    assert f"∂E/∂(t − ŷ) = ∂E/∂((t − ŷ)^2) ⊙ 2·(t − ŷ) = [[0.5, 0.5]] ⊙ {local}" in text
    assert "∂E/∂(Σ ((t − ŷ)^2)) = 1 · 0.5 = 0.5" in text and "(0.5) = 0.5" not in text


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_shows_the_softmax_and_onehot_its_gradient_is_made_of(smoothing):
    """∂loss/∂z = (softmax(z) − onehot(y))/N: the walk prints softmax(z), onehot(y) and N with their values (torch's
    softmax); where the formula is not exact (label smoothing), it does not claim them."""
    gg.manual_seed(0)
    model = gg.nn.Sequential(gg.nn.Linear(3, 4), gg.nn.ReLU(), gg.nn.Linear(4, 3))
    x, y = gg.randn(2, 3), gg.tensor([0, 2])
    loss = gg.nn.functional.cross_entropy(model(x), y, label_smoothing=smoothing)
    p = torch.softmax(torch.tensor(model(x).detach().numpy()), dim=1)
    d = gg.explain(loss).derivation(model[2].weight)
    probabilities = "[" + ", ".join("[" + ", ".join(g4(v) for v in row) + "]" for row in p.tolist()) + "]"
    where = f"where softmax(z^[2]) = {probabilities}, onehot(y) = [[1, 0, 0], [0, 0, 1]], N = 2"
    assert (where in str(d)) == (smoothing == 0.0)
    assert "gᵀ" not in str(d) and "· g " not in str(d)  # each VJP row has the gradient's values in place of g
    assert (r"\text{where } \operatorname{softmax}" in d.to_latex()) == (smoothing == 0.0)
