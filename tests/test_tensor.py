"""The Tensor API: attributes, conversions, repr, creation functions, operators and type promotion vs PyTorch."""

from __future__ import annotations

import itertools
import operator

import numpy as np
import pytest
import torch

import glassgrad as gg

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow,
       "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def dtype_name(t) -> str:
    return t.dtype.name if isinstance(t, gg.Tensor) else str(t.dtype).removeprefix("torch.")


# ------------------------------------------------------------------------------------------------ attributes


def test_shape_ndim_and_default_dtype() -> None:
    t = gg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.shape == (2, 3) and t.ndim == 2 and t.dim() == 2 and t.numel() == 6 and t.size(1) == 3
    assert t.dtype == gg.float32
    assert gg.tensor(1.5).shape == () and gg.tensor(1.5).ndim == 0


@pytest.mark.parametrize("data", [1.5, [1.0, 2.0], 3, [1, 2], True, [True, False], np.float64(2.0),
                                  np.array([1.0, 2.0]), np.array([1, 2], dtype=np.int32)])
def test_dtype_of_new_tensors_matches_torch(data) -> None:
    assert dtype_name(gg.tensor(data)) == dtype_name(torch.tensor(data))


def test_explicit_dtypes() -> None:
    assert gg.tensor([1, 2], dtype=gg.float64).dtype == gg.float64
    assert gg.tensor([1.7, 2.2], dtype=gg.int64).tolist() == [1, 2]
    assert gg.tensor(1.0, dtype=gg.float64).dtype == np.float64


@pytest.mark.parametrize("data", [[1, 2], True, [True, False]])
def test_integer_and_bool_tensors_cannot_require_grad(data) -> None:
    with pytest.raises(RuntimeError, match="only Tensors of floating point and complex dtype can require gradients"):
        gg.tensor(data, requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        gg.tensor(data).requires_grad_()


def test_requires_grad_grad_fn_is_leaf() -> None:
    x = gg.tensor([1.0, 2.0], requires_grad=True)
    c = gg.tensor([3.0, 4.0])
    y = x * c
    assert x.requires_grad and x.is_leaf and x.grad_fn is None and x.grad is None
    assert not c.requires_grad and c.is_leaf
    assert y.requires_grad and not y.is_leaf and y.grad_fn.name() == "MulBackward0"
    assert not (c * 2).requires_grad


def test_name_is_settable() -> None:
    w = gg.tensor(2.0, requires_grad=True, name="w")
    assert w.name == "w"
    y = w * 3
    y.name = "y"
    assert y.name == "y" and gg.tensor(1.0).name is None


def test_requires_grad_() -> None:
    x = gg.tensor([1.0])
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    y = gg.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)


def test_item() -> None:
    assert gg.tensor(2.5).item() == 2.5 and isinstance(gg.tensor(2.5).item(), float)
    assert gg.tensor([[7]]).item() == 7 and isinstance(gg.tensor([7]).item(), int)
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"):
        gg.tensor([1.0, 2.0]).item()


def test_numpy_shares_memory_and_refuses_tensors_requiring_grad() -> None:
    t = gg.tensor([1.0, 2.0])
    a = t.numpy()
    a[0] = 9.0
    assert t.tolist() == [9.0, 2.0]
    x = gg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad.*detach\(\)"):
        x.numpy()
    assert x.detach().numpy().tolist() == [1.0]


def test_tolist() -> None:
    assert gg.tensor([[1.0, 2.0], [3.0, 4.0]]).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert gg.tensor(3.0).tolist() == 3.0
    assert gg.tensor([1, 2]).tolist() == torch.tensor([1, 2]).tolist()


def test_detach_shares_data_and_cuts_history() -> None:
    x = gg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.data, y.data)


def test_zero_() -> None:
    t = gg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert t.zero_() is t and t.tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_retain_grad_and_register_hook_are_methods() -> None:
    x = gg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    handle = y.register_hook(lambda g: g * 2)
    (y * y).sum().backward()
    assert y.grad.tolist() == [12.0, 24.0]  # as PyTorch 2: the retained gradient is the one the hook returned
    assert x.grad.tolist() == [36.0, 72.0]
    handle.remove()


