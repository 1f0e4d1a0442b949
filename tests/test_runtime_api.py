"""Runtime and configuration names a tutorial reaches for, compared with PyTorch itself."""

import numpy as np
import pytest
import torch

import glassgrad as gg

_OPTIONS = [{}, {"precision": 2}, {"threshold": 5}, {"profile": "short"}, {"sci_mode": True}, {"sci_mode": False},
            {"linewidth": 40}, {"edgeitems": 1, "threshold": 3}, {"precision": 6, "linewidth": 120}]
_VALUES = [np.array([1.12345, 2.5, -3.0]), np.arange(10), np.linspace(0, 1, 2000), np.array([1e-5, 1.0, 123.0]),
           np.array([1.0, 2.0]), np.random.default_rng(0).normal(size=(6, 8)), np.arange(30.0).reshape(3, 10) / 7,
           np.arange(24).reshape(2, 3, 4), np.array([True, False]), np.array([1.5, np.nan, np.inf]), np.array(3.25),
           np.arange(2000).reshape(2, 10, 100), np.zeros((0, 3))]


@pytest.fixture
def restore_printoptions():
    yield
    torch.set_printoptions(profile="default")
    gg.set_printoptions(profile="default")


@pytest.mark.parametrize("options", _OPTIONS, ids=str)
def test_set_printoptions_prints_as_torch(options, restore_printoptions) -> None:
    torch.set_printoptions(**options)
    gg.set_printoptions(**options)
    for v in _VALUES:
        v = v.astype(np.float32) if v.dtype.kind == "f" else v
        assert repr(gg.tensor(v)) == repr(torch.tensor(v)), v


