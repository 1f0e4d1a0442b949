"""The misuse catalogue: programs a careless user writes, run under PyTorch and under glassgrad.

Each program takes the library as `T` (torch or glassgrad) and returns a value or raises. Both libraries must
raise the same exception class, or both return the same value (numbers, shapes, flags, dtypes). The second half
of the file checks that glassgrad's messages name the op, the shapes and the dtypes involved.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import glassgrad as gg


def _x(T: Any, n: int = 3) -> Any:
    return T.tensor([1.0, -2.0, 3.0][:n], requires_grad=True)


def _grad_of(T: Any, make: Callable[[Any], Any], twice: bool = False) -> Any:
    x = _x(T)
    y = make(x).sum()
    y.backward()
    if twice:
        y.backward()
    return x.grad


def _hooked(T: Any, hook: Callable[[Any], Any], leaf: bool = True) -> Any:
    x = _x(T)
    h = x if leaf else x * 1
    h.register_hook(hook)
    (h * 2).sum().backward()
    return x.grad


def _assign_grad(T: Any, g: Callable[[Any], Any]) -> Any:
    x = _x(T)
    x.grad = g(T)
    return x.grad


def _inplace_then_backward(T: Any) -> Any:
    x = _x(T)
    y = x * 2
    z = y * y
    y.add_(1)
    z.sum().backward()


def _setitem(T: Any, value: Callable[[Any], Any]) -> Any:
    x = T.zeros(5)
    x[0:2] = value(T)
    return x


F = {torch: torch.nn.functional, gg: gg.nn.functional}

CATALOGUE: dict[str, Callable[[Any], Any]] = {
    # gradients never flow through integer or bool results
    "int cast result does not require grad": lambda T: _x(T).long().requires_grad,
    "int cast times 3 does not require grad": lambda T: (_x(T).long() * 3).sum().requires_grad,
    "backward through an int cast": lambda T: (_x(T).long() * 3).sum().backward(),
    "bool cast result does not require grad": lambda T: _x(T).bool().requires_grad,
    "int32 cast then float has no history": lambda T: _x(T).int().float().requires_grad,
    "float64 cast keeps the gradient": lambda T: _grad_of(T, lambda x: x.double() * 3),
    "comparison does not require grad": lambda T: (_x(T) > 0).requires_grad,
    "argmax does not require grad": lambda T: _x(T).argmax().requires_grad,
    "max(dim) indices do not require grad": lambda T: _x(T).max(0)[1].requires_grad,
    "int tensor written from a float one": lambda T: (lambda z: (z.__setitem__(0, _x(T)[0] * 2), z)[1])(
        T.zeros(3, dtype=T.long)).requires_grad,
    "integer tensor with requires_grad=True": lambda T: T.tensor([1, 2], requires_grad=True),
    "bool tensor with requires_grad=True": lambda T: T.tensor([True], requires_grad=True),
    "requires_grad_() on an int tensor": lambda T: T.ones(2, dtype=T.long).requires_grad_(),
    "requires_grad_(False) on an int tensor": lambda T: T.ones(2, dtype=T.long).requires_grad_(False).requires_grad,
    # hooks
    "hook returning None": lambda T: _hooked(T, lambda g: None),
    "hook doubling the gradient": lambda T: _hooked(T, lambda g: g * 2),
    "hook doubling a non-leaf gradient": lambda T: _hooked(T, lambda g: g * 2, leaf=False),
    "hook changing the shape (leaf)": lambda T: _hooked(T, lambda g: g.sum()),
    "hook changing the shape (non-leaf)": lambda T: _hooked(T, lambda g: g.sum(), leaf=False),
    "hook changing the dtype (leaf)": lambda T: _hooked(T, lambda g: g.double()),
    "hook changing the dtype (non-leaf)": lambda T: _hooked(T, lambda g: g.double(), leaf=False),
    "hook returning a float": lambda T: _hooked(T, lambda g: 1.0),
    "hook returning a string (non-leaf)": lambda T: _hooked(T, lambda g: "g", leaf=False),
    "hook on a tensor that does not require grad": lambda T: T.ones(2).register_hook(lambda g: g),
    # assigning .grad
    "assign a grad of the same shape": lambda T: _assign_grad(T, lambda T: T.ones(3)),
    "assign None as grad": lambda T: _assign_grad(T, lambda T: None),
    "assign a grad of another shape": lambda T: _assign_grad(T, lambda T: T.ones(2)),
    "assign a grad of another dtype": lambda T: _assign_grad(T, lambda T: T.ones(3, dtype=T.float64)),
    "assign an integer grad": lambda T: _assign_grad(T, lambda T: T.ones(3, dtype=T.long)),
    "assign a list as grad": lambda T: _assign_grad(T, lambda T: [1.0, 2.0, 3.0]),
    # matrix products never promote; elementwise ops do
    "float32 @ float64": lambda T: T.ones(2, 2) @ T.ones(2, 2, dtype=T.float64),
    "float64 @ float32": lambda T: T.ones(2, 2, dtype=T.float64) @ T.ones(2, 2),
    "float32 vector @ float64 vector": lambda T: T.ones(2) @ T.ones(2, dtype=T.float64),
    "float32 matrix @ float64 vector": lambda T: T.ones(2, 2) @ T.ones(2, dtype=T.float64),
    "batched float32 @ float64": lambda T: T.ones(3, 2, 2) @ T.ones(3, 2, 2, dtype=T.float64),
    "int64 @ float32": lambda T: T.ones(2, 2, dtype=T.long) @ T.ones(2, 2),
    "int64 @ int64": lambda T: T.ones(2, 2, dtype=T.long) @ T.ones(2, 2, dtype=T.long),
    "float32 Linear on float64 input": lambda T: (T.manual_seed(0), T.nn.Linear(2, 3)(T.ones(4, 2, dtype=T.float64))),
    "float32 Linear without bias on float64 input": lambda T: T.nn.Linear(2, 3, bias=False)(
        T.ones(4, 2, dtype=T.float64)),
    "linear with a float64 bias": lambda T: F[T].linear(T.ones(4, 2), T.ones(3, 2), T.ones(3, dtype=T.float64)),
    "float64 Linear on float64 input": lambda T: T.nn.Linear(2, 3).double()(T.ones(4, 2, dtype=T.float64)).shape,
    "float32 + float64 promotes": lambda T: (T.ones(2) + T.ones(2, dtype=T.float64)).dtype,
    "float32 * float64 0-d stays float32": lambda T: (T.ones(2) * T.tensor(2.0, dtype=T.float64)).dtype,
    "int64 + float32 is float32": lambda T: (T.ones(2, dtype=T.long) + T.ones(2)).dtype,
    # losses and softmax refuse what PyTorch refuses
    "binary_cross_entropy of NaN": lambda T: F[T].binary_cross_entropy(T.tensor([float("nan"), 0.5]),
                                                                        T.tensor([1.0, 0.0])),
    "binary_cross_entropy above 1": lambda T: F[T].binary_cross_entropy(T.tensor([1.5]), T.tensor([1.0])),
    "binary_cross_entropy below 0": lambda T: F[T].binary_cross_entropy(T.tensor([-0.1]), T.tensor([1.0])),
    "binary_cross_entropy at 0 and 1": lambda T: F[T].binary_cross_entropy(T.tensor([0.0, 1.0, 0.3]),
                                                                            T.tensor([1.0, 0.0, 1.0])),
    "softmax of int64": lambda T: T.softmax(T.tensor([1, 2]), 0),
    "log_softmax of int64": lambda T: T.log_softmax(T.tensor([1, 2]), 0),
    "F.softmax of int64": lambda T: F[T].softmax(T.tensor([[1, 2]]), dim=1),
    "softmax of float64": lambda T: T.softmax(T.tensor([1.0, 2.0], dtype=T.float64), 0),
    "cross_entropy target out of range": lambda T: F[T].cross_entropy(T.zeros(2, 3), T.tensor([0, 3])),
    "cross_entropy of (N, C, d) logits": lambda T: F[T].cross_entropy(T.arange(24.0).reshape(2, 3, 4) / 10,
                                                                      T.tensor([[0, 1, 2, 0], [2, 2, 1, 0]])),
    "mean of int64": lambda T: T.tensor([1, 2]).mean(),
    # a second backward: fine when nothing was saved, an error when something was
    "second backward through x + 1": lambda T: _grad_of(T, lambda x: x + 1, twice=True),
    "second backward through 1 - x": lambda T: _grad_of(T, lambda x: 1 - x, twice=True),
    "second backward through -x": lambda T: _grad_of(T, lambda x: -x, twice=True),
    "second backward through a broadcast add": lambda T: _grad_of(T, lambda x: x + T.ones(2, 3), twice=True),
    "second backward through 0-d adds": lambda T: (lambda x: ((y := (x + 1) - x.double()).backward(), y.backward(),
                                                              x.grad)[2])(T.tensor(2.0, requires_grad=True)),
    "second backward through x + x": lambda T: _grad_of(T, lambda x: x + x, twice=True),
    "second backward through reshape and T": lambda T: _grad_of(T, lambda x: x.reshape(3, 1).T, twice=True),
    "second backward through x[0:2]": lambda T: _grad_of(T, lambda x: x[0:2], twice=True),
    "second backward through cat": lambda T: _grad_of(T, lambda x: T.cat([x, x]), twice=True),
    "second backward through expand": lambda T: _grad_of(T, lambda x: x.unsqueeze(0).expand(2, 3), twice=True),
    "second backward through mean": lambda T: _grad_of(T, lambda x: x.mean(0, keepdim=True), twice=True),
    "second backward through double()": lambda T: _grad_of(T, lambda x: x.double(), twice=True),
    "second backward through x * x": lambda T: _grad_of(T, lambda x: x * x, twice=True),
    "second backward through x * 2": lambda T: _grad_of(T, lambda x: x * 2, twice=True),
    "second backward through exp": lambda T: _grad_of(T, lambda x: x.exp(), twice=True),
    "second backward through relu": lambda T: _grad_of(T, lambda x: x.relu(), twice=True),
    "second backward through x + 1 then x * x": lambda T: _grad_of(T, lambda x: (x + 1) * x, twice=True),
    "second backward, retain_graph the first time": lambda T: (lambda x: ((y := (x * x).sum()).backward(
        retain_graph=True), y.backward(), x.grad)[2])(_x(T)),
    # layers and creators
    "Linear(0, 2)": lambda T: T.nn.Linear(0, 2)(T.ones(3, 0)),
    "Linear(0, 2) weight shape": lambda T: tuple(T.nn.Linear(0, 2).weight.shape),
    "x[0:2] = ones(3)": lambda T: _setitem(T, lambda T: T.ones(3)),
    "x[0:2] = ones(2)": lambda T: _setitem(T, lambda T: T.ones(2)),
    "x[0:2] = ones(1)": lambda T: _setitem(T, lambda T: T.ones(1)),
    "x[0:2] = 7": lambda T: _setitem(T, lambda T: 7.0),
    "ones(-1)": lambda T: T.ones(-1),
    "zeros(2, -3)": lambda T: T.zeros(2, -3),
    "ones(2, 3.5)": lambda T: T.ones(2, 3.5),
    "zeros((2, 1.0))": lambda T: T.zeros((2, 1.0)),
    "randn(2, '3')": lambda T: T.randn(2, "3"),
    "ones(0) is empty": lambda T: tuple(T.ones(0).shape),
    "ones((2, 3))": lambda T: tuple(T.ones((2, 3)).shape),
    # everyday autograd misuse
    "backward of a non-scalar": lambda T: (_x(T) * 2).backward(),
    "backward of a tensor that does not require grad": lambda T: T.ones(2).sum().backward(),
    "numpy() of a tensor that requires grad": lambda T: _x(T).numpy(),
    "in-place on a leaf that requires grad": lambda T: _x(T).add_(1),
    "in-place change of a saved value": _inplace_then_backward,
    "item() of three elements": lambda T: T.ones(3).item(),
    "bool() of three elements": lambda T: bool(T.ones(3)),
    "len() of a 0-d tensor": lambda T: len(T.tensor(1.0)),
    "matmul shape mismatch": lambda T: T.ones(2, 3) @ T.ones(2, 3),
    "add shape mismatch": lambda T: T.ones(2, 3) + T.ones(4),
    "view with the wrong number of elements": lambda T: T.ones(6).view(4, 2),
    "sum over a missing dim": lambda T: T.ones(2, 3).sum(5),
    "requires_grad_(False) on a non-leaf": lambda T: (_x(T) * 2).requires_grad_(False),
    "grad of an unused input": lambda T: (lambda x, u: T.autograd.grad((x * 2).sum(), [x, u]))(_x(T), _x(T)),
    "clamp with neither bound": lambda T: T.clamp(T.ones(2)),
    "integer true division gives float": lambda T: (T.tensor([3, 4]) / 2).tolist(),
}


def _result(program: Callable[[Any], Any], T: Any) -> tuple[str, Any]:
    """('raises', exception class) or ('value', what it returned, made comparable)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = program(T)
    except Exception as e:  # noqa: BLE001 - the point is which class each library raises
        return "raises", type(e)
    return "value", _comparable(r)


