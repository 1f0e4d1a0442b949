"""PyTorch's tensor-level API under its own names: programs written for torch get the same values and dtypes.

Each test runs the same expression on glassgrad and on PyTorch (the oracle) and compares values and dtypes; the
differentiable ops among them are also in test_ops.py's gradcheck machinery.
"""

from __future__ import annotations

from typing import Any

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


# ---------------------------------------------------------------------------------------- creation and dtypes


def test_dtype_aliases_are_torchs() -> None:
    for name in ("bool", "float", "int", "long", "double", "half", "float16", "float32", "float64", "int64"):
        assert getattr(gg, name).name == str(getattr(torch, name)).removeprefix("torch."), name


def test_creators_give_torchs_shapes_dtypes_and_values() -> None:
    x = gg.tensor([[1.5, 2.0]])
    same(gg.full_like(x, 7), torch.full_like(torch.tensor([[1.5, 2.0]]), 7))
    same(gg.full_like(gg.tensor([1, 2]), 3), torch.full_like(torch.tensor([1, 2]), 3))
    same(gg.empty(2, 3), torch.zeros(2, 3))
    same(gg.empty_like(x, dtype=gg.float64), torch.zeros(1, 2, dtype=torch.float64))
    same(x.new_zeros(3), torch.tensor([[1.5, 2.0]]).new_zeros(3))
    same(x.new_ones((2, 1)), torch.tensor([[1.5, 2.0]]).new_ones((2, 1)))
    same(x.new_tensor([1, 2]), torch.tensor([[1.5, 2.0]]).new_tensor([1, 2]))
    same(x.new_full((2,), 4.0), torch.tensor([[1.5, 2.0]]).new_full((2,), 4.0))
    assert gg.is_tensor(x) and not gg.is_tensor([1.0]) and gg.numel(gg.ones(2, 3)) == 6
    assert x.type() == "glassgrad.FloatTensor" and x.type(gg.float64).dtype == gg.float64
    a = np.arange(3.0)
    shared = gg.as_tensor(a)
    a[0] = 9.0
    assert shared.tolist() == [9.0, 1.0, 2.0] and gg.as_tensor(shared) is shared
    same(gg.as_tensor([1, 2], dtype=gg.float32), torch.as_tensor([1, 2], dtype=torch.float32))


def test_random_creators_have_torchs_forms_and_seeded_streams() -> None:
    assert gg.randint(10, (3, 2)).shape == torch.randint(10, (3, 2)).shape and gg.randint(10, (3,)).dtype == gg.int64
    r = gg.randint(3, 6, (200,))
    assert r.numpy().min() == 3 and r.numpy().max() == 5
    assert gg.randint(0, 2, size=(4,)).shape == (4,)
    p = gg.randperm(7)
    assert p.dtype == gg.int64 and sorted(p.tolist()) == list(range(7))
    assert gg.normal(2.0, 0.5, (3, 4)).shape == (3, 4)
    n = gg.normal(gg.zeros(20000, dtype=gg.float64), gg.full((20000,), 2.0, dtype=gg.float64))
    assert n.dtype == gg.float64 and abs(n.numpy().std() - 2.0) < 0.05
    g = gg.Generator().manual_seed(5)
    first = [gg.rand(3, generator=g).tolist(), gg.randn(2, generator=g).tolist(), gg.randperm(4, generator=g).tolist(),
             gg.randint(9, (3,), generator=g).tolist(), gg.empty(3).uniform_(generator=g).tolist()]
    g.manual_seed(5)
    again = [gg.rand(3, generator=g).tolist(), gg.randn(2, generator=g).tolist(), gg.randperm(4, generator=g).tolist(),
             gg.randint(9, (3,), generator=g).tolist(), gg.empty(3).uniform_(generator=g).tolist()]
    assert first == again and g.initial_seed() == 5
    u = gg.empty(10000).uniform_(-1, 3)
    assert -1 <= u.numpy().min() and u.numpy().max() < 3
    assert abs(gg.empty(10000).normal_(1.0, 2.0).numpy().mean() - 1) < 0.1


# --------------------------------------------------------------------------------------------------- devices