def test_retained_grad_and_hook_order_match_torch() -> None:
    results = []
    for m in (gg, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        y.register_hook(lambda g: g * 2)
        (y * y).sum().backward()
        results.append((y.grad.tolist(), x.grad.tolist()))
    assert results[0] == results[1]


# --------------------------------------------------------------------------------------------------- repr


REPRS = [
    lambda m: m.tensor(-20.0),
    lambda m: m.tensor(3),
    lambda m: m.tensor([1.0, 2.5], requires_grad=True),
    lambda m: m.tensor([1.0, 2.5], requires_grad=True) * 2,
    lambda m: m.tensor([1.0, 2.5], dtype=m.float64),
    lambda m: m.tensor(2.5, dtype=m.float64, requires_grad=True),
    lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0]]),
    lambda m: m.tensor([[1.5, -2.0], [3.0, 4.25]]),
    lambda m: m.tensor([1e-5, 1e3]),
    lambda m: m.tensor([123456.0, 1.0]),
    lambda m: m.tensor([1, 2, 3]),
    lambda m: m.tensor([1, 2], dtype=m.int32),
    lambda m: m.tensor([True, False]),
    lambda m: m.tensor([]),
    lambda m: m.zeros(0, 3),
    lambda m: m.tensor([float("nan"), float("inf"), 1.0]),
    lambda m: m.tensor([float("nan"), 1.5, -2.25]),
    lambda m: m.tensor([-0.0, 0.0]),
    lambda m: m.tensor([-1.0, 0.5]).exp(),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True).sum(),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True) + 1,
    lambda m: m.tensor([1.0, 2.0], requires_grad=True).tanh(),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True).mean(),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True).exp(),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True) / 3,
    lambda m: m.tensor([[1.0, 2.0]], dtype=m.float64, requires_grad=True) - 1,
    lambda m: m.arange(12).reshape(3, 4),
    lambda m: m.tensor([[[1.0]]]),
    lambda m: m.tensor([0.1, 0.25, -3.0]),
    lambda m: m.zeros(2, 3),
]


@pytest.mark.parametrize("make", REPRS)
def test_repr_is_pytorchs(make) -> None:
    assert repr(make(gg)) == repr(make(torch)).replace("torch.", "glassgrad.")


# ------------------------------------------------------------------------------------ Python protocols


def test_array_protocol() -> None:
    t = gg.tensor([[1.0, 2.0], [3.0, 4.0]])
    a = np.asarray(t)
    assert isinstance(a, np.ndarray) and a.tolist() == t.tolist()
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert np.allclose(np.exp(np.asarray(t)), gg.exp(t).numpy())


def test_len_and_iteration() -> None:
    t = gg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    assert len(t) == 3
    rows = list(t)
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    sum(r.sum() * k for k, r in enumerate(rows)).backward()  # rows are differentiable slices
    assert t.grad.tolist() == [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]
    with pytest.raises(TypeError, match="0-d"):
        len(gg.tensor(1.0))
    with pytest.raises(TypeError, match="0-d"):
        iter(gg.tensor(1.0))


def test_scalar_conversions() -> None:
    assert float(gg.tensor(2.5)) == 2.5 and int(gg.tensor(3)) == 3 and bool(gg.tensor(1.0))
    assert [10, 20, 30][gg.tensor(1)] == 20
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(gg.tensor([1.0, 2.0]))


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">="])
def test_comparisons_are_boolean_and_never_differentiable(op: str) -> None:
    results = []
    for m in (gg, torch):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = m.tensor([2.0, 2.0, 2.0])
        r1, r2 = OPS[op](x, y), OPS[op](x, 2.0)
        results.append((r1.tolist(), r2.tolist(), dtype_name(r1), r1.requires_grad))
    assert results[0] == results[1]
    assert results[0][2] == "bool" and results[0][3] is False


def test_logical_operators_on_masks() -> None:
    a, b = gg.tensor([True, False, True]), gg.tensor([True, True, False])
    assert (a & b).tolist() == [True, False, False]
    assert (a | b).tolist() == [True, True, True]
    assert (~a).tolist() == [False, True, False]