def _comparable(r: Any) -> Any:
    if isinstance(r, (torch.dtype, np.dtype)):
        return str(r).removeprefix("torch.")
    if isinstance(r, tuple):
        return tuple(_comparable(v) for v in r)
    if isinstance(r, (torch.Tensor, gg.Tensor)):
        return r.detach().numpy()
    return r


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_misuse_behaves_as_in_pytorch(name: str) -> None:
    program = CATALOGUE[name]
    theirs, ours = _result(program, torch), _result(program, gg)
    assert theirs[0] == ours[0], f"{name}: PyTorch {theirs}, glassgrad {ours}"
    if theirs[0] == "raises":
        assert issubclass(ours[1], theirs[1]), f"{name}: PyTorch raises {theirs[1]}, glassgrad {ours[1]}"
    else:
        t, o = theirs[1], ours[1]
        if isinstance(t, tuple) and any(isinstance(v, np.ndarray) for v in t):
            t, o = t[-1], o[-1]  # (set-up calls first, the result last)
        if isinstance(t, np.ndarray):
            np.testing.assert_allclose(o, t, rtol=1e-6, atol=1e-7)
            assert o.shape == t.shape
        else:
            assert o == t, f"{name}: PyTorch {t!r}, glassgrad {o!r}"


# ------------------------------------------------------------------------------------ what the messages say