def test_the_cpu_device_everywhere_and_a_clear_error_for_others() -> None:
    assert not gg.cuda.is_available() and gg.cuda.device_count() == 0
    dev = gg.device("cuda" if gg.cuda.is_available() else "cpu")
    assert dev == "cpu" and str(dev) == "cpu" and repr(dev) == repr(torch.device("cpu")) == "device(type='cpu')"
    x = gg.ones(2, 3, device=dev)
    assert x.device == dev and x.device.type == "cpu" and x.to(dev) is x and x.cpu() is x
    assert x.to(gg.float64).dtype == gg.float64 and x.to(dev, gg.float16).dtype == gg.float16
    assert x.to(gg.zeros(1, dtype=gg.int64)).dtype == gg.int64
    assert x.to(dtype=gg.float64, device="cpu").dtype == gg.float64
    assert x.to("cpu", copy=True) is not x
    for make in (lambda d: gg.zeros(2, device=d), lambda d: gg.tensor([1.0], device=d), lambda d: gg.randn(2, device=d),
                 lambda d: gg.arange(3, device=d), lambda d: gg.full((2,), 1.0, device=d)):
        assert make("cpu").device == "cpu"
        with pytest.raises(RuntimeError, match="CPU only"):
            make("cuda")
    with pytest.raises(RuntimeError, match="CPU only"):
        x.cuda()
    with pytest.raises(RuntimeError, match="CPU only"):
        x.to("cuda:0")


# ------------------------------------------------------------------------- queries, masks, in-place variants

X = np.array([[3.0, -1.0, 2.0, 2.5], [0.5, 4.0, -1.5, np.nan]])


def test_queries_match_torch() -> None:
    ours, theirs = gg.tensor(X), torch.tensor(X)
    clean_o, clean_t = gg.tensor(np.nan_to_num(X)), torch.tensor(np.nan_to_num(X))
    for f in (lambda m, x: x.isnan(), lambda m, x: m.isinf(x), lambda m, x: x.isfinite(), lambda m, x: x.sign(),
              lambda m, x: x.eq(2.0), lambda m, x: x.ne(x), lambda m, x: x.gt(1), lambda m, x: x.ge(2),
              lambda m, x: x.lt(0), lambda m, x: x.le(0.5), lambda m, x: m.isclose(x, x + 1e-9),
              lambda m, x: x.isnan().any(), lambda m, x: x.isfinite().all(dim=1), lambda m, x: x.gt(0).any(0, True)):
        same(f(gg, ours), f(torch, theirs))
    for f in (lambda m, x: m.argmax(x), lambda m, x: x.argmin(1), lambda m, x: m.argmax(x, 0, keepdim=True),
              lambda m, x: x.argsort(1), lambda m, x: m.argsort(x, 0, descending=True), lambda m, x: x.nonzero(),
              lambda m, x: m.sort(x.flatten()).indices, lambda m, x: x.topk(2, largest=False).indices,
              lambda m, x: m.median(x, 1).indices, lambda m, x: m.unique(x), lambda m, x: x.cumsum(0),
              lambda m, x: x.t(), lambda m, x: m.tril(x, -1), lambda m, x: x.roll(-1), lambda m, x: x.flip(1)):
        same(f(gg, clean_o), f(torch, clean_t))
    vals, inverse, counts = gg.unique(gg.tensor([3, 1, 3, 2]), return_inverse=True, return_counts=True)
    tv, ti, tc = torch.unique(torch.tensor([3, 1, 3, 2]), return_inverse=True, return_counts=True)
    same(vals, tv), same(inverse, ti), same(counts, tc)
    assert gg.allclose(clean_o, clean_o + 1e-9) and not gg.allclose(clean_o, clean_o + 1)
    assert gg.equal(clean_o, clean_o.clone()) and not gg.equal(clean_o, clean_o[:1])
    assert [t.tolist() for t in gg.nonzero(clean_o > 2, as_tuple=True)] == [t.tolist() for t in
                                                                            torch.nonzero(clean_t > 2, as_tuple=True)]
    same(clean_o.sum(axis=1), clean_t.sum(axis=1))
    same(clean_o.mean(axis=0), clean_t.mean(axis=0))


