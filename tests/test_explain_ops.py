"""The explainer against the engine: for every op of the table, the local derivative it evaluates (from the op's
declared formula) times the upstream gradient is what backward sent; and on random graphs with shared nodes every
derivation's value is the gradient backward computes, and its paths sum to it.

The op cases (inputs away from kinks, broadcasting pairs) are test_ops.py's, so a new op gets covered here too.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import glassgrad as gg
from glassgrad.ops.base import sum_to
from glassgrad.ops.table import TABLE
from glassgrad.ops.xp import NUMPY
from test_ops import CASES

CASES_BY_OP = {name: [c for c in CASES if c.op == name] for name in TABLE}


def test_every_op_of_the_table_has_cases_here():
    assert [name for name, cases in CASES_BY_OP.items() if not cases] == []


def _explained(case):
    leaves = [gg.from_numpy(a.copy()).requires_grad_() for a in case.arrays]
    out = case.gg(*leaves)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    rng = np.random.default_rng(7)
    total = None
    for o in outs:  # a random weighting, so every upstream gradient is a different number
        term = (o * gg.tensor(rng.uniform(0.5, 1.5, o.shape))).sum()
        total = term if total is None else total + term
    return leaves, total, gg.explain(total, accumulate=False)


def _numeric_local(vertex, index, h=1e-6):
    """∂out/∂input elementwise by central differences on the op's own forward (inputs of the output's shape)."""
    node = vertex.node
    args = [a._data if isinstance(a, gg.Tensor) else a for a in vertex.inputs]
    plus, minus = list(args), list(args)
    plus[index], minus[index] = args[index] + h, args[index] - h
    return (node.op.forward(*plus, **node.params) - node.op.forward(*minus, **node.params)) / (2 * h)


@pytest.mark.parametrize("op", sorted(TABLE))
def test_local_derivative_the_explainer_evaluates_is_what_backward_sent(op):
    seen = 0
    for case in CASES_BY_OP[op]:
        leaves, total, trace = _explained(case)
        engine = gg.autograd.grad(total, leaves, allow_unused=True)
        for step in trace.steps:
            if step.vertex.node.op is not TABLE[op]:
                continue
            for e in step.edges:
                if e.sent is None:
                    continue
                seen += 1
                symbol = e.symbol()
                assert symbol and "$" not in symbol, f"{op}: unfilled template {symbol!r}"
                assert e.vjp(step.upstream).shape == np.shape(e.sent)
                np.testing.assert_allclose(e.vjp(step.upstream), e.sent, rtol=1e-12, atol=1e-12)
                if e.derivative.kind == "local":
                    shape = np.shape(e.source.value) if e.source is not None else np.shape(e.sent)
                    product = sum_to(NUMPY, np.asarray(step.upstream * e.local), shape)
                    np.testing.assert_allclose(product, e.sent, rtol=1e-12, atol=1e-12)
                    if e.source is not None and e.source.shape == step.vertex.shape:
                        numeric = _numeric_local(step.vertex, e.index)
                        local = np.broadcast_to(e.local, numeric.shape)
                        np.testing.assert_allclose(local, numeric, rtol=1e-5, atol=1e-6,
                                                   err_msg=f"{op}: printed local derivative {symbol}")
        for t, g in zip(leaves, engine):
            if g is not None:
                np.testing.assert_allclose(trace.derivation(t).value, g.data, rtol=1e-12, atol=1e-12)
    assert seen, f"no backward step of {op} was explained"


# --------------------------------------------------------------------------------- random graphs, shared nodes

UNARY = {"sin": gg.sin, "tanh": gg.tanh, "sigmoid": gg.sigmoid, "exp_small": lambda a: gg.exp(a * 0.3),
         "square": lambda a: a * a, "sum_keep": lambda a: a.sum(-1, keepdim=True) if a.ndim else a}
BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
          "div": lambda a, b: a / (b * b + 1.0)}


@st.composite
def programs(draw):
    n_leaves = draw(st.integers(1, 3))
    shapes = [draw(st.sampled_from([(), (3,), (2, 3)])) for _ in range(n_leaves)]
    ops = []
    for k in range(draw(st.integers(1, 7))):
        pool = n_leaves + k
        if draw(st.booleans()):
            ops.append(("u", draw(st.sampled_from(sorted(UNARY))), draw(st.integers(0, pool - 1)), None))
        else:
            ops.append(("b", draw(st.sampled_from(sorted(BINARY))), draw(st.integers(0, pool - 1)),
                        draw(st.integers(0, pool - 1))))
    named = draw(st.sets(st.integers(0, len(ops) - 1)))
    seed = draw(st.integers(0, 2**16))
    return shapes, ops, named, seed


@settings(max_examples=40)
@given(programs())
def test_derivations_equal_backward_on_random_graphs(program):
    shapes, ops, named, seed = program
    rng = np.random.default_rng(seed)
    leaves = [gg.tensor(rng.uniform(-1, 1, s), requires_grad=True, name=f"p{i}") for i, s in enumerate(shapes)]
    pool = list(leaves)
    for k, (kind, name, i, j) in enumerate(ops):
        t = UNARY[name](pool[i]) if kind == "u" else BINARY[name](pool[i], pool[j])
        if k in named:
            t.name = f"s{k}"
        t.retain_grad()
        pool.append(t)
    last_two = pool[len(leaves):][-2:]  # they share the earlier nodes
    out = sum((t.sum() for t in last_two), gg.tensor(0.0, dtype=gg.float64))
    trace = gg.explain(out)
    for t in pool:
        if t.grad is None:
            continue
        d = trace.derivation(t, expand=True)
        np.testing.assert_allclose(d.value, t.grad.data, rtol=1e-12, atol=1e-12)
        assert_equations_add_up(d)
        if d.total_paths == len(d.paths):  # the expanded sum over paths, when all are listed
            total = sum((np.asarray(p.product) for p in d.paths), np.zeros(t.shape))
            np.testing.assert_allclose(total, t.grad.data, rtol=1e-9, atol=1e-12)
        if t.numel() > 1:  # one element: its own derivation, factored the same way
            k = tuple(int(i) for i in np.unravel_index(seed % t.numel(), t.shape))
            e = trace.derivation(t, index=k)
            assert float(e.value) == pytest.approx(float(t.grad.data[k]), rel=1e-12, abs=1e-12)
            assert_equations_add_up(e)


def assert_equations_add_up(d) -> None:
    """Every equation's parts sum to its station's gradient; for numbers each part is the product of its factors;
    no sum names the same part twice; each station appears once."""
    for eq in d.equations:
        values = [np.asarray(q.value) for q in eq.parts]
        np.testing.assert_allclose(sum(values, np.zeros(np.shape(eq.value))), eq.value, rtol=1e-9, atol=1e-12)
        labels = [" · ".join(f.label for f in q.factors) for q in eq.parts]
        assert len(set(labels)) == len(labels), labels
        if not eq.tensor:
            for q in eq.parts:
                if q.term.elements == 1:
                    product = np.prod([float(f.value) for f in q.factors])
                    assert product == pytest.approx(float(q.value), rel=1e-9, abs=1e-12)
    stations = [(eq.point.vertex.id, eq.point.index) for eq in d.equations]
    assert len(set(stations)) == len(stations)


def test_explain_follows_the_value_each_op_used_when_a_tensor_was_changed_in_place_later():
    """y is used by z, then changed in place: z's edge still leads to the y it used (PyTorch fixes edges when an op
    is recorded), so the explanation's paths are the ones backward took and sum to its gradient."""
    x = gg.tensor([2.0, -1.0], dtype=gg.float64, requires_grad=True, name="x")
    y = x * 3
    z = y + 1  # recorded with y's first value
    y *= x  # y is now 3x·x: a new node, behind y's old one
    out = (z + y).sum()
    trace = gg.explain(out)
    expected = 3 + 6 * x.data  # through z: 3; through the changed y: d(3x²)/dx
    np.testing.assert_allclose(x.grad.data, expected)
    d = trace.derivation(x)
    np.testing.assert_allclose(d.value, expected)
    assert len(d.equations[-1].parts) == 2  # x·3 (its first use) and the in-place y·x
    assert_equations_add_up(d)
    np.testing.assert_allclose(sum(np.asarray(p.product) for p in trace.derivation(x, expand=True).paths), expected)
    (source,) = [e.source for e in trace.vertex(z).edges if e.source is not None]
    assert source.node is y.grad_fn.next[0] and source.node is not y.grad_fn  # y's first node, not today's
    np.testing.assert_allclose(source.value, 3 * x.data)  # the value z used, not y's value now


def test_mask_derivatives_are_shown_as_numbers():
    """Backward multiplies by ReLU's boolean mask directly; the explanation shows that derivative as 0/1 numbers."""
    x = gg.tensor([-1.0, 2.0], requires_grad=True, name="x")
    trace = gg.explain(gg.nn.functional.relu(x).sum())
    (edge,) = [e for v in trace.vertices if v.node is not None and v.node.op.name == "relu" for e in v.edges]
    assert edge.local.dtype == x.dtype and edge.local.tolist() == [0.0, 1.0]
    assert "True" not in trace.to_text() and "False" not in trace.to_text()
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0])