def test_integer_results_never_require_grad_and_send_no_gradient() -> None:
    x = gg.tensor([1.5, 2.5], requires_grad=True)
    y = x.long() * 3
    assert not y.requires_grad and y.grad_fn is None
    z = (x * 2 + x.long()).sum()  # the float path still carries a gradient; the integer one adds none
    z.backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])
    with pytest.raises(RuntimeError, match="only Tensors of floating point and complex dtype can require gradients"):
        gg.tensor([1, 2], requires_grad=True)


def test_hook_errors_name_the_hook_and_what_changed() -> None:
    def shrink(g: Any) -> Any:
        return g.sum()

    x = gg.ones(3, requires_grad=True)
    x.register_hook(shrink)
    with pytest.raises(RuntimeError, match=r"hook 'shrink' has changed the size of value: it returned shape \[\] "
                                           r"for a gradient of shape \[3\]"):
        (x * 2).sum().backward()
    x = gg.ones(3, requires_grad=True)
    h = x * 1
    h.register_hook(lambda g: g.double())
    with pytest.raises(RuntimeError, match=r"hook '<lambda>' has changed the type of value \(was "
                                           r"glassgrad.FloatTensor got glassgrad.DoubleTensor\)"):
        h.sum().backward()
    x = gg.ones(3, requires_grad=True)
    x.register_hook(lambda g: 1.0)
    with pytest.raises(TypeError, match="expected Tensor, but hook '<lambda>' returned 'float'"):
        (x * 2).sum().backward()
    assert x.grad is None  # nothing was accumulated from the refused hook


