"""PyTorch's tensor-level API under its own names: programs written for torch get the same values and dtypes.

Each test runs the same expression on glassgrad and on PyTorch (the oracle) and compares values and dtypes; the
differentiable ops among them are also in test_ops.py's gradcheck machinery.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import glassgrad as gg


def same(ours: gg.Tensor, theirs: torch.Tensor) -> None:
    assert isinstance(ours, gg.Tensor), type(ours)
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch."), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.detach().numpy())


# ------------------------------------------------------------------------------------ silent differences


@pytest.mark.parametrize("other", [[1, 2, 3], [2.5, 0.5, 1.0]], ids=["int", "float64"])
@pytest.mark.parametrize("method", ["add", "sub", "mul", "div", "pow"])
def test_method_forms_promote_like_the_operators(method: str, other: list) -> None:
    for m, ns in ((gg, gg), (torch, torch)):
        x = ns.tensor([1.5, 2.0, 3.0])
        o = ns.tensor(other, dtype=ns.float64) if isinstance(other[0], float) else ns.tensor(other)
        if m is gg:
            ours = (getattr(x, method)(o), getattr(gg, method)(x, o))
        else:
            theirs = (getattr(x, method)(o), getattr(torch, method)(x, o))
    for a, b in zip(ours, theirs):
        same(a, b)
    assert gg.tensor([1.0]).pow(gg.tensor([2])).dtype == (gg.tensor([1.0]) ** gg.tensor([2])).dtype == gg.float32


def test_add_and_sub_take_alpha_and_div_a_rounding_mode() -> None:
    a, b = [7.0, -7.5, 3.0], [2.0, 2.0, -4.0]
    same(gg.tensor(a).add(gg.tensor(b), alpha=3), torch.tensor(a).add(torch.tensor(b), alpha=3))
    same(gg.sub(gg.tensor(a), gg.tensor(b), alpha=0.5), torch.sub(torch.tensor(a), torch.tensor(b), alpha=0.5))
    for mode in ("floor", "trunc"):
        same(gg.tensor(a).div(gg.tensor(b), rounding_mode=mode), torch.tensor(a).div(torch.tensor(b),
                                                                                      rounding_mode=mode))
        same(gg.div(gg.tensor([7, -7]), 2, rounding_mode=mode), torch.div(torch.tensor([7, -7]), 2,
                                                                          rounding_mode=mode))
    with pytest.raises(ValueError, match="rounding_mode"):
        gg.tensor(a).div(2, rounding_mode="round")


@pytest.mark.parametrize("a,b", [([7, -7, 5], [2, 2, -3]), ([7.5, -7.5, 2.0], [2.0, 2.0, -0.75])])
def test_floor_division_and_remainder_operators(a: list, b: list) -> None:
    ga, gb, ta, tb = gg.tensor(a), gg.tensor(b), torch.tensor(a), torch.tensor(b)
    for f in (lambda x, y: x // y, lambda x, y: x % y, lambda x, y: x // 2, lambda x, y: x % 2, lambda x, y: 9 // y,
              lambda x, y: 9 % y, lambda x, y: x // 2.5, lambda x, y: x % 1.5):
        same(f(ga, gb), f(ta, tb))
    same(gg.floor_divide(ga, gb), torch.floor_divide(ta, tb))
    same(gg.remainder(ga, gb), torch.remainder(ta, tb))


def test_legacy_constructor_gives_the_default_float() -> None:
    same(gg.Tensor([1, 2]), torch.Tensor([1, 2]))
    same(gg.Tensor([[1.5, 2], [3, 4]]), torch.Tensor([[1.5, 2], [3, 4]]))
    same(gg.Tensor(np.array([1, 2])), torch.Tensor(np.array([1, 2])))
    assert gg.Tensor(2, 3).shape == torch.Tensor(2, 3).shape and gg.Tensor(2, 3).dtype == gg.float32
    assert gg.Tensor().shape == torch.Tensor().shape == (0,)
    assert gg.Tensor(gg.Size([4])).shape == (4,) and gg.Tensor((2, 3)).tolist() == [2.0, 3.0]
    same(gg.Tensor(gg.tensor([1, 2])), torch.Tensor(torch.tensor([1, 2])))  # a tensor keeps its dtype
    gg.set_default_dtype(gg.float64)
    try:
        assert gg.Tensor([1, 2]).dtype == gg.float64
    finally:
        gg.set_default_dtype(gg.float32)


@pytest.mark.parametrize("switch,grad", [("no_grad", False), ("enable_grad", True), ("inference_mode", False)])
def test_bare_decorators_wrap_and_call(switch: str, grad: bool) -> None:
    calls = []

    @getattr(gg, switch)
    def step(x: gg.Tensor) -> gg.Tensor:
        calls.append(gg.is_grad_enabled())
        return x * 2

    x = gg.ones(2, requires_grad=True)
    with gg.set_grad_enabled(not grad):
        y = step(x)
    assert calls == [grad] and y.requires_grad is grad and y.tolist() == [2.0, 2.0]
    assert gg.is_grad_enabled()
    assert step.__name__ == "step"


def test_inference_mode_false_records_as_in_pytorch() -> None:
    with gg.no_grad(), gg.inference_mode(False):
        assert gg.is_grad_enabled()
    with torch.no_grad(), torch.inference_mode(False):
        assert torch.is_grad_enabled()
    with gg.inference_mode():
        assert not gg.is_grad_enabled() and not (gg.ones(1, requires_grad=True) * 2).requires_grad


def test_data_is_a_tensor_sharing_storage_outside_autograd() -> None:
    w = gg.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    d = w.data
    assert isinstance(d, gg.Tensor) and not d.requires_grad and d.grad_fn is None and d.is_leaf
    w.grad.data.zero_()
    assert w.grad.tolist() == [0.0, 0.0]
    w.grad = gg.tensor([1.0, 1.0])
    w.data -= 0.5 * w.grad  # the idiom of hand-written SGD: no error, no version bump
    assert w.tolist() == [0.5, 1.5] and w.requires_grad and w._version[0] == 0
    w.data.copy_(gg.tensor([3.0, 4.0]))
    w.data[0] = 9.0
    assert w.tolist() == [9.0, 4.0]
    w.data = gg.tensor([5.0, 6.0, 7.0])  # replacing the storage, as PyTorch allows (the shape may change)
    assert w.tolist() == [5.0, 6.0, 7.0] and w.requires_grad
    with pytest.raises(TypeError, match="has to be a tensor"):
        w.data = np.zeros(3)
    np.testing.assert_array_equal(w.detach().numpy(), [5.0, 6.0, 7.0])


def test_changes_through_data_are_not_version_checked_as_in_pytorch() -> None:
    """x.data changed in place after use: backward uses the changed value, silently, in both libraries."""
    out = []
    for m in (gg, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        x.data.mul_(10)
        y.backward()
        out.append(x.grad.tolist())
    assert out[0] == out[1] == [20.0, 40.0]


def test_size_is_a_tuple_that_prints_as_one() -> None:
    s = gg.ones(2, 3, 4).shape
    assert isinstance(s, gg.Size) and isinstance(s, tuple) and s == (2, 3, 4) and s == torch.Size([2, 3, 4])
    assert gg.ones(2, 3).size() == (2, 3) and isinstance(gg.ones(2, 3).size(), gg.Size)
    assert isinstance(s[1:], gg.Size) and s[1:] == (3, 4) and s[-1] == 4 and isinstance(s[0], int)
    assert repr(s) == "glassgrad.Size([2, 3, 4])" and s.numel() == 24 == torch.Size([2, 3, 4]).numel()
    assert gg.Size([2]) + (3,) == (2, 3) and isinstance(gg.Size([2]) + (3,), gg.Size)