def test_repr_suffixes_wrap_at_the_line_width_as_torch(restore_printoptions) -> None:
    x = np.linspace(0, 1, 7, dtype=np.float64)
    assert repr(gg.tensor(x)) == repr(torch.tensor(x)).replace("torch", "glassgrad")
    y = gg.ones(3, requires_grad=True) * 2
    assert repr(y) == "tensor([2., 2., 2.], grad_fn=<MulBackward0>)" == repr(torch.ones(3, requires_grad=True) * 2)
    gg.set_printoptions(linewidth=30)
    torch.set_printoptions(linewidth=30)
    assert repr(gg.ones(3, requires_grad=True) * 2) == repr(torch.ones(3, requires_grad=True) * 2)


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_finfo_as_torch(name) -> None:
    a, b = gg.finfo(getattr(gg, name)), torch.finfo(getattr(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(a, attr) == getattr(b, attr), attr
    assert gg.finfo().eps == torch.finfo().eps


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_as_torch(name) -> None:
    a, b = gg.iinfo(getattr(gg, name)), torch.iinfo(getattr(torch, name))
    assert (a.bits, a.max, a.min, a.dtype) == (b.bits, b.max, b.min, b.dtype)


def test_dtype_questions_as_torch() -> None:
    names = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"]
    for p in names:
        for q in names:
            assert gg.promote_types(getattr(gg, p), getattr(gg, q)).name == str(
                torch.promote_types(getattr(torch, p), getattr(torch, q))).removeprefix("torch."), (p, q)
    x = gg.ones(2)
    assert isinstance(x.dtype, gg.dtype) and x.dtype == gg.float32
    assert gg.is_floating_point(x) and not gg.is_floating_point(gg.arange(3)) and not gg.is_complex(x)


def test_num_threads_remembered() -> None:
    before = gg.get_num_threads()
    gg.set_num_threads(1)
    assert gg.get_num_threads() == 1
    gg.set_num_threads(before)


@pytest.mark.parametrize("cast", ["half", "byte", "short", "char", "float", "double", "long", "int", "bool"])
def test_tensor_casts_and_sizes_as_torch(cast) -> None:
    a, b = getattr(gg.tensor([[1.5, -2.0, 3.0]]), cast)(), getattr(torch.tensor([[1.5, -2.0, 3.0]]), cast)()
    assert a.dtype.name == str(b.dtype).removeprefix("torch.") and a.tolist() == b.tolist()
    assert (a.element_size(), a.itemsize, a.nbytes, a.ndimension()) == (b.element_size(), b.itemsize, b.nbytes,
                                                                      b.ndimension())
    assert (a.is_floating_point(), a.is_complex(), a.is_cuda, a.get_device()) == (
        b.is_floating_point(), b.is_complex(), b.is_cuda, b.get_device())


# ------------------------------------------------------------------------------ seeds and the stream's state


def test_seeds_and_rng_state_round_trip_within_glassgrad() -> None:
    """The same forms as torch's (streams differ: NumPy's PCG64, not PyTorch's generator)."""
    for m in (gg, torch):
        m.manual_seed(7)
        assert m.initial_seed() == 7
        s = m.seed()
        assert isinstance(s, int) and m.initial_seed() == s
        state = m.get_rng_state()
        assert state.dtype == m.uint8 and state.ndim == 1
        first = m.rand(4).tolist()
        m.set_rng_state(state)
        assert m.rand(4).tolist() == first
        g = m.Generator().manual_seed(3)
        saved = g.get_state()
        drawn = m.randn(3, generator=g).tolist()
        assert g.set_state(saved) is g and m.randn(3, generator=g).tolist() == drawn
    gg.manual_seed(7)
    assert gg.rand(3).tolist() == (gg.manual_seed(7), gg.rand(3))[1].tolist()
    with pytest.raises(TypeError, match="ByteTensor"):
        gg.set_rng_state(gg.zeros(37))
    with pytest.raises(RuntimeError, match="RNG state is wrong size"):
        gg.set_rng_state(gg.zeros(3, dtype=gg.uint8))


@pytest.mark.parametrize("name", ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
                                  "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"])
def test_legacy_constructors_take_a_shape_or_data_as_torch(name: str) -> None:
    for args in ((2, 3), ([1, 0, 2],), ([[1.5], [0.0]],), (), (torch.Size([4]),)):
        ours = getattr(gg, name)(*(gg.Size(a) if isinstance(a, torch.Size) else a for a in args))
        theirs = getattr(torch, name)(*args)
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.") and tuple(ours.shape) == tuple(theirs.shape)
        if args and not isinstance(args[0], (int, torch.Size)):
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert isinstance(ours, getattr(gg, name)) and isinstance(theirs, getattr(torch, name))
        assert not isinstance(ours, gg.LongTensor if name != "LongTensor" else gg.FloatTensor)
    assert gg.ones(2).type(getattr(gg, name)).dtype.name == str(torch.ones(2).type(getattr(torch, name)).dtype)[6:]
    assert gg.ones(2).type(f"torch.{name}").dtype.name == str(torch.ones(2).type(f"torch.{name}").dtype)[6:]


# ------------------------------------------------------------------------------------------ assert_close


_CLOSE_CASES = [
    (lambda m: (m.tensor([1.0, 2.0, 3.0]), m.tensor([1.0, 2.1, 3.5])), {}),
    (lambda m: (m.tensor([1, 2]), m.tensor([1, 3])), {}),
    (lambda m: (m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0], dtype=m.float64)), {}),
    (lambda m: (m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0, 3.0])), {}),
    (lambda m: (m.tensor(1.0), m.tensor(2.0)), {}),
    (lambda m: (m.tensor([[1.0, 2.0], [3.0, 4.0]]), m.tensor([[1.0, 2.0], [3.0, 4.5]])), {}),
    (lambda m: (m.tensor([[1.0, 2.0]], dtype=m.float64), m.tensor([[1.0 + 1e-8, 2.0 + 3e-7]], dtype=m.float64)), {}),
    (lambda m: (m.tensor([1.0, 2.0 + 1e-6]), m.tensor([1.0, 2.0])), {}),           # within float32's defaults
    (lambda m: (1.0, 1.1), {}), (lambda m: (3, 3), {}),
    (lambda m: (m.tensor([float("nan")]), m.tensor([float("nan")])), {}),
    (lambda m: (m.tensor([float("nan"), 1.0]), m.tensor([float("nan"), 1.0])), {"equal_nan": True}),
    (lambda m: (m.tensor([1.0, 2.0]), m.tensor([1.5, 2.0])), {"rtol": 0, "atol": 0.1, "msg": "custom"}),
    (lambda m: (m.tensor([1.0, 2.0]), m.tensor([1.5, 0.0])), {"rtol": 0, "atol": 0}),
    (lambda m: (m.tensor([1.0, 2.0]), m.tensor([1.04, 2.0])), {"rtol": 0.05, "atol": 0}),
    (lambda m: ([m.tensor([1.0, 2.0])], [m.tensor([1.5, 0.0])]), {}),
    (lambda m: ({"a": [m.tensor(1.0), m.tensor([1.0, 2.0])]}, {"a": [m.tensor(1.0), m.tensor([1.0, 3.0])]}), {}),
    (lambda m: (m.tensor([1.0, 2.000001]), m.tensor([1.0, 2.0], dtype=m.float64)), {"check_dtype": False}),
    (lambda m: (m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0])), {"rtol": 0}),
]