def test_assigned_grad_is_checked_at_assignment() -> None:
    x = gg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"assign a gradient of size '\[2\]' to a tensor of size '\[3\]'"):
        x.grad = gg.ones(2)
    with pytest.raises(RuntimeError, match="gradient with dtype 'float64' to a tensor with dtype 'float32'"):
        x.grad = gg.ones(3, dtype=gg.float64)
    with pytest.raises(TypeError, match="expected to be a Tensor or None but got grad of type list"):
        x.grad = [1.0, 2.0, 3.0]
    x.grad = gg.full((3,), 2.0)
    (x * 3).sum().backward()  # accumulates into the assigned gradient
    np.testing.assert_array_equal(x.grad.data, [5.0, 5.0, 5.0])


def test_matrix_products_refuse_mixed_dtypes_with_pytorchs_message() -> None:
    with pytest.raises(RuntimeError, match=r"matmul: expected m1 and m2 to have the same dtype, but got: float != "
                                           r"double \(shapes \[2, 3\] and \[3, 4\]\)"):
        gg.ones(2, 3) @ gg.ones(3, 4, dtype=gg.float64)
    layer = gg.nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match=r"linear: mat1 and mat2 must have the same dtype, but got Double and "
                                           r"Float \(shapes \[5, 3\] and \[2, 3\]\)"):
        layer(gg.ones(5, 3, dtype=gg.float64))
    out = layer.double()(gg.ones(5, 3, dtype=gg.float64))
    assert out.dtype == gg.float64


