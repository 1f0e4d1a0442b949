"""Labels from the caller's variables: an unnamed tensor bound to `x` is labelled x in every explanation, not x1.

Values are by hand: for f = (x + y)·z at x = -2, y = 5, z = -4, ∂f/∂x = ∂f/∂y = z = -4 and ∂f/∂z = x + y = 3.
"""

from __future__ import annotations

import re

import numpy as np

import glassgrad as gg
from glassgrad.lessons.base import explain_backward

AUTO = re.compile(r"(?<![\w^])[xvc]\d+\b")  # the automatic labels of unnamed leaves and constants: x1, v17, c1

module_level = gg.tensor(7.0, requires_grad=True)


def staged() -> tuple[gg.Tensor, gg.Tensor, gg.Tensor]:
    return (gg.tensor(-2.0, requires_grad=True), gg.tensor(5.0, requires_grad=True),
            gg.tensor(-4.0, requires_grad=True))


def test_the_staged_circuit_is_written_with_the_learners_names() -> None:
    x, y, z = staged()
    f = (x + y) * z
    trace = gg.explain(f)
    text = str(trace.derivation(x))
    assert text.startswith("∂f/∂x = ") and "∂f/∂(x + y)" in text and re.search(r"= z\b", text), text
    assert not AUTO.search(text) and not AUTO.search(str(trace)), text
    assert [v.label for v in trace.vertices] == ["x", "y", "x + y", "z", "f"]
    assert "∂f/∂y = -4" in str(trace) and "∂f/∂z = 3" in str(trace)  # by hand: z, and x + y
    assert float(trace.derivation(x).value) == -4.0 and float(trace.derivation(z).value) == 3.0
    assert x.name is None and f.name is None  # the names live in the trace, the tensors are not changed


def test_every_renderer_uses_the_names() -> None:
    x, y, z = staged()
    f = (x + y) * z
    trace = gg.explain(f)
    for text in (trace.to_markdown(), trace.to_latex(), trace.to_json()):
        assert not AUTO.search(text), text
    assert 'label="x\\n' in trace.to_dot() and "<title>z</title>" in trace.graph().svg
    assert "x + y" in trace.to_markdown() and r"\frac{\partial f}{\partial x}" in trace.to_latex()


def test_a_name_the_user_gave_wins() -> None:
    x, y, z = staged()
    x.name = "a"
    f = (x + y) * z
    f.name = "out"
    trace = gg.explain(f)
    assert [v.label for v in trace.vertices] == ["a", "y", "a + y", "z", "out"]
    text = str(trace.derivation(x))
    assert text.startswith("∂out/∂a = ") and "∂out/∂(a + y)" in text and re.search(r"= z\b", text), text


def test_a_variable_bound_to_an_intermediate_names_it_and_its_output() -> None:
    x, y, z = staged()
    q = x + y
    loss = q * z
    trace = gg.explain(loss)
    assert [v.label for v in trace.vertices] == ["x", "y", "q", "z", "loss"]
    assert trace.vertex(q).named  # a station of derivations, as a name= is
    assert float(trace.derivation(x).value) == -4.0


def _explained_inside_a_helper() -> gg.Tensor:
    weight = gg.tensor(3.0, requires_grad=True)
    bias = gg.tensor(1.0, requires_grad=True)
    return str(gg.explain(weight * 2.0 + bias).derivation(weight))


def test_a_function_local_variable_names_its_tensor() -> None:
    text = _explained_inside_a_helper()
    assert text.startswith("∂f/∂weight = ") and "∂f/∂(weight·2)" in text and not AUTO.search(text), text


def test_glassgrads_own_frames_are_walked_out_of() -> None:
    """The lessons call explain from inside glassgrad: the names are the variables of the code that called them."""
    x, y, z = staged()
    f = (x + y) * z
    trace, (dx,) = explain_backward(f, [x])
    assert str(dx).startswith("∂f/∂x = ") and "∂f/∂(x + y)" in str(dx) and float(dx.value) == -4.0


def test_locals_before_globals_first_name_wins_and_private_names_are_skipped() -> None:
    _hidden = gg.tensor(2.0, requires_grad=True)
    first = second = gg.tensor(3.0, requires_grad=True)
    trace = gg.explain(_hidden * first * module_level)
    assert [v.label for v in trace.vertices if v.node is None] == ["x1", "first", "module_level"]
    assert second is first


def test_two_variables_two_tensors_two_distinct_labels() -> None:
    x = gg.tensor(2.0, requires_grad=True)
    y = gg.tensor(2.0, requires_grad=True)  # same value, another tensor
    trace = gg.explain(x * y + x)
    labels = [v.label for v in trace.vertices]
    assert labels[:2] == ["x", "y"] and len(set(labels)) == len(labels)
    assert float(trace.derivation(x).value) == 3.0 and float(trace.derivation(y).value) == 2.0  # y + 1, x


def test_a_variable_name_never_doubles_a_name_the_user_gave() -> None:
    a = gg.tensor(1.0, requires_grad=True, name="x")
    x = gg.tensor(2.0, requires_grad=True)  # bound to x, but the user called another tensor x
    trace = gg.explain(a * x)
    assert [v.label for v in trace.vertices][:2] == ["x", "x1"]


def test_names_false_keeps_the_automatic_labels() -> None:
    x, y, z = staged()
    f = (x + y) * z
    trace = gg.explain(f, names=False)
    assert [v.label for v in trace.vertices] == ["x1", "x2", "x1 + x2", "x3", "f"]


def test_module_structure_labels_win_for_parameters() -> None:
    gg.manual_seed(0)
    net = gg.nn.Sequential(gg.nn.Linear(2, 2), gg.nn.Sigmoid(), gg.nn.Linear(2, 1))
    weight = net[0].weight  # a variable bound to a parameter does not rename it: the module named it
    inputs = gg.tensor([[0.5, -1.0]])
    loss = net(inputs).sum()
    labels = {id(v.tensor): v.label for v in gg.explain(loss).vertices if v.node is None}
    assert labels[id(weight)] == "0.weight" and labels[id(net[2].bias)] == "2.bias" and labels[id(inputs)] == "inputs"
    labels = [v.label for v in gg.explain(loss).vertices if v.node is not None]
    assert labels == ["z^[1]", "a^[1]", "z^[2]", "loss"]  # unbound intermediates: labels from the layers
    (expected,) = gg.autograd.grad(net(inputs).sum(), [weight])
    assert np.allclose(gg.explain(loss).grad(weight), expected.data)


def test_unnamed_weights_of_a_functional_layer_take_their_variable_names() -> None:
    w, b = gg.tensor([[1.0, -2.0]], requires_grad=True), gg.tensor([0.5], requires_grad=True)
    inputs = gg.tensor([[3.0, 1.0]])
    loss = gg.nn.functional.linear(inputs, w, b).sum()
    trace = gg.explain(loss)
    assert [v.label for v in trace.vertices] == ["inputs", "w", "b", "z^[1]", "loss"]
    np.testing.assert_allclose(trace.grad(w), [[3.0, 1.0]])  # ∂(w·inputs + b)/∂w = inputs, by hand