@pytest.mark.parametrize("case", range(len(_CLOSE_CASES)))
def test_assert_close_passes_and_fails_as_torch_with_its_message(case: int) -> None:
    make, kw = _CLOSE_CASES[case]
    said = []
    for m in (torch, gg):
        try:
            m.testing.assert_close(*make(m), **kw)
            said.append("passed")
        except (AssertionError, ValueError) as e:
            said.append(f"{type(e).__name__}: {e}".replace("torch.", "").replace("glassgrad.", ""))
    assert said[1] == said[0]


# ---------------------------------------------------------------------------------- tensor methods and operators


def test_strides_and_contiguity_match_torch() -> None:
    seen = []
    for m in (gg, torch):
        x = m.ones(2, 3, 4)
        views = [x, x.transpose(0, 2), x[:, ::2], x[1], m.ones(3, 1).expand(3, 4), x.permute(2, 0, 1), m.tensor(1.0),
                 x.transpose(0, 2).contiguous(), x.reshape(6, 4), x.transpose(0, 1) * 2]
        seen.append([(v.stride(), v.stride(0) if v.ndim else None, v.is_contiguous()) for v in views])
    assert seen[0] == seen[1]
    assert gg.tensor(1.0).stride() == torch.tensor(1.0).stride() == ()
    a = gg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    c = a.t().contiguous()
    assert c.is_contiguous() and c.tolist() == a.t().tolist() and a.contiguous() is a
    (c * gg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    assert a.grad.tolist() == [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]


def test_contains_detach_in_place_and_integer_operators_match_torch() -> None:
    for m in (gg, torch):
        assert (2 in m.tensor([1, 2]), 2.5 in m.tensor([[1.0, 2.0]]), m.tensor([1, 2]) in m.tensor([[1, 2], [3, 4]]),
                True in m.tensor([False])) == (True, False, True, False)
        x = m.ones(2, requires_grad=True)
        y = x * 2
        assert y.detach_() is y and (y.requires_grad, y.grad_fn, y.is_leaf) == (False, None, True)
        with pytest.raises(RuntimeError, match=r"Can't detach views in-place\. Use detach\(\) instead\."):
            (x * 2)[:1].detach_()
        with pytest.raises(RuntimeError, match="Tensor.__contains__ only supports Tensor or scalar, but you passed"):
            "a" in m.tensor([1, 2])  # noqa: B015
    a, b = np.array([5, 3, -8]), np.array([1, 2, 1])
    for op in ("__xor__", "__lshift__", "__rshift__", "__and__", "__or__", "bitwise_xor", "bitwise_left_shift"):
        ours = getattr(gg.tensor(a), op)(gg.tensor(b))
        theirs = getattr(torch.tensor(a), op)(torch.tensor(b))
        assert ours.tolist() == theirs.tolist() and str(ours.dtype) == str(theirs.dtype)[6:], op
    for make in (lambda m: ~m.tensor(a), lambda m: ~m.tensor([True, False]), lambda m: 1 << m.tensor(b),
                 lambda m: 6 ^ m.tensor(b), lambda m: m.tensor([True]) ^ m.tensor([True]), lambda m: m.tensor(a) >> 1,
                 lambda m: m.tensor(b, dtype=m.int32) | m.tensor(a), lambda m: m.bitwise_not(m.tensor(b)),
                 lambda m: m.tensor([True, False]) & True):
        ours, theirs = make(gg), make(torch)
        assert ours.tolist() == theirs.tolist() and str(ours.dtype) == str(theirs.dtype)[6:]
    results = []
    for m in (gg, torch):
        c = m.tensor(a)
        c ^= m.tensor(b)
        c <<= 2
        c >>= 1
        c |= 8
        c &= 29
        c.bitwise_xor_(m.tensor(b))
        d = m.tensor([2.0, 3.0, -7.5])
        d **= 2
        d //= 2
        d %= 5
        e = m.tensor([True, False])
        e ^= m.tensor([True, True])
        results.append((c.tolist(), d.tolist(), e.tolist()))
    assert results[0] == results[1]
    for m in (gg, torch):
        with pytest.raises(NotImplementedError, match="\"bitwise_xor_cpu\" not implemented for 'Float'"):
            m.tensor([1.5]) ^ m.tensor([1.0])
        with pytest.raises(TypeError, match=r"~ \(operator.invert\) is only implemented on integer and Boolean"):
            ~m.tensor([1.5])


def test_random_fills_draw_in_range_with_torchs_errors() -> None:
    gen = gg.Generator().manual_seed(0)
    for m in (gg, torch):
        assert m.zeros(1000).random_(5, 8).unique().tolist() == [5.0, 6.0, 7.0]
        assert m.zeros(1000, dtype=m.int64).random_(3).unique().tolist() == [0, 1, 2]
        assert m.zeros(1000, dtype=m.bool).random_().unique().tolist() == [False, True]
        assert m.zeros(50, dtype=m.uint8).random_().dtype == m.uint8
        assert 0 <= m.zeros(1000).random_().min().item() and m.zeros(1000).random_().max().item() <= 2 ** 24
        assert m.zeros(3).bernoulli_(1.0).tolist() == [1.0] * 3
        assert m.zeros(3).bernoulli_(m.tensor([1.0, 0.0, 1.0])).tolist() == [1.0, 0.0, 1.0]
        assert m.bernoulli(m.tensor([0.0, 1.0], dtype=m.float64)).dtype == m.float64
        assert m.tensor([0.0, 1.0]).bernoulli().tolist() == [0.0, 1.0]
        assert m.zeros(2).bernoulli(0.0).tolist() == [0.0, 0.0]
        assert m.zeros(3).geometric_(1 - 1e-12).tolist() == [1.0] * 3
        e = m.zeros(20000).exponential_(4.0)
        assert e.min().item() >= 0 and abs(e.mean().item() - 0.25) < 0.01
        g = m.zeros(20000).geometric_(0.25)
        assert g.min().item() >= 1 and abs(g.mean().item() - 4.0) < 0.15
        with pytest.raises(RuntimeError, match="geometric_ expects p to be in \\(0, 1\\), but got p=1"):
            m.zeros(3).geometric_(1)
        with pytest.raises(RuntimeError, match="exponential_ expects lambda > 0.0, but found lambda=-1"):
            m.zeros(3).exponential_(-1)
        with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to', but got from=3 >= to=3"):
            m.zeros(3).random_(3, 3)
    draws = gg.bernoulli(gg.full((20000,), 0.3), generator=gen)
    assert abs(draws.mean().item() - 0.3) < 0.01
    with pytest.raises(RuntimeError, match="must be in \\[0, 1\\]"):
        gg.tensor([0.5, 2.0]).bernoulli()


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_matches_torch_with_gradients(accumulate: bool) -> None:
    results = []
    for m in (gg, torch):
        x = m.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        v = m.tensor([10.0, 20.0, 30.0], dtype=m.float64, requires_grad=True)
        out = x.index_put((m.tensor([0, 1, 0]), m.tensor([2, 0, 2])), v, accumulate=accumulate)
        (out * m.tensor(np.arange(1.0, 7.0).reshape(2, 3))).sum().backward()
        y = m.zeros(3)
        y.index_put_([m.tensor([True, False, True])], m.tensor(3.0), accumulate=accumulate)
        z = m.ones(4)
        z.index_put_((m.tensor([1, 1, 3]),), m.tensor(2.0), accumulate=accumulate)
        results.append((out.tolist() if accumulate else out.tolist()[1], x.grad.tolist(),
                        v.grad.tolist() if accumulate else None, y.tolist(), z.tolist()))
    assert results[0] == results[1]
    for m in (gg, torch):
        with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match, got "
                                               "Float for the destination and Double for the source"):
            m.zeros(2).index_put_((m.tensor([0]),), m.tensor([1.0], dtype=m.float64))