def test_anomaly_mode_says_inf_for_inf_and_nan_for_nan() -> None:
    for bad, word in ((float("inf"), "inf"), (float("nan"), "nan")):
        x = gg.tensor([1.0], requires_grad=True)
        with gg.autograd.detect_anomaly():
            y = (x * bad).sum()
            with pytest.raises(RuntimeError, match=f"Function 'MulBackward0' returned {word} values in its 0th "
                                                   r"output.\nThe op was created at .*y = \(x \* bad\)"):
                y.backward()


def test_second_backward_through_a_graph_that_saved_nothing_accumulates() -> None:
    x = gg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = gg.cat([x + 1, x.reshape(3, 1).T.reshape(3)]).sum()
    for k in (1, 2, 3):
        y.backward()
        np.testing.assert_array_equal(x.grad.data, [2.0 * k] * 3)
    with pytest.raises(RuntimeError, match="explain: the graph was freed"):
        gg.explain(y)
    z = (x * x).sum()
    z.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        z.backward()


def test_shape_and_size_errors_name_what_was_given() -> None:
    x = gg.zeros(5)
    with pytest.raises(RuntimeError, match=r"setitem: the value's shape \[3\] does not broadcast to the shape \[2\] "
                                           r"of the selection x\[index\] \(x has shape \[5\]\)"):
        x[0:2] = gg.ones(3)
    with pytest.raises(RuntimeError, match=r"ones\(\): Trying to create tensor with negative dimension -1: \[-1\]"):
        gg.ones(-1)
    with pytest.raises(TypeError, match=r"ones\(\): argument 'size' must be a tuple of ints, but got float at "
                                        r"position 2: 3.5"):
        gg.ones(2, 3.5)
    with pytest.raises(RuntimeError, match=r"full\(\): Trying to create tensor with negative dimension"):
        gg.full((2, -1), 1.0)
    with pytest.raises(NotImplementedError, match=r"\"softmax\" not implemented for 'Long' \(int64\).*\.float\(\)"):
        gg.softmax(gg.tensor([1, 2]), 0)
    with pytest.raises(RuntimeError, match=r"between 0 and 1 \(probabilities; got values in \[nan, nan\]\)"):
        gg.nn.functional.binary_cross_entropy(gg.tensor([float("nan")]), gg.tensor([1.0]))