# ---------------------------------------------------------------------------------------------- creation


@pytest.mark.parametrize("make", [
    lambda m: m.zeros(2, 3),
    lambda m: m.zeros((2, 3)),
    lambda m: m.ones(4),
    lambda m: m.ones(2, 2, dtype=m.float64),
    lambda m: m.full((2, 2), 1.5),
    lambda m: m.full((3,), 7),
    lambda m: m.arange(5),
    lambda m: m.arange(1, 4, 0.5),
    lambda m: m.arange(0.0, 3.0),
    lambda m: m.linspace(0, 1, 5),
    lambda m: m.eye(3),
    lambda m: m.eye(2, 3),
    lambda m: m.zeros_like(m.tensor([[1, 2]])),
    lambda m: m.ones_like(m.tensor([1.0, 2.0], dtype=m.float64)),
    lambda m: m.tensor([[1, 2], [3, 4]]),
], ids=["zeros", "zeros tuple", "ones", "ones f64", "full float", "full int", "arange", "arange step",
        "arange float", "linspace", "eye", "eye n m", "zeros_like", "ones_like", "tensor nested"])
def test_creation_functions_match_torch(make) -> None:
    ours, theirs = make(gg), make(torch)
    assert ours.shape == tuple(theirs.shape) and dtype_name(ours) == dtype_name(theirs)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-7)
    assert ours.is_leaf and not ours.requires_grad


def test_creation_with_requires_grad() -> None:
    for t in (gg.zeros(2, requires_grad=True), gg.ones(2, requires_grad=True), gg.randn(2, requires_grad=True),
              gg.rand(2, requires_grad=True), gg.full((2,), 1.0, requires_grad=True),
              gg.linspace(0, 1, 3, requires_grad=True), gg.eye(2, requires_grad=True)):
        assert t.requires_grad and t.is_leaf


def test_rand_and_randn() -> None:
    gg.manual_seed(0)
    u, n = gg.rand(1000), gg.randn(2000)
    assert u.shape == (1000,) and u.dtype == gg.float32 and 0 <= u.numpy().min() and u.numpy().max() < 1
    assert abs(n.numpy().mean()) < 0.1 and abs(n.numpy().std() - 1) < 0.1
    assert gg.randn(2, 3, dtype=gg.float64).dtype == gg.float64 and gg.rand((2, 3)).shape == (2, 3)


def test_manual_seed_makes_random_draws_reproducible() -> None:
    gg.manual_seed(123)
    a, b = gg.rand(5), gg.randn(3)
    gg.manual_seed(123)
    assert gg.rand(5).tolist() == a.tolist() and gg.randn(3).tolist() == b.tolist()
    gg.manual_seed(124)
    assert gg.rand(5).tolist() != a.tolist()


def test_from_numpy_shares_memory_and_keeps_dtype() -> None:
    a = np.array([1.0, 2.0])
    t = gg.from_numpy(a)
    assert t.dtype == gg.float64
    a[0] = 5.0
    assert t.tolist() == [5.0, 2.0]
    t.data[1] = 7.0
    assert a.tolist() == [5.0, 7.0]
    with pytest.raises(TypeError, match="expected np.ndarray"):
        gg.from_numpy([1.0, 2.0])


def test_tensor_copies_its_data() -> None:
    a = np.array([1.0, 2.0])
    t = gg.tensor(a)
    a[0] = 5.0
    assert t.tolist() == [1.0, 2.0]


def test_tensor_of_strings_or_ragged_lists_is_a_clear_error() -> None:
    with pytest.raises((TypeError, ValueError), match="tensor"):
        gg.tensor(["a", "b"])
    with pytest.raises((TypeError, ValueError)):
        gg.tensor([[1.0, 2.0], [3.0]])


# ----------------------------------------------------------------------------- operators and type promotion

SCALAR_OPS = ["+", "-", "*", "/", "**"]


@pytest.mark.parametrize("op,scalar", [(op, s) for op in SCALAR_OPS for s in (2, 0.5, -3.0)
                                       if not (op == "**" and s < 0)])  # (-3) ** 1.5 is nan