def test_scatter_and_masked_fill_values_match_torch() -> None:
    idx = [[0, 1, 0], [1, 1, 0]]
    same(gg.zeros(2, 3).scatter(0, gg.tensor(idx), gg.ones(2, 3) * 5),
         torch.zeros(2, 3).scatter(0, torch.tensor(idx), torch.ones(2, 3) * 5))
    same(gg.zeros(2, 3).scatter(1, gg.tensor([[2], [0]]), 7.0),
         torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), 7.0))
    same(gg.ones(2, 3).scatter_add(0, gg.tensor(idx), gg.ones(2, 3)),
         torch.ones(2, 3).scatter_add(0, torch.tensor(idx), torch.ones(2, 3)))
    same(gg.arange(6.0).reshape(2, 3).masked_fill(gg.tensor([True, False, True]), -1),
         torch.arange(6.0).reshape(2, 3).masked_fill(torch.tensor([True, False, True]), -1))
    # the top-level function is PyTorch's scatter (input, dim, index, src or value), in place too
    same(gg.scatter(gg.zeros(2, 3), 1, gg.tensor([[2], [0]]), value=7.0),
         torch.scatter(torch.zeros(2, 3), 1, torch.tensor([[2], [0]]), value=7.0))
    same(gg.scatter(gg.zeros(2, 3), 1, gg.tensor([[2], [0]]), gg.ones(2, 2) * 3),  # src larger than the index
         torch.scatter(torch.zeros(2, 3), 1, torch.tensor([[2], [0]]), torch.ones(2, 2) * 3))
    same(gg.zeros(3, dtype=gg.int64).scatter(0, gg.tensor([1]), 2.7),
         torch.zeros(3, dtype=torch.int64).scatter(0, torch.tensor([1]), 2.7))
    a, b = gg.ones(2, 3), torch.ones(2, 3)
    a.scatter_(0, gg.tensor(idx), gg.full((2, 3), 4.0)).scatter_add_(1, gg.tensor([[0, 0]]), gg.ones(1, 2))
    b.scatter_(0, torch.tensor(idx), torch.full((2, 3), 4.0)).scatter_add_(1, torch.tensor([[0, 0]]), torch.ones(1, 2))
    same(a, b)


@pytest.mark.parametrize("call", [
    lambda m, x: x.scatter(0, m.tensor([[0.0, 1.0]]), 1.0),
    lambda m, x: x.scatter(0, m.tensor([0, 1]), 1.0),
    lambda m, x: x.scatter(0, m.tensor([[5]]), 1.0),
    lambda m, x: x.scatter(0, m.tensor([[0, 1, 2, 0], [2, 0, 0, 1]]), m.ones(1, 4)),
    lambda m, x: x.scatter(0, m.zeros(2, 5, dtype=m.int64), 1.0),
])
def test_scatter_refuses_what_torch_refuses(call: Any) -> None:
    with pytest.raises(RuntimeError) as theirs:
        call(torch, torch.zeros(3, 4))
    with pytest.raises(RuntimeError) as ours:
        call(gg, gg.zeros(3, 4))
    assert str(theirs.value).split(" (")[0] in str(ours.value)


IN_PLACE = [("sqrt_", ()), ("exp_", ()), ("pow_", (2,)), ("relu_", ()), ("clamp_", (0.2, 1.5)), ("fill_", (0.25,)),
            ("abs_", ()), ("neg_", ()), ("sigmoid_", ()), ("tanh_", ())]


@pytest.mark.parametrize("name,args", IN_PLACE)
def test_in_place_variants_match_torch_and_bump_the_version(name: str, args: tuple) -> None:
    a, b = gg.tensor([0.25, 1.0, 2.0]), torch.tensor([0.25, 1.0, 2.0])
    assert getattr(a, name)(*args) is a
    getattr(b, name)(*args)
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
    assert a._version[0] == 1


def test_in_place_variants_record_like_torch() -> None:
    out = []
    for m in (gg, torch):
        x = m.tensor([0.5, 2.0], requires_grad=True)
        y = x * 3
        y.pow_(2).mul_(2).sqrt_()
        y.sum().backward()
        out.append(x.grad.tolist())
    np.testing.assert_allclose(out[0], out[1], rtol=1e-6)
    w = gg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.sqrt_()


def test_layers_take_the_cpu_device_keyword() -> None:
    for make in (lambda d: gg.nn.Linear(3, 2, device=d), lambda d: gg.nn.BatchNorm1d(3, device=d),
                 lambda d: gg.nn.LayerNorm(3, device=d)):
        assert all(p.device == "cpu" for p in make("cpu").parameters())
        with pytest.raises(RuntimeError, match="CPU only"):
            make("cuda")
    model = gg.nn.Linear(3, 2).to(gg.device("cpu"))
    assert model.to("cpu", gg.float64).weight.dtype == gg.float64
    with pytest.raises(RuntimeError, match="CPU only"):
        model.to("cuda")