def test_reflected_operators_with_python_scalars(op: str, scalar) -> None:
    results = []
    for m in (gg, torch):
        x = m.tensor([1.5, 2.0, 4.0], requires_grad=True)
        left, right = OPS[op](scalar, x), OPS[op](x, scalar)
        (left.sum() + right.sum()).backward()
        results.append((left, right, x.grad))
    for a, b in zip(*results):
        assert dtype_name(a) == dtype_name(b)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)


def test_matmul_operator_with_arrays_and_tensors() -> None:
    a = gg.tensor([[1.0, 2.0], [3.0, 4.0]])
    v = gg.tensor([1.0, 1.0])
    assert (a @ v).tolist() == [3.0, 7.0]
    assert (a @ a).tolist() == (torch.tensor(a.tolist()) @ torch.tensor(a.tolist())).tolist()


OPERANDS = {
    "f32": lambda m: m.tensor([1.5, 2.0]),
    "f64": lambda m: m.tensor([1.5, 2.0], dtype=m.float64),
    "i64": lambda m: m.tensor([3, 4]),
    "i32": lambda m: m.tensor([3, 4], dtype=m.int32),
    "bool": lambda m: m.tensor([True, True]),
    "f64 0-d": lambda m: m.tensor(2.0, dtype=m.float64),
    "int": lambda m: 3,
    "float": lambda m: 2.5,
}


@pytest.mark.parametrize("op", ["+", "*", "/"])
@pytest.mark.parametrize("left,right", [p for p in itertools.product(OPERANDS, repeat=2)
                                        if not (p[0] in ("int", "float") and p[1] in ("int", "float"))])
def test_type_promotion_matches_torch(op: str, left: str, right: str) -> None:
    """float32 * python float stays float32, int / int gives float32, 0-d tensors don't promote, as in PyTorch."""
    a, b = OPERANDS[left], OPERANDS[right]
    ours, theirs = OPS[op](a(gg), b(gg)), OPS[op](a(torch), b(torch))
    assert dtype_name(ours) == dtype_name(theirs)
    np.testing.assert_allclose(ours.numpy().astype(float), theirs.numpy().astype(float), rtol=1e-6)


def test_in_place_operators_keep_the_dtype() -> None:
    t = gg.tensor([1.0, 2.0])
    t += 1
    t *= 2.5
    assert t.dtype == gg.float32 and t.tolist() == [5.0, 7.5]
    i = gg.tensor([1, 2])
    i += 1
    assert i.dtype == gg.int64 and i.tolist() == [2, 3]
    with pytest.raises(RuntimeError, match="can't be cast"):
        i /= 2  # as PyTorch: the float result can't be written into an integer tensor


# ------------------------------------------------------------------------------------------ shape errors


@pytest.mark.parametrize("op,symbol", [("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/")])
def test_shape_mismatch_names_the_op_and_both_shapes(op: str, symbol: str) -> None:
    for requires_grad in (False, True):
        a, b = gg.tensor([1.0, 2.0], requires_grad=requires_grad), gg.ones(3)
        with pytest.raises(RuntimeError) as err:
            OPS[symbol](a, b)
        message = str(err.value)
        assert message.startswith(op + ":") and "[2]" in message and "[3]" in message


def test_shape_mismatch_of_function_forms() -> None:
    with pytest.raises(RuntimeError, match=r"maximum.*\[2, 3\].*\[2\]"):
        gg.maximum(gg.ones(2, 3), gg.ones(2))
    with pytest.raises(RuntimeError, match=r"matmul.*\[2, 3\].*\[2, 3\]"):
        gg.ones(2, 3) @ gg.ones(2, 3)
    with pytest.raises(RuntimeError, match=r"reshape.*\[4\].*6"):
        gg.ones(2, 3).reshape(4)
    with pytest.raises(RuntimeError, match=r"cat.*\[2, 3\].*\[2, 2\]"):
        gg.cat([gg.ones(2, 3), gg.ones(2, 2)], 0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        gg.ones(2, 3).sum(2)
